// CPU and memory accounting of one container, shared by all its processes: a small baseline,
// CPU raised while consumeCpu runs (capped at the CPU limit, as CFS throttling would), memory held
// through allocate(). Going over the memory limit calls onOom — the runtime kills the container
// with 137/OOMKilled — and throws, so the allocating program stops where it stands.
import type { Clock } from '../../../lib/util/clock.js';
import type { Usage } from './process.js';

/** What an idle mock container uses: 1 millicore and 2 MiB. */
export const BASELINE_NANOCORES = 1_000_000;
export const BASELINE_MEMORY_BYTES = 2 * 1024 * 1024;

export class ContainerUsage implements Usage {
  private busyMillicores = 0;
  private allocated = 0;
  private cumulativeNs = 0;
  private since: number;
  private running = true;

  constructor(
    private readonly clock: Clock,
    private readonly limits: { cpuLimitMillis: number; memoryLimitBytes: number },
    private readonly onOom: () => void,
  ) {
    this.since = clock.now();
  }

  /** Nanocores in use now. */
  nanoCores(): number {
    if (!this.running) return 0;
    const wanted = BASELINE_NANOCORES + this.busyMillicores * 1_000_000;
    return this.limits.cpuLimitMillis > 0 ? Math.min(wanted, this.limits.cpuLimitMillis * 1_000_000) : wanted;
  }

  /** CPU time used since the container started, in nanoseconds. */
  cpuNanoSeconds(): number {
    this.accrue();
    return Math.round(this.cumulativeNs);
  }

  memoryBytes(): number {
    return this.running ? BASELINE_MEMORY_BYTES + this.allocated : 0;
  }

  /** The container ended: no more CPU or memory in use. */
  stop(): void {
    this.accrue();
    this.running = false;
  }

  private accrue(): void {
    const now = this.clock.now();
    // nanocores × seconds = nanoseconds of CPU.
    this.cumulativeNs += (this.nanoCores() * Math.max(0, now - this.since)) / 1000;
    this.since = now;
  }

  async consumeCpu(millicores: number, durationMs: number, signal?: AbortSignal): Promise<void> {
    const m = Math.max(0, Number(millicores) || 0);
    this.accrue();
    this.busyMillicores += m;
    try {
      await this.clock.sleep(Math.max(0, durationMs), signal);
    } finally {
      this.accrue();
      this.busyMillicores -= m;
    }
  }

  allocate(bytes: number): void {
    if (!this.running) return;
    this.allocated = Math.max(0, this.allocated + (Number(bytes) || 0));
    const limit = this.limits.memoryLimitBytes;
    if (limit > 0 && this.memoryBytes() > limit) {
      this.onOom();
      throw new Error('Killed (out of memory)');
    }
  }
}
