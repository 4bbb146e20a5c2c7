/**
 * The cross-file state of the book (book-state.ts) for processes that share the work folder with
 * others, the BullMQ workers: an in-memory book brought up to date from the store one participant
 * at a time, just before that participant's next file is judged. The store stays the only truth
 * (a worker that restarts, or that never saw a file, reads it there); nothing about the book is
 * kept in Redis.
 *
 * Why this equals the embedded ingest: the cross-file rules (DUPLICATE_FILE, FILE_SEQ_REPLAYED,
 * REF_REUSED) only look at the same participant's accepted files, and the files of one
 * participant are judged one at a time, in drop order (src/workers/drop-ledger.ts). So when a
 * worker syncs participant P before P's k-th file, the store holds exactly P's files 1..k-1 that
 * were accepted: what the embedded ingest holds in memory at that point.
 */
import { listStoredFilesOf, streamStoredRefs, type StoredFileMeta } from '../io/store';
import { InMemoryBookState } from './book-state';

export class SyncedBookState extends InMemoryBookState {
  /** SHA-256 of the files known per participant (their metas are not read again). */
  private readonly known = new Map<string, Set<string>>();

  constructor(private readonly work: string) {
    super();
  }

  override async recordAcceptedFile(meta: StoredFileMeta, refs: Iterable<string>): Promise<void> {
    await super.recordAcceptedFile(meta, refs);
    let set = this.known.get(meta.participant_id);
    if (!set) this.known.set(meta.participant_id, (set = new Set()));
    set.add(meta.file_sha256);
  }

  /** Loads the participant's committed files this process has not seen yet. */
  async sync(participantId: string): Promise<void> {
    const known = this.known.get(participantId);
    for (const meta of await listStoredFilesOf(this.work, participantId, (sha) => known?.has(sha) ?? false)) {
      const refs: string[] = [];
      for await (const batch of streamStoredRefs(this.work, meta)) refs.push(...batch);
      await this.recordAcceptedFile(meta, refs);
    }
  }
}
