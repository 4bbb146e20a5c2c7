/**
 * Cross-file state of the book (a port): which files were accepted (by SHA-256), which file_seqs
 * and which instruction_refs each participant has used. The in-memory adapter is loaded from the
 * durable store (io/store.ts), so it is always derived from what was committed. The BullMQ
 * workers use the same adapter, brought up to date from the store per participant
 * (synced-book-state.ts): the store stays the only truth, nothing of the book lives in Redis.
 */
import type { StoredFileMeta } from '../io/store';
import { listStoredFiles, streamStoredFile, streamStoredRefs } from '../io/store';

export interface BookState {
  /** A file with these bytes was accepted from this participant folder. */
  isFileAccepted(participantId: string, sha256: string): Promise<boolean>;
  isFileSeqAccepted(participantId: string, fileSeq: number): Promise<boolean>;
  /** Refs carried by any D record (accepted or rejected) of the participant's accepted files. */
  usedRefs(participantId: string): Promise<ReadonlySet<string>>;
  /** Records a file once it is committed to the store. */
  recordAcceptedFile(meta: StoredFileMeta, refs: Iterable<string>): Promise<void>;
}

interface ParticipantBook {
  files: Set<string>;
  fileSeqs: Set<number>;
  refs: Set<string>;
}

const WELL_FORMED_REF = /^[A-Za-z0-9-]{1,32}$/;

export class InMemoryBookState implements BookState {
  private readonly books = new Map<string, ParticipantBook>();

  private book(participantId: string): ParticipantBook {
    let b = this.books.get(participantId);
    if (!b) {
      b = { files: new Set(), fileSeqs: new Set(), refs: new Set() };
      this.books.set(participantId, b);
    }
    return b;
  }

  async isFileAccepted(participantId: string, sha256: string): Promise<boolean> {
    return this.books.get(participantId)?.files.has(sha256) ?? false;
  }

  async isFileSeqAccepted(participantId: string, fileSeq: number): Promise<boolean> {
    return this.books.get(participantId)?.fileSeqs.has(fileSeq) ?? false;
  }

  async usedRefs(participantId: string): Promise<ReadonlySet<string>> {
    return this.books.get(participantId)?.refs ?? new Set();
  }

  async recordAcceptedFile(meta: StoredFileMeta, refs: Iterable<string>): Promise<void> {
    const b = this.book(meta.participant_id);
    b.files.add(meta.file_sha256);
    b.fileSeqs.add(meta.file_seq);
    for (const ref of refs) if (WELL_FORMED_REF.test(ref)) b.refs.add(ref);
  }
}

/** The book as committed in `<work>/store/` (streamed file by file). */
export async function loadBookStateFromStore(work: string): Promise<InMemoryBookState> {
  const state = new InMemoryBookState();
  for (const meta of await listStoredFiles(work)) {
    const refs: string[] = [];
    for await (const si of streamStoredFile(work, meta.participant_id, meta.file_sha256)) refs.push(si.instruction_ref);
    await state.recordAcceptedFile(meta, refs);
  }
  return state;
}

/** Participants whose refs StoreBookState keeps at once. */
const REFS_KEPT = 4;

/**
 * The book as committed in `<work>/store/`, read as it is needed, so that the memory of an ingest
 * does not grow with the book: the files and file_seqs of every participant come from the metas
 * (read at the start), a participant's refs are streamed from its stored files when first asked
 * for and kept for the few participants asked last (an ingest takes the participants one after
 * the other). The store is the truth: refs dropped are read again when asked.
 */
export class StoreBookState implements BookState {
  private readonly files = new Map<string, { shas: Set<string>; seqs: Set<number>; metas: StoredFileMeta[] }>();
  /** Refs of the participants asked last (insertion order: the oldest first). */
  private readonly refs = new Map<string, Set<string>>();

  private constructor(private readonly work: string) {}

  static async load(work: string): Promise<StoreBookState> {
    const state = new StoreBookState(work);
    for (const meta of await listStoredFiles(work)) state.remember(meta);
    return state;
  }

  private remember(meta: StoredFileMeta): void {
    let f = this.files.get(meta.participant_id);
    if (!f) {
      f = { shas: new Set(), seqs: new Set(), metas: [] };
      this.files.set(meta.participant_id, f);
    }
    f.shas.add(meta.file_sha256);
    f.seqs.add(meta.file_seq);
    f.metas.push(meta);
  }

  async isFileAccepted(participantId: string, sha256: string): Promise<boolean> {
    return this.files.get(participantId)?.shas.has(sha256) ?? false;
  }

  async isFileSeqAccepted(participantId: string, fileSeq: number): Promise<boolean> {
    return this.files.get(participantId)?.seqs.has(fileSeq) ?? false;
  }

  async usedRefs(participantId: string): Promise<ReadonlySet<string>> {
    const kept = this.refs.get(participantId);
    if (kept) {
      this.refs.delete(participantId);
      this.refs.set(participantId, kept);
      return kept;
    }
    const refs = new Set<string>();
    for (const meta of this.files.get(participantId)?.metas ?? []) {
      for await (const batch of streamStoredRefs(this.work, meta)) for (const ref of batch) if (WELL_FORMED_REF.test(ref)) refs.add(ref);
    }
    this.refs.set(participantId, refs);
    if (this.refs.size > REFS_KEPT) this.refs.delete(this.refs.keys().next().value!);
    return refs;
  }

  async recordAcceptedFile(meta: StoredFileMeta, refs: Iterable<string>): Promise<void> {
    this.remember(meta);
    const kept = this.refs.get(meta.participant_id);
    if (kept) for (const ref of refs) if (WELL_FORMED_REF.test(ref)) kept.add(ref);
  }
}
