// The Kubernetes remotecommand channel protocol over WebSocket (k8s.io/apimachinery
// util/remotecommand, apiserver util/wsstream): every binary message starts with one byte naming
// its channel — 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 terminal resize — and the rest is
// that channel's data. v4 made channel 3 carry a metav1.Status as JSON; v5 added message 255, "this
// stream is closed" (`[255, channel]`), which is how kubectl says stdin reached EOF.

export const STREAM_PROTOCOL_V5 = 'v5.channel.k8s.io';
export const STREAM_PROTOCOL_V4 = 'v4.channel.k8s.io';
export type StreamProtocol = typeof STREAM_PROTOCOL_V5 | typeof STREAM_PROTOCOL_V4;
/** What we speak, best first: a server picks the first of these the client offers. */
export const SUPPORTED_PROTOCOLS: readonly StreamProtocol[] = [STREAM_PROTOCOL_V5, STREAM_PROTOCOL_V4];

export const CHANNEL = Object.freeze({ stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 });
/** v5 only: `[CLOSE_SIGNAL, channel]` closes one stream while the connection stays open. */
export const CLOSE_SIGNAL = 255;

export interface Frame {
  channel: number;
  data: Buffer;
}

export interface TerminalSize {
  width: number;
  height: number;
}

/** The server's pick from the `Sec-WebSocket-Protocol` values a client offered, or undefined. */
export function negotiateProtocol(offered: Iterable<string>): StreamProtocol | undefined {
  const wanted = new Set([...offered].map((p) => p.trim()));
  return SUPPORTED_PROTOCOLS.find((p) => wanted.has(p));
}

/** Splits a `Sec-WebSocket-Protocol` header value into its protocols. */
export function parseProtocolHeader(value: string | string[] | undefined): string[] {
  const joined = Array.isArray(value) ? value.join(',') : value ?? '';
  return joined.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

export function encodeFrame(channel: number, data: string | Uint8Array = Buffer.alloc(0)): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const out = Buffer.allocUnsafe(payload.length + 1);
  out[0] = channel;
  out.set(payload, 1);
  return out;
}

/** Null for an empty message (no channel byte): peers ignore those. */
export function decodeFrame(message: Uint8Array): Frame | null {
  if (message.length === 0) return null;
  const buf = Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  return { channel: buf[0]!, data: buf.subarray(1) };
}

/** The v5 "stream closed" message; v4 has none (the caller must not send it). */
export function encodeCloseSignal(channel: number): Buffer {
  return Buffer.from([CLOSE_SIGNAL, channel]);
}

/** The channel a v5 close signal closes, or undefined when the frame is not one. */
export function closedChannel(frame: Frame): number | undefined {
  return frame.channel === CLOSE_SIGNAL && frame.data.length >= 1 ? frame.data[0] : undefined;
}

export function supportsCloseSignal(protocol: StreamProtocol): boolean {
  return protocol === STREAM_PROTOCOL_V5;
}

/**
 * A resize message `{"Width":80,"Height":24}` (remotecommand.TerminalSize), or null when the
 * payload is not one — a bad resize is ignored, never fatal.
 */
export function decodeResize(data: Uint8Array): TerminalSize | null {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { Width, Height } = v as { Width?: unknown; Height?: unknown };
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535;
  return ok(Width) && ok(Height) ? { width: Width, height: Height } : null;
}

export function encodeResize(size: TerminalSize): Buffer {
  return encodeFrame(CHANNEL.resize, JSON.stringify({ Width: size.width, Height: size.height }));
}
