// Encoding of single-member configuration changes into 'confChange' entries.
import type { ConfChange } from './types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeConfChange(cc: ConfChange): Uint8Array {
  validateConfChange(cc);
  return encoder.encode(JSON.stringify({ type: cc.type, nodeId: cc.nodeId }));
}

export function validateConfChange(cc: ConfChange): void {
  if (cc.type !== 'addNode' && cc.type !== 'removeNode') {
    throw new Error(`raft conf change: type must be addNode or removeNode, got ${JSON.stringify(cc.type)}`);
  }
  if (!Number.isSafeInteger(cc.nodeId) || cc.nodeId <= 0) {
    throw new Error(`raft conf change: nodeId must be a positive integer, got ${JSON.stringify(cc.nodeId)}`);
  }
}

/** Decodes a confChange entry's data; throws a clear error on malformed data. */
export function decodeConfChange(data: Uint8Array): ConfChange {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data));
  } catch (err) {
    throw new Error(`raft conf change: data is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new Error('raft conf change: data is not an object');
  const cc = parsed as ConfChange;
  validateConfChange(cc);
  return { type: cc.type, nodeId: cc.nodeId };
}
