// Randomness is injected into the Raft core so elections are reproducible in tests.

/** Source of random integers; `intn(n)` returns an integer in [0, n). */
export interface Rand {
  intn(n: number): number;
}

/**
 * A small, fast, seeded PRNG (mulberry32). Good enough to spread election timeouts and to drive
 * simulations; not for cryptography.
 */
export class SeededRand implements Rand {
  private state: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`SeededRand: seed must be a finite number, got ${seed}`);
    this.state = Math.trunc(seed) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  intn(n: number): number {
    if (!(n > 0)) throw new Error(`SeededRand.intn: n must be positive, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('SeededRand.pick: empty array');
    return items[this.intn(items.length)]!;
  }
}
