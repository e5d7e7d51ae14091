// Shared helpers for the MVCC tests (not a test file itself).
import { MvccStore, type MvccStoreOptions } from '../../../../store/mvcc/store.js';
import type { Command, CommandResult } from '../../../../store/mvcc/types.js';

/** A scheduler that only runs queued work when told to: watch delivery becomes deterministic. */
export class ManualScheduler {
  private queue: Array<() => void> = [];
  readonly schedule = (run: () => void): void => {
    this.queue.push(run);
  };
  get pending(): number {
    return this.queue.length;
  }
  /** Runs queued work (and work it queues) until idle, at most `maxRounds` items. */
  runAll(maxRounds = 10_000): number {
    let ran = 0;
    while (this.queue.length > 0) {
      if (ran >= maxRounds) throw new Error(`scheduler still busy after ${maxRounds} items`);
      this.queue.shift()!();
      ran++;
    }
    return ran;
  }
  /** Runs only the work queued right now. */
  runOnce(): void {
    const batch = this.queue;
    this.queue = [];
    for (const run of batch) run();
  }
}

export function newStore(options: MvccStoreOptions = {}): { store: MvccStore; scheduler: ManualScheduler } {
  const scheduler = new ManualScheduler();
  const store = new MvccStore({ ...options, watch: { ...options.watch, schedule: scheduler.schedule } });
  return { store, scheduler };
}

/** Applies and fails loudly on an error result (for setup steps). */
export function mustApply<T extends CommandResult['type']>(store: MvccStore, cmd: Command & { type: T }): Extract<CommandResult, { type: T }> {
  const res = store.apply(cmd);
  if (res.type === 'error') throw new Error(`unexpected error ${res.error.code}: ${res.error.message}`);
  return res as Extract<CommandResult, { type: T }>;
}

export function put(store: MvccStore, key: string, value: string, extra: { lease?: number; prevKv?: boolean } = {}) {
  return mustApply(store, { type: 'put', key, value, ...extra });
}

export function del(store: MvccStore, key: string, extra: { rangeEnd?: string; prefix?: boolean; prevKv?: boolean } = {}) {
  return mustApply(store, { type: 'deleteRange', key, ...extra });
}

/** The error code of a result, or 'ok'. */
export function codeOf(res: CommandResult): string {
  return res.type === 'error' ? res.error.code : 'ok';
}

/** Deterministic PRNG so randomized tests reproduce. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
