// Linearizable reads (ReadIndex): a read waits until the leader has confirmed an index with a
// heartbeat quorum and this member has applied up to it. One round at a time serves every read
// queued while the previous round ran. Rounds can be dropped silently (leader change): they are
// retried after an election timeout and failed after the request timeout.
import type { Clock } from '../../lib/util/clock.js';
import type { StepResult } from '../raft/index.js';
import { ServiceError } from '../service.js';
import { NO_LEADER_MESSAGE } from './proposals.js';

interface ReadBatch {
  ctx: string;
  waiters: { resolve: () => void; reject: (e: Error) => void }[];
  issuedAt: number;
  /** When the oldest waiter's first round was issued (rounds are retried after a leader change). */
  firstIssuedAt: number;
}

export interface ReadIndexDeps {
  clock: Clock;
  /** A round unanswered this long is re-issued (an election timeout). */
  retryAfterMs: number;
  requestTimeoutMs: number;
  /** Prefix of read contexts: unique per member. */
  idPrefix: string;
  readIndex(ctx: string): StepResult;
  waitApplied(index: number): Promise<void>;
  notServing(): ServiceError | undefined;
  kick(): void;
}

export class ReadIndexReads {
  private readonly inFlight = new Map<string, ReadBatch>();
  private next: ReadBatch | undefined;
  private seq = 0;

  constructor(private readonly deps: ReadIndexDeps) {}

  /** Resolves when a local read would be linearizable (ReadIndex confirmed and applied). */
  wait(): Promise<void> {
    const refused = this.deps.notServing();
    if (refused) return Promise.reject(refused);
    return new Promise((resolve, reject) => {
      this.queue().waiters.push({ resolve, reject });
      this.issue();
    });
  }

  /** The core confirmed read `ctx` at `index`. */
  onReadState(ctx: string, index: number): void {
    const batch = this.inFlight.get(ctx);
    if (!batch) return;
    this.inFlight.delete(ctx);
    void this.deps.waitApplied(index).then(() => {
      for (const w of batch.waiters) w.resolve();
    });
    this.issue();
  }

  /** Every tick: retry rounds that went unanswered, fail those past the request timeout. */
  check(): void {
    const now = this.deps.clock.now();
    for (const [ctx, batch] of this.inFlight) {
      if (now - batch.issuedAt < this.deps.retryAfterMs) continue;
      this.inFlight.delete(ctx);
      if (now - batch.firstIssuedAt >= this.deps.requestTimeoutMs) {
        const err = new ServiceError('timeout', `linearizable read timed out after ${now - batch.firstIssuedAt} ms (no leader confirmed it)`);
        for (const w of batch.waiters) w.reject(err);
        continue;
      }
      this.requeue(batch);
    }
    this.issue();
  }

  /** The leader changed: rounds sent to the old one will not be answered; re-issue them now. */
  leaderLost(): void {
    for (const [ctx, batch] of this.inFlight) {
      this.inFlight.delete(ctx);
      this.requeue(batch);
    }
    if (this.next) queueMicrotask(() => this.issue());
  }

  failAll(err: ServiceError): void {
    for (const b of [...this.inFlight.values(), ...(this.next ? [this.next] : [])]) for (const w of b.waiters) w.reject(err);
    this.inFlight.clear();
    this.next = undefined;
  }

  private queue(): ReadBatch {
    if (!this.next) this.next = { ctx: '', waiters: [], issuedAt: 0, firstIssuedAt: Infinity };
    return this.next;
  }

  private requeue(batch: ReadBatch): void {
    const next = this.queue();
    next.firstIssuedAt = Math.min(next.firstIssuedAt, batch.firstIssuedAt);
    next.waiters.push(...batch.waiters);
  }

  private issue(): void {
    if (this.inFlight.size > 0 || !this.next) return;
    const batch = this.next;
    this.next = undefined;
    batch.ctx = `${this.deps.idPrefix}/${++this.seq}`;
    batch.issuedAt = this.deps.clock.now();
    batch.firstIssuedAt = Math.min(batch.firstIssuedAt, batch.issuedAt);
    const r = this.deps.readIndex(batch.ctx);
    if (!r.ok) {
      const err = new ServiceError(r.reason === 'noLeader' ? 'noLeader' : 'internal', r.reason === 'noLeader' ? NO_LEADER_MESSAGE : `read index failed: ${r.reason}`);
      for (const w of batch.waiters) w.reject(err);
      if (this.next) queueMicrotask(() => this.issue());
      return;
    }
    this.inFlight.set(batch.ctx, batch);
    this.deps.kick();
  }
}
