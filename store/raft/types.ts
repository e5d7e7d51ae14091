// Plain data shapes shared by the Raft core, its storage and its driver. Everything here is
// JSON-friendly except the Uint8Array payloads, which the transport encodes as it likes.

export type EntryType = 'normal' | 'confChange';

/** One log entry. A 'normal' entry with empty data is the no-op a new leader appends. */
export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  data: Uint8Array;
}

/** What must be on disk before the node may vote, acknowledge entries, or count its own entries. */
export interface HardState {
  term: number;
  /** Node id voted for in `term`, 0 for none. */
  vote: number;
  commit: number;
}

/** The members of the cluster. Only voters exist (no learners). */
export interface ConfState {
  voters: number[];
}

export interface SnapshotMetadata {
  index: number;
  term: number;
  confState: ConfState;
}

/** A state machine snapshot: metadata the core understands plus bytes only the driver understands. */
export interface Snapshot {
  metadata: SnapshotMetadata;
  data: Uint8Array;
}

export type MessageType =
  // local: produced inside the node, never accepted from the network
  | 'MsgHup'
  | 'MsgBeat'
  | 'MsgCheckQuorum'
  | 'MsgUnreachable'
  | 'MsgSnapStatus'
  // network
  | 'MsgProp'
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp'
  | 'MsgSnap'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgTransferLeader'
  | 'MsgTimeoutNow'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp';

export const LOCAL_MESSAGE_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'MsgHup',
  'MsgBeat',
  'MsgCheckQuorum',
  'MsgUnreachable',
  'MsgSnapStatus',
]);

export const NETWORK_MESSAGE_TYPES: ReadonlySet<MessageType> = new Set<MessageType>([
  'MsgProp',
  'MsgApp',
  'MsgAppResp',
  'MsgVote',
  'MsgVoteResp',
  'MsgPreVote',
  'MsgPreVoteResp',
  'MsgSnap',
  'MsgHeartbeat',
  'MsgHeartbeatResp',
  'MsgTransferLeader',
  'MsgTimeoutNow',
  'MsgReadIndex',
  'MsgReadIndexResp',
]);

/**
 * A Raft message. Field meanings follow etcd's raftpb.Message:
 * - MsgApp: `index`/`logTerm` name the entry preceding `entries`; `commit` is the leader's commit.
 * - MsgAppResp: `index` is the last index the follower now has (accept) or the rejected
 *   `index` (reject, with `rejectHint`/`logTerm` pointing at where the leader should probe next).
 * - MsgVote/MsgPreVote: `index`/`logTerm` describe the candidate's last entry.
 * - MsgHeartbeat/Resp: `context` carries a ReadIndex request context being confirmed.
 * - MsgReadIndex/Resp: `context` is the request context, `index` the read index in the response.
 */
export interface Message {
  type: MessageType;
  clusterId: string;
  from: number;
  to: number;
  term: number;
  logTerm: number;
  index: number;
  commit: number;
  entries: Entry[];
  reject: boolean;
  rejectHint: number;
  snapshot?: Snapshot;
  context?: string;
}

export type StateType = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** Volatile state reported in Ready when it changes (useful for logging and routing). */
export interface SoftState {
  lead: number;
  state: StateType;
}

/** A confirmed linearizable read: once appliedIndex >= index, reading local state is linearizable. */
export interface ReadState {
  index: number;
  requestCtx: string;
}

/** A single-member configuration change, carried as the data of a 'confChange' entry. */
export interface ConfChange {
  type: 'addNode' | 'removeNode';
  nodeId: number;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: 0, commit: 0 }) as HardState;

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === 0 && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** Bytes an entry costs for flow control: payload plus a small fixed header. */
export function entrySize(e: Entry): number {
  return e.data.byteLength + 16;
}

export function entriesSize(ents: readonly Entry[]): number {
  let n = 0;
  for (const e of ents) n += entrySize(e);
  return n;
}

/** Builds a message with every field present so that transports can encode it uniformly. */
export function makeMessage(fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to'>): Message {
  return {
    clusterId: '',
    term: 0,
    logTerm: 0,
    index: 0,
    commit: 0,
    entries: [],
    reject: false,
    rejectHint: 0,
    ...fields,
  };
}
