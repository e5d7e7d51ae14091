// A control plane like `npm start` makes — a 3-member store (cluster/store-cluster.ts) and one
// apiserver (cluster/component.ts) — on ephemeral ports under a benchmark's temp dir, for
// benchmarks that drive the Kubernetes REST API. Everything it spawns is SIGKILLed if the
// benchmark exits, is interrupted or crashes before stop(); the temp dir goes with processes.ts.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { StoreCluster } from '../../cluster/store-cluster.js';
import { ComponentProcess } from '../../cluster/component.js';
import { freePorts } from '../../cluster/ports.js';
import { installCleanup, tailOf } from './processes.js';

const APISERVER_MAIN = fileURLToPath(new URL('../../apiserver/main.js', import.meta.url));
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

/** Server processes not yet stopped: SIGKILLed synchronously if this process goes down. */
const live = new Set<() => (ChildProcess | undefined)[]>();
let hooked = false;

function killEverythingSync(): void {
  for (const procsOf of live) {
    for (const p of procsOf()) {
      if (p && p.exitCode === null && p.signalCode === null) {
        try {
          p.kill('SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  }
}

function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  // processes.ts owns the signal → exit path (and removes temp dirs on exit); these run first so
  // no server is still writing into a directory being removed.
  installCleanup();
  process.prependListener('exit', killEverythingSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.prependListener(sig, killEverythingSync);
}

export class BenchControlPlane {
  private constructor(
    readonly store: StoreCluster,
    readonly apiserver: ComponentProcess,
    readonly url: string,
    readonly apiserverLog: string,
  ) {}

  static async start(opts: BenchControlPlaneOptions): Promise<BenchControlPlane> {
    hookProcessExit();
    const log = opts.log ?? (() => undefined);
    const logDir = join(opts.root, 'logs');
    const env = opts.cpuProfileDir
      ? { ...process.env, BENCH_CPU_PROF_DIR: opts.cpuProfileDir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import "${PROFILE_PRELOAD.href}"`.trim() }
      : undefined;

    // StoreCluster spawns with this process's environment: lend it the profiling one meanwhile.
    const savedEnv = { dir: process.env.BENCH_CPU_PROF_DIR, opts: process.env.NODE_OPTIONS };
    if (env) Object.assign(process.env, { BENCH_CPU_PROF_DIR: env.BENCH_CPU_PROF_DIR, NODE_OPTIONS: env.NODE_OPTIONS });
    let store: StoreCluster;
    try {
      store = await StoreCluster.start({
        size: 3,
        dataRoot: join(opts.root, 'store'),
        heartbeatMs: opts.heartbeatMs ?? 100,
        electionMs: opts.electionMs ?? 1000,
        logDir,
      });
    } finally {
      if (env) {
        restoreEnv('BENCH_CPU_PROF_DIR', savedEnv.dir);
        restoreEnv('NODE_OPTIONS', savedEnv.opts);
      }
    }
    const storeProcs = () => store.members.map((m) => m.proc);
    live.add(storeProcs);
    let leader;
    try {
      leader = await store.leader();
    } catch (err) {
      await store.stop();
      live.delete(storeProcs);
      throw err;
    }
    log(`store: 3 members ready (${store.endpoints().join(', ')}; leader ${leader.name})`);

    const [port] = await freePorts(1);
    const url = `http://127.0.0.1:${port}`;
    const apiserverLog = join(logDir, 'apiserver.log');
    const apiserver = new ComponentProcess({
      name: 'apiserver',
      main: APISERVER_MAIN,
      args: ['--store-endpoints', store.endpoints().join(','), '--port', String(port), ...(opts.apiserverArgs ?? [])],
      logFile: apiserverLog,
      ...(env ? { env } : {}),
    });
    const cp = new BenchControlPlane(store, apiserver, url, apiserverLog);
    live.delete(storeProcs);
    live.add(cp.procs);
    try {
      apiserver.start();
      await apiserver.waitReady(`${url}/readyz`);
      await cp.waitForNamespace('default');
    } catch (err) {
      const tail = tailOf(apiserverLog, 1500);
      await cp.stop();
      throw new Error(`apiserver did not come up: ${(err as Error).message}${tail ? `\napiserver log tail:\n${tail}` : ''}`);
    }
    log(`apiserver: ready at ${url}`);
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

  /** Name → PID of every running server process. */
  pids(): Map<string, number | undefined> {
    const out = new Map<string, number | undefined>([['apiserver', this.apiserver.pid]]);
    for (const [name, pid] of Object.entries(this.store.pids())) out.set(name, pid);
    return out;
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
  async stop(): Promise<void> {
    try {
      await this.apiserver.stop();
      await this.store.stop();
    } finally {
      live.delete(this.procs);
    }
  }

  private readonly procs = (): (ChildProcess | undefined)[] => [this.apiserver.proc, ...this.store.members.map((m) => m.proc)];
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
