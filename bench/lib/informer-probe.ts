// A process that holds one pod informer — ours (lib/informer) or @kubernetes/client-node's — for
// the client benchmark, so each cache lives in a process of its own and its RSS is its own.
// Protocol (JSON lines on stdout, commands on stdin):
//   → {"synced": ms, "items": n, "rssMiB": r}   after the first list is cached (then a GC)
//   ← "mark"                                   → {"marked": true}   (zeroes the CPU and event counts)
//   ← "until RV"                               → {"caughtUpMs": ms, "cpuMs": c, "events": n}
//     once an event with resourceVersion >= RV was handled; ms counted from the last SIGCONT
//     (the benchmark stops the probe while it writes), CPU and events since "mark".
//
//   node dist/bench/lib/informer-probe.js k8ts|k8ts-stream|client-node SERVER NAMESPACE
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const [impl, server, namespace] = process.argv.slice(2) as [string, string, string];
const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
let maxRv = 0;
let events = 0;
let resumedAt = performance.now();
let cpuMark = process.cpuUsage();
let waiting: { rv: number } | undefined;
process.on('SIGCONT', () => {
  resumedAt = performance.now();
});

function seen(obj: { metadata?: { resourceVersion?: string } }): void {
  events++;
  const rv = Number(obj.metadata?.resourceVersion ?? 0);
  if (rv > maxRv) maxRv = rv;
  check();
}

function check(): void {
  if (waiting && maxRv >= waiting.rv) {
    waiting = undefined;
    const cpu = process.cpuUsage(cpuMark);
    out({ caughtUpMs: performance.now() - resumedAt, cpuMs: (cpu.user + cpu.system) / 1000, events });
    void stopProfile();
  }
}

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
}

const start = performance.now();
// Each implementation loads only its own modules, so the RSS is its own.
if (impl === 'k8ts' || impl === 'k8ts-stream') {
  const { KubeClient } = await import('../../lib/client/client.js');
  const { SharedInformerFactory } = await import('../../lib/informer/factory.js');
  const client = new KubeClient({ component: 'bench-informer', config: { servers: [server], namespace }, qps: -1 });
  const factory = new SharedInformerFactory(client, { timeoutSeconds: 30, ...(impl === 'k8ts-stream' ? { mode: 'stream' as const } : {}) });
  const inf = factory.informerFor('pods', { namespace });
  inf.addEventHandler({ onAdd: (o) => seen(o), onUpdate: (_o, n) => seen(n), onDelete: () => events++ });
  factory.start(new AbortController().signal);
  await factory.waitForCacheSync();
  const ms = performance.now() - start;
  out({ synced: ms, items: inf.indexer.size, rssMiB: rss() });
} else {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'k8ts', server, skipTLSVerify: true }],
    users: [{ name: 'bench' }],
    contexts: [{ name: 'k8ts', cluster: 'k8ts', user: 'bench', namespace }],
    currentContext: 'k8ts',
  });
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const inf = k8s.makeInformer(kc, `/api/v1/namespaces/${namespace}/pods`, () => core.listNamespacedPod({ namespace }));
  inf.on('add', (o) => seen(o));
  inf.on('update', (o) => seen(o));
  inf.on('delete', () => events++);
  inf.on('error', (err) => process.stderr.write(`client-node informer error: ${String(err)}\n`));
  await inf.start();
  const ms = performance.now() - start;
  out({ synced: ms, items: inf.list(namespace).length, rssMiB: rss() });
}
events = 0;
createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'mark') {
    void startProfile();
    cpuMark = process.cpuUsage();
    events = 0;
    out({ marked: true });
    return;
  }
  const m = /^until (\d+)$/.exec(cmd);
  if (!m) return;
  waiting = { rv: Number(m[1]) };
  check();
}).on('close', () => process.exit(0));

// BENCH_PROBE_CPU_PROF=DIR: a CPU profile of just the measured stretch (mark → caught up).
const profileDir = process.env['BENCH_PROBE_CPU_PROF'];
let session: Session | undefined;
async function startProfile(): Promise<void> {
  if (!profileDir) return;
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
async function stopProfile(): Promise<void> {
  if (!session) return;
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(`${profileDir}/${impl}-catch-up.cpuprofile`, JSON.stringify(profile));
  session.disconnect();
  session = undefined;
}
