// Public surface of the MVCC state machine.
export { MvccStore, type MvccStoreOptions } from './store.js';
export { Lessor, type LessorOptions, type LeaseTimeToLive } from './lessor.js';
export { MvccError, CompactedError, FutureRevisionError, isMvccError, type MvccErrorCode, type MvccErrorData } from './errors.js';
export { compareKeys, prefixEnd, RANGE_END_ALL } from './keys.js';
export { DEFAULT_LIMITS, MAX_LEASE_TTL_SECONDS, parseCommand, parseRangeRequest, parseWatchRequest, type MvccLimits } from './validate.js';
export type { WatchHandle, WatchListener, WatchCancelListener, WatchOptions } from './watch.js';
export type * from './types.js';
