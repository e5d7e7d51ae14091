// Public surface of the Raft core. Drivers import from here; see node.ts for the contract.
export { RawNode, type NodeConfig, type Ready, type Status, type ProgressStatus, type StepResult } from './node.js';
export { MemoryStorage, CompactedError, UnavailableError, SnapshotOutOfDateError, type Storage } from './storage.js';
export { SeededRand, type Rand } from './rand.js';
export { encodeConfChange, decodeConfChange } from './conf-change.js';
export { validateMessage } from './validate.js';
export type { StepFailure } from './raft.js';
export * from './types.js';
