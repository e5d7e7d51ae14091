// The pod lifecycle event generator, reduced to what the pod workers need (upstream
// pleg/generic.go): relist the runtime's sandboxes and containers every period and report each pod
// UID whose containers or sandboxes changed state, so a container that exits is noticed within
// about a second instead of at the next resync.
import type { Clock } from '../../lib/util/clock.js';
import type { Logger } from '../../lib/util/logger.js';
import { POD_UID } from '../runtime/labels.js';
import type { Runtime } from '../runtime/types.js';

export class Pleg {
  private last = new Map<string, string>();
  private healthy = true;

  constructor(
    private readonly runtime: Pick<Runtime, 'listPodSandbox' | 'listContainers'>,
    private readonly onChange: (podUID: string) => void,
    private readonly log: Logger,
  ) {}

  /** Whether the last relist reached the runtime. */
  get runtimeReachable(): boolean {
    return this.healthy;
  }

  /** One relist: compares with the previous one and reports changed pods. */
  async relist(): Promise<void> {
    let fingerprints: Map<string, string>;
    try {
      const [sandboxes, containers] = await Promise.all([this.runtime.listPodSandbox(), this.runtime.listContainers()]);
      const parts = new Map<string, string[]>();
      const add = (uid: string | undefined, text: string) => {
        if (!uid) return;
        const list = parts.get(uid) ?? [];
        list.push(text);
        parts.set(uid, list);
      };
      for (const s of sandboxes) add(s.labels[POD_UID], `s:${s.id}:${s.state}`);
      for (const c of containers) add(c.labels[POD_UID], `c:${c.id}:${c.state}`);
      fingerprints = new Map([...parts].map(([uid, list]) => [uid, list.sort().join(',')]));
      if (!this.healthy) this.log.info('runtime reachable again');
      this.healthy = true;
    } catch (err) {
      if (this.healthy) this.log.warn({ err: (err as Error).message }, 'relisting the runtime failed');
      this.healthy = false;
      return;
    }
    const changed = new Set<string>();
    for (const [uid, fp] of fingerprints) if (this.last.get(uid) !== fp) changed.add(uid);
    for (const uid of this.last.keys()) if (!fingerprints.has(uid)) changed.add(uid);
    this.last = fingerprints;
    for (const uid of changed) this.onChange(uid);
  }

  /** Relists every periodMs until the signal aborts. */
  async run(clock: Clock, periodMs: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.relist();
      try {
        await clock.sleep(periodMs, signal);
      } catch {
        return;
      }
    }
  }
}
