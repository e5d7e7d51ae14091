// Test harness for leader election: candidates on one in-memory lease, a timeline of what each did
// on the shared fake clock, and clocks that are offset from (or run at another rate than) it.
import { FakeClock, type Clock, type TimerHandle } from '../../../../lib/util/clock.js';
import { LeaderElector, type LeaderElectionConfig } from '../../../../lib/leader/elector.js';
import { MemoryLease, MemoryLeaseLock } from '../../../../lib/leader/memory-lock.js';

export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A machine's clock over the shared timeline: it reads `offsetMs` ahead of it (negative: behind)
 * and runs `rate` times as fast, so its timers fire after ms / rate of shared time.
 */
export function skewedClock(base: FakeClock, offsetMs: number, rate = 1): Clock {
  const origin = base.now();
  const clock: Clock = {
    now: () => origin + offsetMs + (base.now() - origin) * rate,
    setTimeout: (fn, ms) => base.setTimeout(fn, ms / rate),
    clearTimeout: (h: TimerHandle) => base.clearTimeout(h),
    sleep: (ms, signal) => base.sleep(ms / rate, signal),
  };
  return clock;
}

export interface TimelineEvent {
  /** Shared (base clock) time. */
  at: number;
  who: string;
  what: 'started' | 'aborted' | 'stopped' | `new-leader:${string}`;
}

/** A seeded PRNG so failures and jitter are the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface CandidateOptions extends Partial<Omit<LeaderElectionConfig, 'lock' | 'identity' | 'callbacks'>> {
  /** Campaign again after losing (as a component that keeps running would). Default false. */
  rejoin?: boolean;
}

export class Candidate {
  readonly lock: MemoryLeaseLock;
  readonly elector: LeaderElector;
  /** Aborted when this candidate's current leadership ends. */
  leadership: AbortSignal | undefined;
  private readonly stopper = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    readonly id: string,
    lease: MemoryLease,
    private readonly base: FakeClock,
    private readonly timeline: TimelineEvent[],
    private readonly opts: CandidateOptions = {},
  ) {
    const clock = opts.clock ?? base;
    this.lock = new MemoryLeaseLock(lease, { clock: base });
    this.elector = new LeaderElector({
      random: () => 0,
      ...opts,
      clock,
      lock: this.lock,
      identity: id,
      callbacks: {
        onStartedLeading: (signal) => {
          this.leadership = signal;
          this.record('started');
          signal.addEventListener('abort', () => this.record('aborted'), { once: true });
        },
        onStoppedLeading: () => this.record('stopped'),
        onNewLeader: (identity) => this.record(`new-leader:${identity}`),
      },
    });
  }

  get leading(): boolean {
    return this.leadership !== undefined && !this.leadership.aborted;
  }

  start(): this {
    this.loop = (async () => {
      do await this.elector.run(this.stopper.signal);
      while (this.opts.rejoin && !this.stopper.signal.aborted);
    })();
    return this;
  }

  /** Clean shutdown; resolves once run() has returned (and released the lease). */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
  }

  private record(what: TimelineEvent['what']): void {
    this.timeline.push({ at: this.base.now(), who: this.id, what });
  }
}

/** Moves the shared clock forward in steps, letting promise chains run after each. */
export async function advance(base: FakeClock, ms: number, stepMs = 100, each?: () => void): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    base.advance(Math.min(stepMs, ms - t));
    await flush();
    each?.();
  }
}
