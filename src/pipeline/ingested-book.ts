/**
 * The book as this process ingested it (`run`): each accepted file's part of the compact book,
 * built by the judge while it wrote the file's stored rows (judge-file.ts `compactParts`), kept
 * when the file is committed to the store. The allocation that follows in the same process takes
 * its book from here instead of reading the store back (pass 1 of allocation-files.ts, 2-3 s of
 * a 1M `run`), but only when the parts cover the store exactly: every committed file, with its
 * counts, and nothing else. A store holding files of earlier runs (or arrivals ingested since) is
 * read as before.
 *
 * The book is the one pass 1 would read: the parts are appended in store order, each as if its
 * instructions had been added one by one (CompactBookBuilder.appendPart), and each part holds what
 * pass 1 reads of the rows the judge wrote (compactInputOfInstruction). The store's bytes are still
 * checked against their metas, by pass 2, before any output file is kept.
 * `test/ingested-book.test.ts` holds the two books equal.
 */
import { CompactBook, CompactBookBuilder, CompactPart } from '../allocate/compact-book';
import type { StoredFileMeta } from '../io/store';
import { InvariantError } from '../domain/errors';

const keyOf = (participantId: string, sha256: string) => `${participantId}/${sha256}`;

/**
 * A part as it crosses from a judging thread and waits for the allocation: its texts (refs, the
 * documents) as one JSON array each, its typed arrays transferred. Two strings a file instead of
 * a thousand: less cloning, and nothing for the main thread's garbage collector to trace while
 * millions of instructions are ingested; JSON.parse gives them back as strings of their own (no
 * slices holding a file's text), in V8's one-byte form, as pass 1's reading of the store does.
 * (Not LF-joined texts, as the refs of a judgement cross: tried on 2026-12-08, joining and
 * splitting took a quarter of the CPU of JSON, but a 5M `run` peaked 320 MB higher, 1,553 MB
 * against 1,232 MB. A file's refs and documents are cut from its lines, two bytes a character in
 * every file with a Chinese name; split back, a text of 13 characters or more is a slice holding
 * the whole two-byte text, a shorter one a two-byte copy.)
 */
export interface PackedPart extends Omit<CompactPart, 'refs' | 'idText' | 'file'> {
  refsJson: string;
  idTextJson: string;
}

export function packPart(p: CompactPart): PackedPart {
  const { refs, idText, file, ...rest } = p;
  if (p.files.length !== 1 || file.some((f) => f !== 0)) throw new InvariantError('a part of the book as ingested is one file');
  return { ...rest, refsJson: compactText(JSON.stringify(refs)), idTextJson: compactText(JSON.stringify(idText)) };
}

/**
 * The same text in V8's one-byte form when it is all ASCII (a part's refs and documents nearly
 * always are): JSON.stringify writes two bytes a character as soon as one of
 * its strings is, and a file's refs and documents are cut from its lines, two-byte in every file
 * with a Chinese name, so the texts held for the allocation would take twice their size. A round
 * trip through UTF-8 is exact for JSON.stringify's output (well-formed: a lone surrogate is
 * written as an escape), and V8 decodes ASCII into a one-byte string.
 */
function compactText(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

export function unpackPart(p: PackedPart): CompactPart {
  const { refsJson, idTextJson, ...rest } = p;
  return { ...rest, file: new Uint32Array(rest.count), refs: JSON.parse(refsJson) as string[], idText: JSON.parse(idTextJson) as string[] };
}

/** The buffers a packed part can hand over to another thread instead of copying them. */
export function transferablesOf(p: PackedPart): ArrayBuffer[] {
  return [p.line, p.shares, p.paid, p.rejected, p.reason, p.idHash, p.idOwner].map((a) => a.buffer as ArrayBuffer);
}

export class IngestedBook {
  private readonly parts = new Map<string, PackedPart>();

  /** A file committed to the store, with the part its judge built. */
  add(meta: StoredFileMeta, part: PackedPart): void {
    this.parts.set(keyOf(meta.participant_id, meta.file_sha256), part);
  }

  get files(): number {
    return this.parts.size;
  }

  /**
   * The compact book of `metas` (the store's committed files, in store order) from the parts, or
   * null when the parts are not exactly those files. The parts are released either way.
   */
  bookOf(metas: readonly StoredFileMeta[]): CompactBook | null {
    try {
      if (metas.length !== this.parts.size) return null;
      let total = 0;
      for (const m of metas) {
        const p = this.parts.get(keyOf(m.participant_id, m.file_sha256));
        const f = p?.files[0];
        if (!p || p.files.length !== 1 || p.count !== m.records || f?.participant_id !== m.participant_id || f.channel !== m.channel || f.file_seq !== m.file_seq) return null;
        total += p.count;
      }
      const builder = new CompactBookBuilder(total);
      for (const m of metas) {
        // Each part let go as soon as it is in the book: the two are never both held whole.
        const key = keyOf(m.participant_id, m.file_sha256);
        const p = this.parts.get(key)!;
        this.parts.delete(key);
        builder.appendPart(unpackPart(p));
      }
      return builder.finish();
    } finally {
      this.parts.clear();
    }
  }
}
