// Binary framing of Raft message batches between members: a JSON header with every field except
// payload bytes, followed by the payloads back to back. Entry data is already JSON text of the
// command, so base64-in-JSON would cost a third more bytes and a copy for nothing.
//
//   u32 headerLength | header JSON | payload bytes (entries in order, then snapshot data)
import type { Entry, Message } from './raft/types.js';

interface EntryHeader {
  t: number; // term
  i: number; // index
  c: 0 | 1; // 1 = confChange
  n: number; // data length
}
type MessageHeader = Omit<Message, 'entries' | 'snapshot'> & {
  entries: EntryHeader[];
  snapshot?: { metadata: NonNullable<Message['snapshot']>['metadata']; n: number };
};

/** Bytes a message's entry header costs in the JSON header, generously (`{"t":..,"i":..,"c":0,"n":..}`). */
const ENTRY_HEADER_BYTES = 64;
const MESSAGE_HEADER_BYTES = 512;

/** An upper bound of a message's encoded size. */
export function encodedSizeBound(m: Message): number {
  let n = MESSAGE_HEADER_BYTES + (m.context?.length ?? 0) * 6;
  for (const e of m.entries) n += ENTRY_HEADER_BYTES + e.data.byteLength;
  if (m.snapshot) n += m.snapshot.data.byteLength + 256;
  return n;
}

/**
 * Encodes `msgs` as batches of at most `maxFrameBytes` each (a single larger message gets a frame
 * of its own; Raft bounds those by maxSizePerMsg). Never one JSON string for everything: a stalled
 * peer's backlog once grew past V8's string limit (RangeError: Invalid string length).
 */
export function encodeFrames(msgs: readonly Message[], maxFrameBytes: number): Buffer[] {
  const frames: Buffer[] = [];
  let batch: Message[] = [];
  let size = 0;
  for (const m of msgs) {
    const n = encodedSizeBound(m);
    if (batch.length > 0 && size + n > maxFrameBytes) {
      frames.push(encodeMessages(batch));
      batch = [];
      size = 0;
    }
    batch.push(m);
    size += n;
  }
  if (batch.length > 0) frames.push(encodeMessages(batch));
  return frames;
}

export function encodeMessages(msgs: readonly Message[]): Buffer {
  const payloads: Uint8Array[] = [];
  const headers: MessageHeader[] = msgs.map((m) => {
    const entries = m.entries.map((e) => {
      payloads.push(e.data);
      return { t: e.term, i: e.index, c: e.type === 'confChange' ? 1 : 0, n: e.data.byteLength } as EntryHeader;
    });
    const { snapshot, entries: _ignored, ...rest } = m;
    const h: MessageHeader = { ...rest, entries };
    if (snapshot) {
      payloads.push(snapshot.data);
      h.snapshot = { metadata: snapshot.metadata, n: snapshot.data.byteLength };
    }
    return h;
  });
  const header = Buffer.from(JSON.stringify(headers), 'utf8');
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(header.length, 0);
  return Buffer.concat([len, header, ...payloads]);
}

export class CodecError extends Error {
  constructor(message: string) {
    super(`raft message batch: ${message}`);
    this.name = 'CodecError';
  }
}

/** Decodes a batch; throws CodecError on anything malformed (never trusts lengths blindly). */
export function decodeMessages(buf: Buffer): Message[] {
  if (buf.length < 4) throw new CodecError('shorter than its length prefix');
  const headerLength = buf.readUInt32BE(0);
  if (headerLength > buf.length - 4) throw new CodecError(`header length ${headerLength} exceeds body of ${buf.length} bytes`);
  let headers: unknown;
  try {
    headers = JSON.parse(buf.toString('utf8', 4, 4 + headerLength));
  } catch (err) {
    throw new CodecError(`header is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(headers)) throw new CodecError('header is not a list of messages');
  let off = 4 + headerLength;
  const take = (n: unknown): Uint8Array => {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || off + n > buf.length) {
      throw new CodecError(`payload length ${String(n)} at offset ${off} runs past the end (${buf.length})`);
    }
    const out = buf.subarray(off, off + n);
    off += n;
    return out;
  };
  const msgs = headers.map((raw): Message => {
    if (typeof raw !== 'object' || raw === null) throw new CodecError('message header is not an object');
    const h = raw as MessageHeader;
    if (!Array.isArray(h.entries)) throw new CodecError('message header has no entries list');
    const entries: Entry[] = h.entries.map((e) => {
      if (typeof e !== 'object' || e === null) throw new CodecError('entry header is not an object');
      return { term: e.t, index: e.i, type: e.c === 1 ? 'confChange' : 'normal', data: take(e.n) };
    });
    const { snapshot, entries: _ignored, ...rest } = h;
    const m: Message = { ...(rest as Omit<Message, 'entries' | 'snapshot'>), entries };
    if (snapshot) {
      if (typeof snapshot !== 'object' || snapshot === null) throw new CodecError('snapshot header is not an object');
      m.snapshot = { metadata: snapshot.metadata, data: take(snapshot.n) };
    }
    return m;
  });
  if (off !== buf.length) throw new CodecError(`${buf.length - off} trailing bytes after the payloads`);
  return msgs;
}
