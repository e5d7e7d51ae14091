// Proposals: client writes handed to Raft, each waiting for its entry to be applied. A proposal is
// matched to its committed entry by a request id carried in the entry; the rest time out. Every
// way a handed-over proposal ends without its result is an unknown outcome (`timeout`): it may
// have been forwarded to the leader and may still commit.
import type { Clock, TimerHandle } from '../../lib/util/clock.js';
import { parseCommand, type Command, type CommandResult } from '../mvcc/index.js';
import type { StepResult } from '../raft/index.js';
import type { StoreMetrics } from '../metrics.js';
import { ServiceError } from '../service.js';
import { toServiceError } from './errors.js';

interface Pending {
  resolve: (r: CommandResult) => void;
  reject: (e: Error) => void;
  timer: TimerHandle;
}

export interface ProposalsDeps {
  clock: Clock;
  metrics: StoreMetrics;
  requestTimeoutMs: number;
  /** Prefix of request ids: unique per member. */
  idPrefix: string;
  propose(data: Buffer): StepResult;
  /** Why the member cannot take requests now, if it cannot. */
  notServing(): ServiceError | undefined;
  /** The Ready loop has work. */
  kick(): void;
}

export const NO_LEADER_MESSAGE = 'no leader: the cluster is electing one, retry shortly';

export class Proposals {
  private readonly pending = new Map<string, Pending>();
  private seq = 0;

  constructor(private readonly deps: ProposalsDeps) {}

  get size(): number {
    return this.pending.size;
  }

  propose(cmd: Command): Promise<CommandResult> {
    const refused = this.deps.notServing();
    if (refused) return Promise.reject(refused);
    // Reject malformed or oversized commands before they take space in the replicated log; the
    // state machine checks again when applying (same rules on every replica).
    try {
      cmd = parseCommand(cmd);
    } catch (err) {
      return Promise.reject(toServiceError(err));
    }
    const id = `${this.deps.idPrefix}:${++this.seq}`;
    const data = Buffer.from(JSON.stringify({ r: id, c: cmd }));
    const { metrics, clock, requestTimeoutMs } = this.deps;
    return new Promise<CommandResult>((resolve, reject) => {
      const r = this.deps.propose(data);
      if (!r.ok) {
        // Refused by Raft: never entered the log.
        metrics.proposalsFailed.inc({ reason: r.reason });
        const code = r.reason === 'noLeader' ? 'noLeader' : 'internal';
        reject(new ServiceError(code, r.reason === 'noLeader' ? NO_LEADER_MESSAGE : `proposal dropped: ${r.reason}${'detail' in r && r.detail ? `: ${r.detail}` : ''}`));
        return;
      }
      const timer = clock.setTimeout(() => {
        if (!this.pending.delete(id)) return;
        metrics.proposalsFailed.inc({ reason: 'timeout' });
        metrics.proposalsPending.set(this.pending.size);
        reject(new ServiceError('timeout', `request timed out after ${requestTimeoutMs} ms waiting for commit; it may still be applied`));
      }, requestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      metrics.proposalsPending.set(this.pending.size);
      this.deps.kick();
    });
  }

  /** The entry of request `id` was applied with `result` (on whichever member proposed it). */
  settle(id: string, result: CommandResult): void {
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    this.deps.clock.clearTimeout(waiter.timer);
    this.deps.metrics.proposalsCommitted.inc();
    this.deps.metrics.proposalsPending.set(this.pending.size);
    waiter.resolve(result);
  }

  /** Answers every pending proposal as outcome-unknown (`timeout`, never `stopped`). */
  failAll(message: string, reason: string): void {
    for (const [, p] of this.pending) {
      this.deps.clock.clearTimeout(p.timer);
      this.deps.metrics.proposalsFailed.inc({ reason });
      p.reject(new ServiceError('timeout', message));
    }
    this.pending.clear();
    this.deps.metrics.proposalsPending.set(0);
  }
}
