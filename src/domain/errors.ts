/**
 * The few exceptions of the system. Data faults are never thrown (they are rejections, see
 * reasons.ts); these are for unusable configuration or arguments, storage faults and broken
 * invariants. Each has a literal `name` and a stable `code` so it still means something after
 * crossing a process or worker boundary; the CLI maps `exitCode` to its documented exit codes.
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

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code = 'STORAGE';
  readonly exitCode = 74;
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
