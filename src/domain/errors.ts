/**
 * The few exceptions of the system. Data faults are never thrown (they are rejections, see
 * reasons.ts); these are for unusable configuration or arguments, storage faults and broken
 * invariants. Each has a literal `name` and a stable `code` so it still means something after
 * crossing a process or worker boundary; the CLI maps `exitCode` to its documented exit codes:
 *
 *   2   ConfigInvalidError, UsageError   unusable arguments or configuration (nothing written)
 *   70  InvariantError                   an internal invariant was broken
 *   74  StorageError                     the file system refused (full, read-only, I/O error...)
 */
export class ConfigInvalidError extends Error {
  override readonly name = 'ConfigInvalidError';
  readonly code = 'CONFIG_INVALID';
  readonly exitCode = 2;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
  readonly exitCode = 2;
}

/** Plain words for the system error codes a registrar's operator is likely to meet. */
const ERRNO_WORDS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  EEXIST: 'already exists',
  ENAMETOOLONG: 'name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EXDEV: 'crosses file systems',
  EBUSY: 'busy',
};

/** The errno code of a Node system error (`ENOSPC`...), or null for anything else. */
export function systemErrorCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  const syscall = (e as { syscall?: unknown } | null)?.syscall;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && (typeof syscall === 'string' || typeof (e as { errno?: unknown }).errno === 'number') ? code : null;
}

export function describeErrno(code: string): string {
  const words = ERRNO_WORDS[code];
  return words ? `${code}, ${words}` : code;
}

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code = 'STORAGE';
  readonly exitCode = 74;
  /** The errno code of the underlying system error, when there was one (`ENOSPC`). */
  readonly errno: string | null;

  constructor(message: string, errno: string | null = null) {
    super(message);
    this.errno = errno;
  }

  /**
   * A storage fault naming the operation and the path, never the library's own text:
   * `cannot write /work/outbox/BRK001/a.csv.ack.csv (ENOSPC, no space left on the device)`.
   * A StorageError passes through unchanged.
   */
  static wrap(operation: string, file: string, cause: unknown): StorageError {
    if (cause instanceof StorageError) return cause;
    const errno = systemErrorCode(cause);
    return new StorageError(`cannot ${operation} ${file} (${errno ? describeErrno(errno) : (cause as Error)?.name ?? 'unknown fault'})`, errno);
  }
}

/** A fault of the file system (ours or Node's): the file being processed is not to blame. */
export function isStorageFault(e: unknown): boolean {
  return e instanceof StorageError || systemErrorCode(e) !== null;
}

export class InvariantError extends Error {
  override readonly name = 'InvariantError';
  readonly code = 'INVARIANT_BROKEN';
  readonly exitCode = 70;
}

/** The book's state refuses the command (a second allocation unasked, a folder with no book...). */
export class BookStateError extends Error {
  override readonly name = 'BookStateError';
  readonly code = 'BOOK_STATE';
  readonly exitCode = 3;
}

/** Another process holds the work folder (one writer at a time); try again when it finishes. */
export class WorkFolderBusyError extends Error {
  override readonly name = 'WorkFolderBusyError';
  readonly code = 'WORK_FOLDER_BUSY';
  readonly exitCode = 75;
}

/**
 * A check found what it checks to differ (exit code 1): `verify` (outputs or store against what
 * the kept inputs give, OUTPUTS_DIFFER), `verify-site` (the site's answers against the files,
 * SERVED_DIFFERS).
 */
export class DifferencesFoundError extends Error {
  override readonly name = 'DifferencesFoundError';
  readonly exitCode = 1;
  constructor(readonly code: 'OUTPUTS_DIFFER' | 'SERVED_DIFFERS', message: string) {
    super(message);
  }
}
