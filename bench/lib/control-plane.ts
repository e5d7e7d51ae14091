// A control plane like `npm start` makes — the component table's 3-member store and one apiserver
// (cluster/local-cluster.ts) — on ephemeral ports under a benchmark's temp dir, for benchmarks that
// drive the Kubernetes REST API. Everything it spawns is SIGKILLed if the benchmark exits, is
// interrupted or crashes before stop() (cluster/component-process.ts; processes.ts turns signals
// into that exit and removes the temp dir).
import { join } from 'node:path';
import { request } from 'undici';
import { killLiveSync, type ComponentProcess } from '../../cluster/component-process.js';
import { LocalCluster } from '../../cluster/local-cluster.js';
import type { StoreCluster } from '../../cluster/store-cluster.js';
import { installCleanup, tailOf } from './processes.js';

const PROFILE_PRELOAD = new URL('./cpu-profile-preload.js', import.meta.url);

export interface BenchControlPlaneOptions {
  /** Data and logs go here (a temp dir the benchmark owns). */
  root: string;
  heartbeatMs?: number;
  electionMs?: number;
  /** Extra apiserver flags, e.g. ['--log-level', 'warn']. */
  apiserverArgs?: string[];
  /** When set, every server process writes a V8 CPU profile here on clean exit. */
  cpuProfileDir?: string;
  log?: (line: string) => void;
}

let hooked = false;

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  // processes.ts owns the signal → exit path (and removes temp dirs); these run first so no
  // server is still writing into a directory being removed.
  installCleanup();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.prependListener(sig, killLiveSync);
}

export class BenchControlPlane {
  private constructor(
    private readonly cluster: LocalCluster,
    readonly apiserverLog: string,
  ) {}

  get store(): StoreCluster {
    return this.cluster.store;
  }

  get apiserver(): ComponentProcess {
    return this.cluster.apiservers()[0]!;
  }

  get url(): string {
    return this.cluster.apiserverURLs[0]!;
  }

  static async start(opts: BenchControlPlaneOptions): Promise<BenchControlPlane> {
    hookSignals();
    const log = opts.log ?? (() => undefined);
    const logDir = join(opts.root, 'logs');
    const apiserverLog = join(logDir, 'apiserver.log');
    const env = opts.cpuProfileDir
      ? { ...process.env, BENCH_CPU_PROF_DIR: opts.cpuProfileDir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import "${PROFILE_PRELOAD.href}"`.trim() }
      : undefined;
    let cluster: LocalCluster;
    try {
      cluster = await LocalCluster.start({
        root: opts.root,
        logDir,
        storeSize: 3,
        heartbeatMs: opts.heartbeatMs ?? 100,
        electionMs: opts.electionMs ?? 1000,
        extraArgs: { apiserver: opts.apiserverArgs ?? [] },
        ...(env ? { env } : {}),
        onEvent: (e) => {
          if (e.kind === 'ready') log(`${e.row}: ready (${e.instances.join(', ')})`);
        },
      });
    } catch (err) {
      const tail = tailOf(apiserverLog, 1500);
      throw new Error(`control plane did not come up: ${(err as Error).message}${tail ? `\napiserver log tail:\n${tail}` : ''}`);
    }
    const cp = new BenchControlPlane(cluster, apiserverLog);
    try {
      await cp.waitForNamespace('default');
    } catch (err) {
      await cp.stop();
      throw err;
    }
    log(`apiserver: ready at ${cp.url}; store leader ${(await cp.store.leader()).name}`);
    return cp;
  }

  /** The apiserver bootstraps `default` (and the system namespaces) shortly after it is ready. */
  async waitForNamespace(name: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await request(`${this.url}/api/v1/namespaces/${name}`, { headersTimeout: 2000, bodyTimeout: 2000 });
      await res.body.dump();
      if (res.statusCode === 200) return;
      if (Date.now() >= deadline) throw new Error(`namespace ${name} not there after ${timeoutMs} ms (last status ${res.statusCode})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Name → PID of every server process. */
  pids(): Map<string, number | undefined> {
    return new Map(Object.entries(this.cluster.pids()));
  }

  /** Name → /metrics URL of every server process. */
  metricsUrls(): Map<string, string> {
    const out = new Map<string, string>([['apiserver', `${this.url}/metrics`]]);
    for (const m of this.store.members) out.set(m.name, `${m.clientURL}/metrics`);
    return out;
  }

  /** The store member currently leading (its process does the most work). */
  async leaderName(): Promise<string> {
    return (await this.store.leader()).name;
  }

  /** SIGTERM everything (the apiserver first) and wait for the exits. */
  stop(): Promise<void> {
    return this.cluster.stop();
  }
}
