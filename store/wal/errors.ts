// Errors the WAL raises. Corruption names the file and byte offset so an operator can inspect it.

/** The WAL holds damaged data that is not a torn tail; opening it would lose acknowledged writes. */
export class WalCorruptError extends Error {
  override readonly name = 'WalCorruptError';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly detail: string,
  ) {
    super(`wal corrupt: ${file} at byte offset ${offset}: ${detail}`);
  }
}

/**
 * A write or fsync failed. After a failed fsync the page cache can no longer be trusted, so the WAL
 * refuses every further append; the process must reopen it (which replays what actually reached disk).
 */
export class WalFailedError extends Error {
  override readonly name = 'WalFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** append() after close(). */
export class WalClosedError extends Error {
  override readonly name = 'WalClosedError';
  constructor() {
    super('wal is closed');
  }
}

/** The caller asked for something the log cannot represent (bad index, term or size). */
export class WalUsageError extends Error {
  override readonly name = 'WalUsageError';
}
