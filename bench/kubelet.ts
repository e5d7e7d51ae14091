// The kubelet benchmark (issue 9): N pods (default 1,000) on one node, bound directly by
// spec.nodeName (no scheduler), on a real cluster — a store member, the apiserver, and one node's
// mock runtime and kubelet, each its own process (cluster/local-cluster.ts):
//   - create → Running: per pod, from the start of its create call to the first watch event
//     (streaming watch) with phase Running and the Ready condition True; p50, p99 and max;
//   - pods/s: N over the time from the first create to the last pod Running;
//   - kubelet and runtime RSS (VmRSS) holding N running pods, a few seconds after the last one,
//     and their peak (VmHWM) so far;
//   - teardown: delete them all (gracePeriodSeconds 0) → the runtime holds no sandbox or container.
// Targets: p99 ≤ 1 s (Kubernetes' SLO is 5 s; kwok's CI allows 120 s for 1,000 pods) and kubelet +
// runtime RSS ≤ 250 MB together. Every row is the median of --runs runs on the same node.
//
//   npm run bench -- kubelet [--quick] [--pods N] [--runs N] [--concurrency N] [--kubelet-args="--kube-api-qps 200"]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { killLiveSync } from '../cluster/component-process.js';
import { nodeOf } from '../cluster/components.js';
import { LocalCluster } from '../cluster/local-cluster.js';
import { KubeClient } from '../lib/client/client.js';
import type { Pod } from '../lib/api/types.js';
import { RemoteRuntime } from '../kubelet/runtime/remote-client.js';
import { waitFor } from '../lib/util/wait.js';
import { flagsHelp, parseFlags, type FlagSpec } from './lib/args.js';
import { cleanupAll, installCleanup, makeTempDir, tailOf } from './lib/processes.js';
import { median, percentileSorted } from './lib/stats.js';
import { allTargetsMet, formatTargetTable, jsonTargetRows, type TargetRow } from './lib/target-table.js';

export const description = '1,000 pods on one node bound directly: create → Running p50/p99 and pods/s, kubelet + runtime RSS at 1,000 pods';

const FLAGS: Record<string, FlagSpec> = {
  quick: { kind: 'boolean', help: 'smoke run: 200 pods, 1 run' },
  pods: { kind: 'number', min: 1, max: 2000, help: 'pods on the node (default 1000)' },
  runs: { kind: 'number', min: 1, max: 15, help: 'runs; each row reports their median (default 3)' },
  concurrency: { kind: 'number', min: 1, max: 256, help: 'create calls in flight (default 32)' },
  'timeout-seconds': { kind: 'number', min: 10, max: 3600, help: 'how long a run may take to see every pod Running (default 180)' },
  'kubelet-args': { kind: 'string', help: 'extra kubelet flags, space-separated, e.g. --kubelet-args="--kube-api-qps 200 --kube-api-burst 400"' },
  help: { kind: 'boolean', help: 'show this help' },
};

const NS = 'bench-kubelet';
const IMAGE = 'registry.k8s.io/pause:3.10';
const TARGET_P99_MS = 1000;
const TARGET_RSS_MB = 250;
/** Seconds after the last pod is Running before RSS is read: the steady state holding N pods. */
const SETTLE_MS = 5000;
const TEARDOWN_TIMEOUT_MS = 180_000;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface RunResult {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  podsPerSec: number;
  kubeletRssMiB: number;
  runtimeRssMiB: number;
  kubeletPeakMiB: number;
  runtimePeakMiB: number;
  teardownMs: number;
}

/** VmRSS and VmHWM (peak) of a live process, in MiB; null when it is gone. */
function memoryMiB(pid: number | undefined): { rss: number; peak: number } | null {
  if (pid === undefined) return null;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm').exec(text);
    return m ? Number(m[1]) / 1024 : Number.NaN;
  };
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

function isRunningReady(p: Pod): boolean {
  return p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

async function inParallel<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

interface Ctx {
  cluster: LocalCluster;
  client: KubeClient;
  newClient: () => KubeClient;
  runtime: RemoteRuntime;
  nodeName: string;
  pods: number;
  concurrency: number;
  timeoutMs: number;
  logDir: string;
}

/** Where the kubelet and runtime logs end, for an error message. */
function logTails(c: Ctx): string {
  return ['kubelet-0', 'runtime-0']
    .map((n) => `--- ${n}.log (tail) ---\n${tailOf(join(c.logDir, `${n}.log`), 3000) || '(empty)'}`)
    .join('\n');
}

async function oneRun(c: Ctx, r: number): Promise<RunResult> {
  const pods = c.client.resource<Pod>('pods');
  const names = Array.from({ length: c.pods }, (_, i) => `r${r}-p-${i}`);
  const started = new Map<string, number>();
  const running = new Map<string, number>();
  let createErrors = 0;
  let firstError: string | undefined;

  // Watch from the current revision, before the first create. The watch has a client of its own,
  // closed after the run: that is what ends a streaming watch at once (lib/client's rest.stream
  // drops the abort listener once the headers arrive, so aborting alone waits for the server's
  // timeoutSeconds).
  const rv = (await pods.list({ namespace: NS, limit: 1 })).metadata.resourceVersion;
  const watchClient = c.newClient();
  const abort = new AbortController();
  let allRunning!: () => void;
  const done = new Promise<void>((resolve) => (allRunning = resolve));
  const watching = (async () => {
    try {
      for await (const ev of watchClient.resource<Pod>('pods').watch({ namespace: NS, resourceVersion: rv, mode: 'stream', signal: abort.signal })) {
        if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
        const name = ev.object.metadata?.name ?? '';
        if (running.has(name) || !isRunningReady(ev.object)) continue;
        const t0 = started.get(name);
        if (t0 === undefined) continue;
        running.set(name, performance.now());
        if (running.size === c.pods) allRunning();
      }
    } catch (err) {
      if (!abort.signal.aborted) log(`run ${r + 1}: watch ended: ${(err as Error).message}`);
    }
  })();

  const progress = setInterval(() => log(`run ${r + 1}: ${started.size} created, ${running.size} Running`), 5000);
  const firstCreate = performance.now();
  try {
    const creating = inParallel(names, c.concurrency, async (name) => {
      started.set(name, performance.now());
      try {
        await pods.create({
          metadata: { name, namespace: NS, labels: { app: 'bench-kubelet' } },
          spec: { nodeName: c.nodeName, containers: [{ name: 'pause', image: IMAGE }] },
        });
      } catch (err) {
        createErrors++;
        firstError ??= `${name}: ${(err as Error).message}`;
      }
    });
    await creating;
    const createdMs = performance.now() - firstCreate;
    log(`run ${r + 1}: ${c.pods} creates in ${createdMs.toFixed(0)} ms (${createErrors} errors)${firstError ? `; first: ${firstError}` : ''}`);
    if (createErrors > 0) throw new Error(`${createErrors} of ${c.pods} creates failed; first: ${firstError}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), c.timeoutMs)));
    const outcome = await Promise.race([done.then(() => 'ok' as const), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      const sample = (await pods.list({ namespace: NS })).items.filter((p) => !running.has(p.metadata?.name ?? '')).slice(0, 3);
      const states = sample.map((p) => `${p.metadata?.name}: phase ${p.status?.phase ?? '-'}, conditions ${JSON.stringify(p.status?.conditions ?? [])}, containers ${JSON.stringify(p.status?.containerStatuses?.map((s) => s.state) ?? [])}`);
      throw new Error(`run ${r + 1}: ${running.size} of ${c.pods} pods Running after ${c.timeoutMs / 1000} s\n${states.join('\n')}\n${logTails(c)}`);
    }
  } finally {
    clearInterval(progress);
    abort.abort();
    await watchClient.close();
    await watching;
  }

  const latencies = names.map((n) => running.get(n)! - started.get(n)!).sort((a, b) => a - b);
  const lastRunning = Math.max(...running.values());
  const podsPerSec = c.pods / ((lastRunning - firstCreate) / 1000);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const pids = c.cluster.pids();
  const kubelet = memoryMiB(pids['kubelet-0']);
  const runtime = memoryMiB(pids['runtime-0']);
  if (!kubelet || !runtime) throw new Error(`run ${r + 1}: ${!kubelet ? 'kubelet-0' : 'runtime-0'} is not running\n${logTails(c)}`);
  const res: Omit<RunResult, 'teardownMs'> = {
    p50Ms: percentileSorted(latencies, 50),
    p99Ms: percentileSorted(latencies, 99),
    maxMs: latencies[latencies.length - 1]!,
    podsPerSec,
    kubeletRssMiB: kubelet.rss,
    runtimeRssMiB: runtime.rss,
    kubeletPeakMiB: kubelet.peak,
    runtimePeakMiB: runtime.peak,
  };
  log(`run ${r + 1}: create → Running p50 ${res.p50Ms.toFixed(0)} ms, p99 ${res.p99Ms.toFixed(0)} ms, max ${res.maxMs.toFixed(0)} ms, ${podsPerSec.toFixed(1)} pods/s; RSS kubelet ${kubelet.rss.toFixed(0)} MiB (peak ${kubelet.peak.toFixed(0)}), runtime ${runtime.rss.toFixed(0)} MiB (peak ${runtime.peak.toFixed(0)})`);

  const teardownMs = await teardown(c, r);
  return { ...res, teardownMs };
}

/** Deletes every pod (grace 0) and waits until the API has none and the runtime holds nothing. */
async function teardown(c: Ctx, r: number): Promise<number> {
  const t0 = performance.now();
  await c.client.resource<Pod>('pods').deleteCollection({ namespace: NS, gracePeriodSeconds: 0 });
  let last = '';
  try {
    await waitFor(async () => {
      const left = (await c.client.resource<Pod>('pods').list({ namespace: NS, limit: 1 })).items.length;
      const sandboxes = (await c.runtime.listPodSandbox()).length;
      const containers = (await c.runtime.listContainers()).length;
      last = `${left > 0 ? 'pods left in the API' : 'no pods in the API'}, ${sandboxes} sandboxes and ${containers} containers in the runtime`;
      return left === 0 && sandboxes === 0 && containers === 0;
    }, { timeoutMs: TEARDOWN_TIMEOUT_MS, intervalMs: 250, description: 'the node to be empty' });
  } catch (err) {
    throw new Error(`run ${r + 1}: ${(err as Error).message} (last seen: ${last})\n${logTails(c)}`);
  }
  const ms = performance.now() - t0;
  log(`run ${r + 1}: teardown ${ms.toFixed(0)} ms`);
  return ms;
}

export async function run(args: string[]): Promise<void> {
  const f = parseFlags(args, FLAGS);
  if (f.help) {
    console.log(`usage: node dist/bench/main.js kubelet [flags]\n${description}\n\n${flagsHelp(FLAGS)}`);
    return;
  }
  const quick = f.quick === true;
  const podCount = (f.pods as number | undefined) ?? (quick ? 200 : 1000);
  const runs = (f.runs as number | undefined) ?? (quick ? 1 : 3);
  const concurrency = (f.concurrency as number | undefined) ?? 32;
  const timeoutMs = ((f['timeout-seconds'] as number | undefined) ?? 180) * 1000;
  const kubeletArgs = ((f['kubelet-args'] as string | undefined) ?? '').split(/\s+/).filter((a) => a !== '');

  installCleanup();
  // processes.ts turns signals into an exit; this first SIGKILLs the cluster's processes.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.prependListener(sig, killLiveSync);
  const root = makeTempDir('k8ts-bench-kubelet-');
  const logDir = join(root, 'logs');
  // A node number and a pod range of its own: the usual /24 per node holds 254 pods, too few here,
  // so the runtime and the kubelet both get a /21 (2,046 addresses) in 127.245.0.0/16.
  const slot = Math.floor(Math.random() * 32);
  const podCIDR = `127.245.${slot * 8}.0/21`;
  const t0 = performance.now();
  const cluster = await LocalCluster.start({
    root,
    logDir,
    storeSize: 1,
    nodes: 1,
    nodeIndexBase: 200 + slot,
    extraArgs: {
      apiserver: ['--log-level', 'warn'],
      runtime: ['--pod-cidr', podCIDR, '--log-level', 'warn'],
      kubelet: ['--max-pods', String(Math.max(110, podCount + 100)), '--pod-cidr', podCIDR, '--log-level', 'warn', ...kubeletArgs],
    },
  });
  const node = nodeOf(cluster.ctx, 0);
  const newClient = () => new KubeClient({ component: 'bench-kubelet', config: { servers: cluster.apiserverURLs, namespace: NS }, qps: -1, timeoutMs: 60_000 });
  const client = newClient();
  const runtime = new RemoteRuntime({ socketPath: node.socket });
  const results: RunResult[] = [];
  const failures: string[] = [];
  try {
    await waitFor(async () => {
      const n = await client.resource('nodes').get(node.name);
      return ((n as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    }, { timeoutMs: 60_000, intervalMs: 200, description: `${node.name} to be Ready` });
    await client.resource('namespaces').create({ metadata: { name: NS } });
    log(`kubelet bench: ${node.name} Ready in ${(performance.now() - t0).toFixed(0)} ms (pod CIDR ${podCIDR}); ${runs} run(s) of ${podCount} pods, ${concurrency} creates in flight`);
    const c: Ctx = { cluster, client, newClient, runtime, nodeName: node.name, pods: podCount, concurrency, timeoutMs, logDir };
    for (let r = 0; r < runs; r++) {
      try {
        results.push(await oneRun(c, r));
      } catch (err) {
        failures.push((err as Error).message.split('\n')[0]!);
        log((err as Error).message);
        break;
      }
    }
  } finally {
    const stopping = performance.now();
    await runtime.close();
    await client.close();
    await cluster.stop();
    cleanupAll();
    log(`kubelet bench: cluster stopped in ${(performance.now() - stopping).toFixed(0)} ms`);
  }

  const med = (k: keyof RunResult) => (results.length > 0 ? median(results.map((x) => x[k])) : null);
  const kubeletRss = med('kubeletRssMiB');
  const runtimeRss = med('runtimeRssMiB');
  const bothMB = results.length > 0 ? median(results.map((x) => ((x.kubeletRssMiB + x.runtimeRssMiB) * 1024 * 1024) / 1e6)) : null;
  const rows: TargetRow[] = [
    { metric: `create → Running, ${podCount} pods: p50`, value: med('p50Ms'), unit: 'ms' },
    { metric: `create → Running, ${podCount} pods: p99`, value: med('p99Ms'), unit: 'ms', target: { op: '<=', value: TARGET_P99_MS }, note: 'aim p99 ≤ 1 s; Kubernetes SLO p99 ≤ 5 s' },
    { metric: `create → Running, ${podCount} pods: max`, value: med('maxMs'), unit: 'ms' },
    { metric: 'pods Running per second', value: med('podsPerSec'), unit: 'pods/s', note: `N / (first create → last Running); kwok CI allows 120 s for 1,000 pods` },
    { metric: `kubelet + runtime RSS at ${podCount} pods`, value: bothMB, unit: 'MB', target: { op: '<=', value: TARGET_RSS_MB }, note: `aim ≤ 250 MB together; VmRSS ${SETTLE_MS / 1000} s after the last Running` },
    { metric: `kubelet RSS at ${podCount} pods`, value: kubeletRss, unit: 'MiB' },
    { metric: `runtime RSS at ${podCount} pods`, value: runtimeRss, unit: 'MiB' },
    { metric: 'kubelet peak RSS', value: med('kubeletPeakMiB'), unit: 'MiB', note: 'VmHWM since the process started' },
    { metric: 'runtime peak RSS', value: med('runtimePeakMiB'), unit: 'MiB', note: 'VmHWM since the process started' },
    { metric: `teardown, ${podCount} pods`, value: med('teardownMs'), unit: 'ms', note: 'deletecollection (grace 0) → no sandbox or container left' },
  ];
  console.log(`kubelet: ${podCount} pods bound to one node, ${concurrency} creates in flight${kubeletArgs.length ? `, kubelet ${kubeletArgs.join(' ')}` : ''}, median of ${results.length} run(s)${failures.length ? ` — FAILED: ${failures.join('; ')}` : ''}`);
  console.log(formatTargetTable(rows));
  console.log(JSON.stringify({ bench: 'kubelet', config: { pods: podCount, runs, concurrency, kubeletArgs, completedRuns: results.length }, targetsMet: allTargetsMet(rows), failures, rows: jsonTargetRows(rows), perRun: results.map((x) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Number(v.toPrecision(4))]))) }));
  if (failures.length > 0) process.exitCode = 1;
}
