// Peer transport: Raft messages between members over HTTP (undici, keep-alive). One sender per
// peer keeps at most one request in flight and batches whatever queues meanwhile into the next, so
// order is kept and a busy leader sends few large requests. A peer that fails is reported
// unreachable to Raft (which slows down and retransmits) and skipped for a short back-off.
import type { FastifyInstance } from 'fastify';
import { PassThrough } from 'node:stream';
import { Pool, request } from 'undici';
import type { Logger } from '../lib/util/logger.js';
import type { Clock } from '../lib/util/clock.js';
import { decodeMessages, encodeMessages, CodecError } from './codec.js';
import type { Message } from './raft/types.js';

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

export interface TransportOptions {
  selfId: number;
  clusterId: string;
  peers: PeerInfo[];
  logger: Logger;
  clock: Clock;
  onUnreachable: (id: number) => void;
  onSnapshotStatus: (id: number, ok: boolean) => void;
  /** A peer's connection broke (its inbound stream aborted, or ours to it failed). */
  onPeerLost?: (id: number) => void;
  requestTimeoutMs?: number;
}

// Frames on a peer stream: u32 length | a batch encoded by codec.ts.
const STREAM_CONTENT_TYPE = 'application/x-k8ts-raft-stream';
/** Unsent bytes on a stream before the peer is treated as unreachable (Raft retransmits). */
const MAX_STREAM_BUFFER = 64 * 1024 * 1024;
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

// One long-lived streaming POST per peer carries every message except snapshots (like etcd's
// stream transport): no request/response round trip per batch, and order is kept.
class PeerSender {
  private stream: PassThrough | undefined;
  private downUntil = 0;
  private lastWarn = 0;
  readonly pool: Pool;

  constructor(
    readonly peer: PeerInfo,
    private readonly t: Transport,
  ) {
    this.pool = new Pool(peer.url, { connections: 4, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  enqueue(msgs: Message[]): void {
    if (this.t.closed) return;
    if (this.t.clock.now() < this.downUntil) {
      this.t.opts.onUnreachable(this.peer.id);
      return;
    }
    const stream = this.stream ?? this.open();
    const body = encodeMessages(msgs);
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32BE(body.length, 0);
    stream.write(len);
    stream.write(body);
    if (stream.writableLength > MAX_STREAM_BUFFER) this.failed(new Error(`${stream.writableLength} bytes unsent: peer not reading`), stream);
  }

  private open(): PassThrough {
    const stream = new PassThrough();
    this.stream = stream;
    request(`${this.peer.url}/raft/stream`, {
      method: 'POST',
      dispatcher: this.pool,
      headers: { 'content-type': STREAM_CONTENT_TYPE, [CLUSTER_HEADER]: this.t.opts.clusterId, [FROM_HEADER]: String(this.t.opts.selfId) },
      body: stream,
      headersTimeout: 0,
      bodyTimeout: 0,
    }).then(
      async (res) => {
        const text = await res.body.text();
        this.failed(new Error(`peer ended the stream with ${res.statusCode}: ${text.slice(0, 300)}`), stream);
      },
      (err) => this.failed(err, stream),
    );
    return stream;
  }

  async post(batch: Message[]): Promise<void> {
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
      stream.destroy();
    }
    if (this.t.closed) return;
    this.downUntil = this.t.clock.now() + RETRY_AFTER_FAILURE_MS;
    this.t.opts.onUnreachable(this.peer.id);
    if (stream) this.t.opts.onPeerLost?.(this.peer.id);
    const now = this.t.clock.now();
    if (now - this.lastWarn > 5000) {
      this.lastWarn = now;
      this.t.opts.logger.warn({ peer: this.peer.name, err: (err as Error).message }, 'peer unreachable');
    }
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
  closed = false;
  private readonly senders = new Map<number, PeerSender>();

  constructor(opts: TransportOptions) {
    this.opts = opts;
    this.clock = opts.clock;
    this.timeoutMs = opts.requestTimeoutMs ?? 5000;
    for (const p of opts.peers) if (p.id !== opts.selfId) this.senders.set(p.id, new PeerSender(p, this));
  }

  peer(id: number): PeerInfo | undefined {
    return this.senders.get(id)?.peer;
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
    app.post('/raft/stream', async (req, reply) => {
      const payload = req.body as NodeJS.ReadableStream;
      let pending: Buffer = Buffer.alloc(0);
      try {
        for await (const chunk of payload) {
          pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
          while (pending.length >= 4) {
            const len = pending.readUInt32BE(0);
            if (len > MAX_FRAME_BYTES) throw new CodecError(`frame of ${len} bytes exceeds ${MAX_FRAME_BYTES}`);
            if (pending.length < 4 + len) break;
            onMessages(decodeMessages(pending.subarray(4, 4 + len)));
            pending = pending.subarray(4 + len);
          }
        }
      } catch (err) {
        if (err instanceof CodecError) {
          this.opts.logger.warn({ from: req.headers[FROM_HEADER], err: err.message }, 'dropped a malformed peer stream');
          return reply.code(400).send({ error: { code: 'badRequest', message: err.message } });
        }
        // The sender went away mid-stream: most likely its process died.
        const from = Number(req.headers[FROM_HEADER]);
        if (Number.isSafeInteger(from) && from > 0 && !this.closed) this.opts.onPeerLost?.(from);
        return reply.code(499).send();
      }
      return reply.code(204).send();
    });
    app.post('/raft/messages', async (req, reply) => {
      const body = req.body;
      if (!Buffer.isBuffer(body)) return reply.code(415).send({ error: { code: 'badRequest', message: 'expected application/octet-stream' } });
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
    for (const sender of this.senders.values()) sender.close();
    await Promise.all([...this.senders.values()].map((s) => s.pool.destroy().catch(() => undefined)));
  }
}
