// Peer transport: Raft messages between members over HTTP (undici, keep-alive). One long-lived
// streaming POST per peer carries every message except snapshots (like etcd's stream transport):
// no round trip per batch, and order is kept. A peer that fails is reported unreachable to Raft
// (which slows down and retransmits) and skipped for a short back-off.
//
// Streams are bounded and watched:
// - messages are encoded in frames of at most MAX_FRAME_BYTES, and a peer whose stream holds more
//   than maxPeerBufferBytes unsent gets nothing more (dropped, reported unreachable) until it
//   drains — as etcd's bounded send channel;
// - both ends detect a dead stream: the sender writes an empty frame when it has been idle for
//   keepaliveMs, the receiver answers with a byte every keepaliveMs on the response; either side
//   hearing nothing for idleTimeoutMs drops the stream and the sender redials (dialing gives up
//   after dialTimeoutMs). Without this, a healed partition waited for TCP's retransmission
//   back-off (10-16 s after a 40 s partition) before members talked again.
import type { FastifyInstance } from 'fastify';
import { PassThrough } from 'node:stream';
import { Pool, request } from 'undici';
import type { Logger } from '../lib/util/logger.js';
import type { Clock } from '../lib/util/clock.js';
import { decodeMessages, encodeFrames, encodeMessages, CodecError } from './codec.js';
import type { Message } from './raft/types.js';
import type { StoreMetrics } from './metrics.js';
import type { PeerFaults } from './peer-faults.js';
import { every } from './periodic.js';

export interface PeerInfo {
  id: number;
  name: string;
  /** Base URL of the peer's peer listener, e.g. http://127.0.0.1:2380 */
  url: string;
}

export const CLUSTER_HEADER = 'x-k8ts-cluster-id';
export const FROM_HEADER = 'x-k8ts-member';
const MAX_PEER_BODY = 1024 * 1024 * 1024;
const RETRY_AFTER_FAILURE_MS = 100;
/** A sender's frame (a batch of messages) is at most this big, unless one message is bigger. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** A receiver refuses frames over this (a message is bounded by Raft's maxSizePerMsg). */
const MAX_RECEIVED_FRAME_BYTES = 64 * 1024 * 1024;

export interface TransportOptions {
  selfId: number;
  clusterId: string;
  peers: PeerInfo[];
  logger: Logger;
  clock: Clock;
  onUnreachable: (id: number) => void;
  onSnapshotStatus: (id: number, ok: boolean) => void;
  /** A peer's connection broke (its inbound stream aborted or went silent, or ours to it failed). */
  onPeerLost?: (id: number) => void;
  requestTimeoutMs?: number;
  /** Unsent bytes a peer's stream may hold before further messages to it are dropped (default 16 MiB). */
  maxPeerBufferBytes?: number;
  /** An idle stream writes a keepalive this often (default 250 ms). */
  keepaliveMs?: number;
  /** A stream silent this long is dead (default 2000 ms). */
  idleTimeoutMs?: number;
  /** Connecting to a peer gives up after this (default 1000 ms). */
  dialTimeoutMs?: number;
  metrics?: StoreMetrics;
  /** Test-only partitions (see peer-faults.ts). */
  faults?: PeerFaults;
}

// Frames on a peer stream: u32 length | a batch encoded by codec.ts; length 0 is a keepalive.
const STREAM_CONTENT_TYPE = 'application/x-k8ts-raft-stream';
const KEEPALIVE_FRAME = Buffer.alloc(4);
/** What a receiver writes on the response to show it is alive. */
const ALIVE_BYTE = Buffer.from('\n');

function frameHeader(length: number): Buffer {
  const len = Buffer.allocUnsafe(4);
  len.writeUInt32BE(length, 0);
  return len;
}

class PeerSender {
  private stream: PassThrough | undefined;
  private downUntil = 0;
  private lastWrite = 0;
  /** When the current stream last showed the peer alive (opened, headers, a response byte). */
  private lastHeard = 0;
  private lastWarn = 0;
  readonly pool: Pool;

  constructor(
    readonly peer: PeerInfo,
    private readonly t: Transport,
  ) {
    this.pool = new Pool(peer.url, { connections: 4, keepAliveTimeout: 30_000, pipelining: 1, connect: { timeout: t.dialTimeoutMs } });
  }

  /** Unsent bytes on the current stream. */
  get buffered(): number {
    return this.stream?.writableLength ?? 0;
  }

  private usable(): boolean {
    if (this.t.closed || this.t.opts.faults?.isBlocked(this.peer.id)) return false;
    return this.t.clock.now() >= this.downUntil;
  }

  enqueue(msgs: Message[]): void {
    if (this.t.closed || this.t.opts.faults?.isBlocked(this.peer.id)) return; // a partition: gone
    if (!this.usable()) {
      this.t.opts.onUnreachable(this.peer.id);
      return;
    }
    const stream = this.stream ?? this.open();
    const frames = encodeFrames(msgs, MAX_FRAME_BYTES);
    for (let i = 0; i < frames.length; i++) {
      const frame = frames[i]!;
      if (stream.writableLength + frame.length + 4 > this.t.maxPeerBufferBytes) {
        // The peer is not draining: drop the rest rather than buffer without bound. Raft resends
        // what matters (a follower reported unreachable is probed again).
        this.t.opts.metrics?.droppedPeerMessages.inc({ peer: this.peer.name }, frames.length - i);
        this.t.opts.onUnreachable(this.peer.id);
        this.warn(`${stream.writableLength} bytes unsent: dropping messages until the peer drains`);
        return;
      }
      stream.write(frameHeader(frame.length));
      stream.write(frame);
    }
    this.lastWrite = this.t.clock.now();
  }

  /**
   * Keeps the stream up and checks it: drops it when the peer has been silent too long (which
   * also cuts a connection TCP would keep retransmitting on), opens it if needed, and writes a
   * keepalive when idle.
   */
  keepalive(): void {
    const now = this.t.clock.now();
    if (this.stream && now - this.lastHeard > this.t.idleTimeoutMs) {
      this.failed(new Error(`stream silent for more than ${this.t.idleTimeoutMs} ms`), this.stream);
      return;
    }
    if (!this.usable()) return;
    if (this.stream && now - this.lastWrite < this.t.keepaliveMs) return;
    (this.stream ?? this.open()).write(KEEPALIVE_FRAME);
    this.lastWrite = now;
  }

  private open(): PassThrough {
    const stream = new PassThrough();
    this.stream = stream;
    this.lastWrite = this.lastHeard = this.t.clock.now();
    request(`${this.peer.url}/raft/stream`, {
      method: 'POST',
      dispatcher: this.pool,
      headers: { 'content-type': STREAM_CONTENT_TYPE, [CLUSTER_HEADER]: this.t.opts.clusterId, [FROM_HEADER]: String(this.t.opts.selfId) },
      body: stream,
      // The receiver answers headers at once and a byte every keepalive; keepalive() watches
      // for silence (undici's timeouts do not run while a request body is still being sent).
      headersTimeout: 0,
      bodyTimeout: 0,
    }).then(
      async (res) => {
        this.lastHeard = this.t.clock.now();
        if (res.statusCode !== 200) {
          const text = await res.body.text().catch(() => '');
          throw new Error(`peer answered the stream with ${res.statusCode}: ${text.slice(0, 300)}`);
        }
        for await (const _alive of res.body) {
          if (stream !== this.stream) break;
          this.lastHeard = this.t.clock.now();
        }
        throw new Error('peer ended the stream');
      },
    ).catch((err: unknown) => this.failed(err, stream));
    return stream;
  }

  async post(batch: Message[]): Promise<void> {
    if (this.t.opts.faults?.isBlocked(this.peer.id)) throw new Error('peer blocked by fault injection');
    const res = await request(`${this.peer.url}/raft/messages`, {
      method: 'POST',
      dispatcher: this.pool,
      headers: { 'content-type': 'application/octet-stream', [CLUSTER_HEADER]: this.t.opts.clusterId, [FROM_HEADER]: String(this.t.opts.selfId) },
      body: encodeMessages(batch),
      headersTimeout: this.t.timeoutMs * 4,
      bodyTimeout: this.t.timeoutMs * 4,
    });
    const text = await res.body.text();
    if (res.statusCode !== 204 && res.statusCode !== 200) throw new Error(`peer answered ${res.statusCode}: ${text.slice(0, 300)}`);
  }

  failed(err: unknown, stream?: PassThrough): void {
    if (stream) {
      if (stream !== this.stream) return; // an old stream ending after a reconnect
      this.stream = undefined;
      stream.destroy(); // aborts the request, and with it a possibly dead connection
    }
    if (this.t.closed) return;
    this.downUntil = this.t.clock.now() + RETRY_AFTER_FAILURE_MS;
    this.t.opts.onUnreachable(this.peer.id);
    if (stream) this.t.opts.onPeerLost?.(this.peer.id);
    this.warn((err as Error)?.message ?? String(err));
  }

  private warn(message: string): void {
    const now = this.t.clock.now();
    if (now - this.lastWarn < 5000) return;
    this.lastWarn = now;
    this.t.opts.logger.warn({ peer: this.peer.name, err: message }, 'peer unreachable');
  }

  close(): void {
    this.stream?.end();
    this.stream = undefined;
  }
}

export class Transport {
  readonly opts: TransportOptions;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly maxPeerBufferBytes: number;
  readonly keepaliveMs: number;
  readonly idleTimeoutMs: number;
  readonly dialTimeoutMs: number;
  closed = false;
  private readonly senders = new Map<number, PeerSender>();
  /** Inbound streams by peer: a redial replaces the previous stream. */
  private readonly inbound = new Map<number, () => void>();
  private readonly stopKeepalive: () => void;

  constructor(opts: TransportOptions) {
    this.opts = opts;
    this.clock = opts.clock;
    this.timeoutMs = opts.requestTimeoutMs ?? 5000;
    this.maxPeerBufferBytes = opts.maxPeerBufferBytes ?? 16 * 1024 * 1024;
    this.keepaliveMs = opts.keepaliveMs ?? 250;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 2000;
    this.dialTimeoutMs = opts.dialTimeoutMs ?? 1000;
    for (const p of opts.peers) if (p.id !== opts.selfId) this.senders.set(p.id, new PeerSender(p, this));
    this.stopKeepalive = every(this.clock, this.keepaliveMs, () => {
      for (const s of this.senders.values()) s.keepalive();
    });
  }

  peer(id: number): PeerInfo | undefined {
    return this.senders.get(id)?.peer;
  }

  /** Unsent bytes queued for peer `id` (0 when it has no stream). */
  bufferedBytes(id: number): number {
    return this.senders.get(id)?.buffered ?? 0;
  }

  send(msgs: readonly Message[]): void {
    const byPeer = new Map<number, Message[]>();
    for (const m of msgs) {
      const sender = this.senders.get(m.to);
      if (!sender) continue;
      if (m.type === 'MsgSnap') {
        void this.sendSnapshot(sender, m);
        continue;
      }
      let list = byPeer.get(m.to);
      if (!list) byPeer.set(m.to, (list = []));
      list.push(m);
    }
    for (const [id, list] of byPeer) this.senders.get(id)!.enqueue(list);
  }

  // Snapshots go on their own request so heartbeats are not stuck behind a large body.
  private async sendSnapshot(sender: PeerSender, m: Message): Promise<void> {
    try {
      await sender.post([m]);
      this.opts.onSnapshotStatus(m.to, true);
    } catch (err) {
      sender.failed(err);
      this.opts.onSnapshotStatus(m.to, false);
    }
  }

  /** POSTs JSON to a peer's peer listener (used to forward lease keepalives to the leader). */
  async forward<T>(id: number, path: string, body: unknown): Promise<{ status: number; body: T }> {
    const sender = this.senders.get(id);
    if (!sender) throw new Error(`unknown peer ${id}`);
    if (this.opts.faults?.isBlocked(id)) throw new Error('peer blocked by fault injection');
    const res = await request(`${sender.peer.url}${path}`, {
      method: 'POST',
      dispatcher: sender.pool,
      headers: { 'content-type': 'application/json', [CLUSTER_HEADER]: this.opts.clusterId, [FROM_HEADER]: String(this.opts.selfId) },
      body: JSON.stringify(body),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    return { status: res.statusCode, body: (await res.body.json()) as T };
  }

  /** Mounts the receiving side on the member's peer listener. */
  routes(app: FastifyInstance, onMessages: (msgs: Message[]) => void): void {
    app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_PEER_BODY }, (_req, body, done) => done(null, body));
    let lastForeignWarn = 0;
    app.addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith('/raft/')) return;
      const cluster = req.headers[CLUSTER_HEADER];
      if (cluster !== this.opts.clusterId) {
        const now = this.clock.now();
        if (now - lastForeignWarn > 5000) {
          lastForeignWarn = now;
          this.opts.logger.error(
            { remote: req.ip, from: req.headers[FROM_HEADER], theirCluster: cluster, ourCluster: this.opts.clusterId },
            'rejected a peer request from another cluster (cluster id mismatch): check --initial-cluster and --initial-cluster-token',
          );
        }
        return reply.code(403).send({ error: { code: 'badRequest', message: `cluster id mismatch: this member belongs to cluster ${this.opts.clusterId}` } });
      }
      return;
    });
    // The stream body is consumed frame by frame as it arrives, not buffered by a parser.
    app.addContentTypeParser(STREAM_CONTENT_TYPE, (_req, payload, done) => done(null, payload));
    app.post('/raft/stream', (req, reply) => {
      const from = Number(req.headers[FROM_HEADER]);
      const blocked = () => this.opts.faults?.isBlocked(from) ?? false;
      reply.hijack();
      const raw = reply.raw;
      let lastHeard = this.clock.now();
      let ended = false;
      const end = (why: string | undefined) => {
        if (ended) return;
        ended = true;
        stopPinging();
        if (this.inbound.get(from) === close) this.inbound.delete(from);
        if (why === undefined) {
          raw.end();
          return;
        }
        this.opts.logger.debug({ from, why }, 'dropped an inbound peer stream');
        req.raw.socket?.destroy();
        if (!this.closed && Number.isSafeInteger(from) && from > 0) this.opts.onPeerLost?.(from);
      };
      const close = () => end(undefined);
      this.inbound.get(from)?.();
      this.inbound.set(from, close);
      // Headers at once (unless "partitioned"): the sender's headersTimeout counts on them.
      if (!blocked()) {
        raw.writeHead(200, { 'content-type': STREAM_CONTENT_TYPE, 'cache-control': 'no-cache' });
        raw.flushHeaders();
      }
      const stopPinging = every(this.clock, this.keepaliveMs, () => {
        if (this.clock.now() - lastHeard > this.idleTimeoutMs) return end(`silent for more than ${this.idleTimeoutMs} ms`);
        if (!blocked() && raw.headersSent) raw.write(ALIVE_BYTE);
      });
      void (async () => {
        const payload = req.body as NodeJS.ReadableStream;
        let pending: Buffer = Buffer.alloc(0);
        try {
          for await (const chunk of payload) {
            if (blocked()) continue; // a partition: what arrives is lost
            lastHeard = this.clock.now();
            pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
            while (pending.length >= 4) {
              const len = pending.readUInt32BE(0);
              if (len > MAX_RECEIVED_FRAME_BYTES) throw new CodecError(`frame of ${len} bytes exceeds ${MAX_RECEIVED_FRAME_BYTES}`);
              if (pending.length < 4 + len) break;
              if (len > 0) onMessages(decodeMessages(pending.subarray(4, 4 + len)));
              pending = pending.subarray(4 + len);
            }
          }
          close();
        } catch (err) {
          if (err instanceof CodecError) this.opts.logger.warn({ from, err: err.message }, 'dropped a malformed peer stream');
          // Otherwise the sender went away mid-stream: most likely its process died.
          end(err instanceof Error ? err.message : String(err));
        }
      })();
    });
    app.post('/raft/messages', async (req, reply) => {
      const body = req.body;
      if (!Buffer.isBuffer(body)) return reply.code(415).send({ error: { code: 'badRequest', message: 'expected application/octet-stream' } });
      if (this.opts.faults?.isBlocked(Number(req.headers[FROM_HEADER]))) {
        return reply.code(503).send({ error: { code: 'stopped', message: 'peer blocked by fault injection' } });
      }
      let msgs: Message[];
      try {
        msgs = decodeMessages(body);
      } catch (err) {
        if (err instanceof CodecError) return reply.code(400).send({ error: { code: 'badRequest', message: err.message } });
        throw err;
      }
      onMessages(msgs);
      return reply.code(204).send();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopKeepalive();
    for (const close of [...this.inbound.values()]) close();
    for (const sender of this.senders.values()) sender.close();
    await Promise.all([...this.senders.values()].map((s) => s.pool.destroy().catch(() => undefined)));
  }
}
