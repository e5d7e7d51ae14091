// A cluster on this machine, launched from the component table: what `npm start`, the
// integration tests' ControlPlane and the benchmarks' control plane all start.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentProcess } from './component-process.js';
import { apiserverURL, CONTROL_PLANE, NODE, type ComponentRow } from './components.js';
import { ClusterContext } from './context.js';
import { Launcher, type LaunchEvent } from './launcher.js';
import { StoreCluster } from './store-cluster.js';

export interface LocalClusterOptions {
  /** Data lives under it (`<root>/store/store-0`, …). */
  root: string;
  /** Each process's output goes to `<logDir>/<instance>.log`. */
  logDir?: string;
  storeSize?: 1 | 3 | 5;
  apiservers?: number;
  /** Fixed ports by key (context.ts); every other port is a free one. */
  ports?: Record<string, number>;
  heartbeatMs?: number;
  electionMs?: number;
  /** Extra flags per row, e.g. { apiserver: ['--log-level', 'warn'] }. */
  extraArgs?: Record<string, readonly string[]>;
  env?: NodeJS.ProcessEnv;
  /** Restart processes that die (npm start); off in tests, which kill processes on purpose. */
  supervise?: boolean;
  onEvent?: (e: LaunchEvent) => void | Promise<void>;
  /** Nodes (a runtime and a kubelet each) besides the control plane; default 0. */
  nodes?: number;
  /** Node numbering starts here (context.ts nodeIndexBase); tests use their own. */
  nodeIndexBase?: number;
  /** The rows to launch; the control plane (and the node rows when nodes > 0) by default. */
  rows?: readonly ComponentRow[];
}

export class LocalCluster {
  private constructor(
    readonly launcher: Launcher,
    readonly ctx: ClusterContext,
    readonly store: StoreCluster,
    /** Where clients reach each apiserver. */
    readonly apiserverURLs: string[],
  ) {}

  static async start(opts: LocalClusterOptions): Promise<LocalCluster> {
    if (opts.logDir) await mkdir(opts.logDir, { recursive: true });
    const ctx = new ClusterContext({
      storeDataRoot: join(opts.root, 'store'),
      nodesRoot: join(opts.root, 'nodes'),
      ...(opts.nodeIndexBase !== undefined ? { nodeIndexBase: opts.nodeIndexBase } : {}),
      replicas: { store: opts.storeSize ?? 3, apiserver: opts.apiservers ?? 1, runtime: opts.nodes ?? 0, kubelet: opts.nodes ?? 0 },
      ...(opts.ports ? { ports: opts.ports } : {}),
      ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}),
      ...(opts.electionMs !== undefined ? { electionMs: opts.electionMs } : {}),
      ...(opts.extraArgs ? { extraArgs: opts.extraArgs } : {}),
    });
    const launcher = await Launcher.start({
      rows: opts.rows ?? (opts.nodes ? [...CONTROL_PLANE, ...NODE] : CONTROL_PLANE),
      ctx,
      ...(opts.logDir ? { logDir: opts.logDir } : {}),
      ...(opts.env ? { env: opts.env } : {}),
      supervise: opts.supervise ?? false,
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    });
    const urls = await Promise.all(launcher.instancesOf('apiserver').map((i) => apiserverURL(ctx, i.index)));
    return new LocalCluster(launcher, ctx, await StoreCluster.within(launcher, ctx), urls);
  }

  apiservers(): ComponentProcess[] {
    return this.launcher.instancesOf('apiserver').map((i) => i.process);
  }

  pids(): Record<string, number | undefined> {
    return this.launcher.pids();
  }

  /** Everything, by PID, in reverse dependency order (apiservers before the store). */
  stop(): Promise<void> {
    return this.launcher.stop();
  }
}
