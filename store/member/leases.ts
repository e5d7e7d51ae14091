// Leases on the member: deadlines live only in the leader's lessor (restarted in full on every new
// leader, so a leader change never expires a lease early); expiry goes through the log as a
// revoke. Keepalives and time-to-live questions are answered by the leader: followers forward them
// over the peer transport.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../../lib/util/clock.js';
import type * as p from '../../lib/store-client/protocol.js';
import { Lessor, type Command, type CommandResult, type MvccStore } from '../mvcc/index.js';
import type { StepResult } from '../raft/index.js';
import { ServiceError } from '../service.js';
import { toServiceError } from './errors.js';
import { NO_LEADER_MESSAGE } from './proposals.js';

/** How a follower reaches the leader's lease endpoints (the peer transport). */
export interface LeaderForwarder {
  forward<T>(id: number, path: string, body: unknown): Promise<{ status: number; body: T }>;
}

export interface LeasesDeps {
  clock: Clock;
  /** Lease TTLs are raised to this floor (1.5 election timeouts, as etcd). */
  minTtlSeconds: number;
  requestTimeoutMs: number;
  isLeader(): boolean;
  leaderId(): number;
  mvcc(): MvccStore;
  header(): p.ResponseHeader;
  /** Proposes a command without waiting for its result (lease revokes). */
  proposeRaw(data: Buffer): StepResult;
  forwarder(): LeaderForwarder;
}

const KEEPALIVE_PATH = '/raft/lease/keepalive';
const TIMETOLIVE_PATH = '/raft/lease/timetolive';

export class Leases {
  readonly lessor: Lessor;
  private readonly revokesInFlight = new Map<number, number>();

  constructor(private readonly deps: LeasesDeps) {
    this.lessor = new Lessor({ clock: deps.clock, minTtlSeconds: deps.minTtlSeconds });
  }

  /** The state machine was replaced (restore from a snapshot): rebuild deadlines from its table. */
  restore(mvcc: MvccStore): void {
    for (const l of mvcc.leases()) this.lessor.grant(l.id, l.ttl, l.remainingTtl);
    if (this.deps.isLeader()) this.lessor.promote(this.deps.clock.now());
  }

  becameLeader(): void {
    // A new leader gives every lease a full TTL so none expires early because leadership moved.
    this.lessor.promote(this.deps.clock.now());
    this.revokesInFlight.clear();
  }

  lostLeadership(): void {
    this.lessor.demote();
  }

  /** A committed command was applied: keep the lessor in step with the lease table. */
  applied(cmd: Command, result: CommandResult): void {
    if (result.type === 'leaseGrant') this.lessor.grant(result.id, result.ttl);
    else if (cmd.type === 'leaseRevoke' && (result.type === 'leaseRevoke' || result.type === 'error')) {
      this.lessor.remove(cmd.id);
      this.revokesInFlight.delete(cmd.id);
    }
  }

  /** Leader only: propose revokes for expired leases (once per request timeout each). */
  expire(): void {
    if (!this.deps.isLeader()) return;
    const now = this.deps.clock.now();
    for (const id of this.lessor.expired(now, 500)) {
      const since = this.revokesInFlight.get(id);
      if (since !== undefined && now - since < this.deps.requestTimeoutMs) continue;
      this.revokesInFlight.set(id, now);
      const r = this.deps.proposeRaw(Buffer.from(JSON.stringify({ c: { type: 'leaseRevoke', id } })));
      if (!r.ok) this.revokesInFlight.delete(id);
    }
  }

  keepAlive(req: p.LeaseIdRequest): Promise<p.LeaseKeepAliveResponse> {
    return this.onLeader(KEEPALIVE_PATH, req, () => this.keepAliveLocal(req.id));
  }

  timeToLive(req: p.LeaseIdRequest & { keys?: boolean }): Promise<p.LeaseTimeToLiveResponse> {
    return this.onLeader(TIMETOLIVE_PATH, req, () => this.timeToLiveLocal(req.id, req.keys));
  }

  /** Answers a forwarded lease request (the leader side of onLeader). */
  answerForwarded(path: string, body: unknown): unknown {
    const req = body as { id: number; keys?: boolean };
    if (path === KEEPALIVE_PATH) return this.keepAliveLocal(req.id);
    if (path === TIMETOLIVE_PATH) return this.timeToLiveLocal(req.id, req.keys);
    throw new ServiceError('notFound', `no such lease endpoint: ${path}`);
  }

  /** Mounts the leader-side lease endpoints on the peer listener. */
  peerRoutes(app: FastifyInstance): void {
    const answer = (path: string) => async (req: { body: unknown }, reply: FastifyReply) => {
      try {
        return reply.send(this.answerForwarded(path, req.body));
      } catch (err) {
        const se = toServiceError(err);
        return reply.code(se.code === 'leaseNotFound' ? 404 : 503).send({ error: { code: se.code, message: se.message } });
      }
    };
    app.post(KEEPALIVE_PATH, answer(KEEPALIVE_PATH));
    app.post(TIMETOLIVE_PATH, answer(TIMETOLIVE_PATH));
  }

  private async onLeader<T>(path: string, body: unknown, local: () => T): Promise<T> {
    if (this.deps.isLeader()) {
      try {
        return local();
      } catch (err) {
        throw toServiceError(err);
      }
    }
    const lead = this.deps.leaderId();
    if (lead === 0) throw new ServiceError('noLeader', NO_LEADER_MESSAGE);
    let res: { status: number; body: unknown };
    try {
      res = await this.deps.forwarder().forward(lead, path, body);
    } catch (err) {
      throw new ServiceError('noLeader', `could not reach the leader: ${(err as Error).message}`);
    }
    if (res.status !== 200) {
      const e = (res.body as p.StoreErrorBody).error;
      throw new ServiceError(e?.code ?? 'internal', e?.message ?? `leader answered ${res.status}`);
    }
    return res.body as T;
  }

  private keepAliveLocal(id: number): p.LeaseKeepAliveResponse {
    if (!this.deps.isLeader()) throw new ServiceError('notLeader', 'not the leader');
    const ttl = this.lessor.renew(id);
    return { header: this.deps.header(), id, ttl };
  }

  private timeToLiveLocal(id: number, keys?: boolean): p.LeaseTimeToLiveResponse {
    if (!this.deps.isLeader()) throw new ServiceError('notLeader', 'not the leader');
    const t = this.lessor.timeToLive(id);
    if (!t) return { header: this.deps.header(), id, ttl: -1, grantedTtl: 0 };
    const res: p.LeaseTimeToLiveResponse = { header: this.deps.header(), id, ttl: t.ttl, grantedTtl: t.grantedTtl };
    if (keys) res.keys = this.deps.mvcc().lease(id)?.keys ?? [];
    return res;
  }
}
