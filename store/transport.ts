// Peer transport: Raft messages between members over HTTP (undici, keep-alive). One sender per
// peer keeps at most one request in flight and batches whatever queues meanwhile into the next, so
// order is kept and a busy leader sends few large requests. A peer that fails is reported
// unreachable to Raft (which slows down and retransmits) and skipped for a short back-off.
import type { FastifyInstance } from 'fastify';
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
const MAX_QUEUED = 10_000;

export interface TransportOptions {
  selfId: number;
  clusterId: string;
  peers: PeerInfo[];
  logger: Logger;
  clock: Clock;
  onUnreachable: (id: number) => void;
  onSnapshotStatus: (id: number, ok: boolean) => void;
  requestTimeoutMs?: number;
}

class PeerSender {
  private queue: Message[] = [];
  private inflight = false;
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
    if (this.t.clock.now() < this.downUntil || this.queue.length + msgs.length > MAX_QUEUED) {
      this.t.opts.onUnreachable(this.peer.id);
      return;
    }
    for (const m of msgs) this.queue.push(m);
    if (!this.inflight) void this.flush();
  }

  private async flush(): Promise<void> {
    this.inflight = true;
    try {
      while (this.queue.length > 0 && !this.t.closed) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.post(batch);
        } catch (err) {
          this.failed(err);
          this.queue = [];
          return;
        }
      }
    } finally {
      this.inflight = false;
    }
  }

  async post(batch: Message[]): Promise<void> {
    const res = await request(`${this.peer.url}/raft/messages`, {
      method: 'POST',
      dispatcher: this.pool,
      headers: { 'content-type': 'application/octet-stream', [CLUSTER_HEADER]: this.t.opts.clusterId, [FROM_HEADER]: String(this.t.opts.selfId) },
      body: encodeMessages(batch),
      headersTimeout: this.t.timeoutMs,
      bodyTimeout: this.t.timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode !== 204 && res.statusCode !== 200) throw new Error(`peer answered ${res.statusCode}: ${text.slice(0, 300)}`);
  }

  failed(err: unknown): void {
    this.downUntil = this.t.clock.now() + RETRY_AFTER_FAILURE_MS;
    this.t.opts.onUnreachable(this.peer.id);
    const now = this.t.clock.now();
    if (now - this.lastWarn > 5000) {
      this.lastWarn = now;
      this.t.opts.logger.warn({ peer: this.peer.name, err: (err as Error).message }, 'peer unreachable');
    }
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
    await Promise.all([...this.senders.values()].map((s) => s.pool.destroy().catch(() => undefined)));
  }
}
