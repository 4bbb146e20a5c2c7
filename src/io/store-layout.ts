/**
 * Where the store keeps a file, and what its commit marker says (io/store.ts reads it,
 * io/store-writer.ts writes it):
 *
 *   store/files/<participant_id>/<sha256>.jsonl      the instructions, one a line (io/stored-row.ts)
 *   store/files/<participant_id>/<sha256>.meta.json  StoredFileMeta; written last: the commit marker
 */
import * as path from 'node:path';
import type { Channel } from '../domain/types';

export interface StoredFileMeta {
  participant_id: string;
  channel: Channel;
  file_name: string;
  file_seq: number;
  file_sha256: string;
  records: number;
  accepted: number;
  rejected: number;
  /** SHA-256 (hex) of the `.jsonl` bytes; absent in stores written before it was recorded. */
  jsonl_sha256?: string;
  /** Format of the `.jsonl` lines (io/stored-row.ts); absent: 1, the format before issue 9. */
  store_format?: number;
}

export function storeDir(work: string): string {
  return path.join(work, 'store', 'files');
}

export function storedFilePaths(work: string, participantId: string, sha256: string): { dir: string; jsonl: string; meta: string } {
  const dir = path.join(storeDir(work), participantId);
  return { dir, jsonl: path.join(dir, `${sha256}.jsonl`), meta: path.join(dir, `${sha256}.meta.json`) };
}
