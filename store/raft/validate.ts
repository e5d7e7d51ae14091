// Shape checks for messages arriving from the network: a malformed message is reported, never
// allowed to throw deep inside the state machine.
import { NETWORK_MESSAGE_TYPES, LOCAL_MESSAGE_TYPES, type Message, type MessageType } from './types.js';

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function checkEntry(e: unknown, where: string): string | undefined {
  if (typeof e !== 'object' || e === null) return `${where} is not an object`;
  const ent = e as Record<string, unknown>;
  if (!isIndex(ent.term)) return `${where}.term must be a non-negative integer`;
  if (!isIndex(ent.index)) return `${where}.index must be a non-negative integer`;
  if (ent.type !== 'normal' && ent.type !== 'confChange') return `${where}.type must be 'normal' or 'confChange'`;
  if (!(ent.data instanceof Uint8Array)) return `${where}.data must be a Uint8Array`;
  return undefined;
}

/** Returns a description of what is wrong with `m`, or undefined if it is well-formed. */
export function validateMessage(m: unknown): string | undefined {
  if (typeof m !== 'object' || m === null) return 'message is not an object';
  const msg = m as Record<string, unknown>;
  const type = msg.type as MessageType;
  if (typeof type !== 'string' || (!NETWORK_MESSAGE_TYPES.has(type) && !LOCAL_MESSAGE_TYPES.has(type))) {
    return `unknown message type ${JSON.stringify(msg.type)}`;
  }
  if (typeof msg.clusterId !== 'string') return `${type}: clusterId must be a string`;
  for (const f of ['from', 'to'] as const) {
    if (!isIndex(msg[f]) || msg[f] === 0) return `${type}: ${f} must be a positive integer`;
  }
  for (const f of ['term', 'logTerm', 'index', 'commit', 'rejectHint'] as const) {
    if (!isIndex(msg[f])) return `${type}: ${f} must be a non-negative integer`;
  }
  if (typeof msg.reject !== 'boolean') return `${type}: reject must be a boolean`;
  if (!Array.isArray(msg.entries)) return `${type}: entries must be an array`;
  for (let k = 0; k < msg.entries.length; k++) {
    const problem = checkEntry(msg.entries[k], `${type}: entries[${k}]`);
    if (problem) return problem;
  }
  if (msg.context !== undefined && typeof msg.context !== 'string') return `${type}: context must be a string`;
  const ents = msg.entries as Message['entries'];
  if (type === 'MsgApp') {
    for (let k = 0; k < ents.length; k++) {
      if (ents[k]!.index !== (msg.index as number) + k + 1) return `MsgApp: entries must follow index ${msg.index} contiguously`;
      if (ents[k]!.term === 0 || ents[k]!.term > (msg.term as number)) return `MsgApp: entries[${k}] has an impossible term`;
    }
  }
  if (type === 'MsgProp' && ents.length === 0) return 'MsgProp: no entries';
  if (type === 'MsgReadIndex' && msg.context === undefined) return 'MsgReadIndex: missing context';
  if (type === 'MsgSnap') {
    const s = msg.snapshot as Record<string, unknown> | undefined;
    if (typeof s !== 'object' || s === null) return 'MsgSnap: missing snapshot';
    if (!(s.data instanceof Uint8Array)) return 'MsgSnap: snapshot.data must be a Uint8Array';
    const md = s.metadata as Record<string, unknown> | undefined;
    if (typeof md !== 'object' || md === null) return 'MsgSnap: missing snapshot.metadata';
    if (!isIndex(md.index) || md.index === 0) return 'MsgSnap: snapshot.metadata.index must be a positive integer';
    if (!isIndex(md.term) || md.term === 0) return 'MsgSnap: snapshot.metadata.term must be a positive integer';
    const cs = md.confState as Record<string, unknown> | undefined;
    if (typeof cs !== 'object' || cs === null || !Array.isArray(cs.voters) || !cs.voters.every((v) => isIndex(v) && v > 0)) {
      return 'MsgSnap: snapshot.metadata.confState.voters must be an array of node ids';
    }
  }
  return undefined;
}
