// The apiserver benchmark: a real control plane (3 store members with fsync + one apiserver, as
// `npm start` runs them, on ephemeral ports) driven over the Kubernetes REST API with ConfigMaps
// carrying 1 KiB of data:
//   - create / get / list / update at 1, 16, 64 concurrent clients, closed loop: ops/s, p50, p99
//     (each row the median of its runs);
//   - the target row: an open-loop mutating load of 200 writes/s (half creates, half updates),
//     latency from each request's scheduled start — target p99 ≤ 25 ms;
//   - watch fan-out: 1000 streaming watches while objects carrying their write time are created
//     at 20/s; delivery latency = receive − write start over every (watcher, event) — target p99
//     ≤ 100 ms, and every event delivered.
// The load generator shares the machine with the servers, so each phase also reports the CPU
// every process used. Prints a table and, last on stdout, one JSON line.
//
//   npm run bench -- apiserver [--quick] [--watchers N] [--seconds S] [--runs N] [--row-seconds S]
//                              [--only crud|target|watch] [--cpu-prof DIR]
import { resolve } from 'node:path';
import { availableParallelism as cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { flagsHelp, parseFlags, type FlagSpec } from './lib/args.js';
import { BenchControlPlane } from './lib/control-plane.js';
import { KubeHttp, KubeHttpError } from './lib/kube-http.js';
import { runClosedLoop, type ClosedLoopResult } from './lib/load.js';
import { runOpenLoop, type OpenLoopResult } from './lib/open-loop.js';
import { cleanupAll, makeTempDir, rssMiB } from './lib/processes.js';
import { CpuMeter, type CpuReport } from './lib/proc-cpu.js';
import { median } from './lib/stats.js';
import { allTargetsMet, formatTargetTable, jsonTargetRows, type TargetRow } from './lib/target-table.js';
import { DeliveryTracker, PROBE_ANNOTATION, encodeProbe, type DeliverySummary } from './lib/watch-delivery.js';
import { WatchFanout } from './lib/watch-fanout.js';
import { parseSamples, quantileUpperBound, readHistogram, readValue, subtractHistogram, type Sample } from './lib/prom-text.js';

export const description = 'apiserver over a 3-member store: create/get/list/update latency and throughput at 1/16/64 clients, 200 writes/s target, 1000-watcher fan-out';

const PHASES = ['crud', 'target', 'watch'] as const;
type Phase = (typeof PHASES)[number];
const OPS = ['create', 'get', 'list', 'update'] as const;
type Op = (typeof OPS)[number];

const FLAGS: Record<string, FlagSpec> = {
  quick: { kind: 'boolean', help: 'smoke run: 1 run per row, 1 s per closed-loop row, 3 s target row and watch phase' },
  watchers: { kind: 'number', min: 1, max: 5000, help: 'concurrent streaming watches in the fan-out phase (default 1000)' },
  seconds: { kind: 'number', min: 1, max: 120, help: 'seconds of the 200 writes/s target row and of the watch writes (default 10)' },
  runs: { kind: 'number', min: 1, max: 15, help: 'runs per closed-loop row; the row reports their median (default 3)' },
  'row-seconds': { kind: 'number', min: 0.2, max: 60, help: 'measured seconds per closed-loop run (default 3)' },
  only: { kind: 'string', choices: PHASES, help: 'run one phase only' },
  'cpu-prof': { kind: 'string', help: 'write V8 CPU profiles of the apiserver and store members into this directory' },
  help: { kind: 'boolean', help: 'show this help' },
};

interface Settings {
  runs: number;
  warmupMs: number;
  rowMs: number;
  concurrencies: number[];
  listObjects: number;
  listLimit: number;
  payloadBytes: number;
  targetRate: number;
  targetMs: number;
  updateSlots: number;
  watchers: number;
  watchRate: number;
  watchMs: number;
  drainMs: number;
  phases: Phase[];
  cpuProfDir: string | undefined;
}

const TARGET_P99_MS = 25;
const WATCH_P99_MS = 100;
const NS_CRUD = 'default';
const NS_LIST = 'bench-list';
const NS_WATCH = 'bench-watch';
const ROLE = 'bench.k8ts.io/role';

function settingsFrom(args: string[]): Settings | undefined {
  const f = parseFlags(args, FLAGS);
  if (f.help) {
    console.log(`usage: node dist/bench/main.js apiserver [flags]\n${description}\n\n${flagsHelp(FLAGS)}`);
    return undefined;
  }
  const quick = f.quick === true;
  const seconds = (f.seconds as number | undefined) ?? (quick ? 3 : 10);
  return {
    runs: (f.runs as number | undefined) ?? (quick ? 1 : 3),
    warmupMs: quick ? 250 : 500,
    rowMs: ((f['row-seconds'] as number | undefined) ?? (quick ? 1 : 3)) * 1000,
    concurrencies: [1, 16, 64],
    listObjects: 1000,
    listLimit: 100,
    payloadBytes: 1024,
    targetRate: 200,
    targetMs: seconds * 1000,
    updateSlots: 100,
    watchers: (f.watchers as number | undefined) ?? 1000,
    watchRate: 20,
    watchMs: seconds * 1000,
    drainMs: 15_000,
    phases: f.only ? [f.only as Phase] : [...PHASES],
    cpuProfDir: f['cpu-prof'] === undefined ? undefined : resolve(f['cpu-prof'] as string),
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ConfigMapShape {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string };
  data: Record<string, string>;
}

function configMap(namespace: string, name: string, role: string, payload: string, extra: { resourceVersion?: string; annotations?: Record<string, string> } = {}): ConfigMapShape {
  const metadata: ConfigMapShape['metadata'] = { name, namespace, labels: { [ROLE]: role } };
  if (extra.annotations) metadata.annotations = extra.annotations;
  if (extra.resourceVersion !== undefined) metadata.resourceVersion = extra.resourceVersion;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { payload } };
}

const collection = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

/** Runs `count` tasks with at most `parallel` in flight. */
async function runBounded(count: number, parallel: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}

interface Context {
  s: Settings;
  cp: BenchControlPlane;
  /** One pool per closed-loop concurrency, with that many connections. */
  pools: Map<number, KubeHttp>;
  /** resourceVersion of each update worker's own object after its last write. */
  updateRv: string[];
  rows: TargetRow[];
  failures: string[];
  payload: string;
}

export async function run(args: string[]): Promise<void> {
  const s = settingsFrom(args);
  if (!s) return;
  const root = makeTempDir('k8ts-bench-apiserver-');
  log(`apiserver bench: phases ${s.phases.join(', ')}; temp dir ${root}${s.cpuProfDir ? `; CPU profiles → ${s.cpuProfDir}` : ''}`);
  const t0 = performance.now();
  let cp: BenchControlPlane;
  try {
    cp = await BenchControlPlane.start({ root, log, apiserverArgs: ['--log-level', 'warn'], ...(s.cpuProfDir ? { cpuProfileDir: s.cpuProfDir } : {}) });
  } catch (err) {
    cleanupAll();
    throw err;
  }
  log(`control plane up after ${Math.round(performance.now() - t0)} ms`);
  const ctx: Context = { s, cp, pools: new Map(), updateRv: [], rows: [], failures: [], payload: 'x'.repeat(s.payloadBytes) };
  try {
    for (const c of s.concurrencies) ctx.pools.set(c, new KubeHttp(cp.url, c));
    await phase(ctx, 'setup', () => setup(ctx));
    if (ctx.failures.length === 0) {
      if (s.phases.includes('crud')) await phase(ctx, 'crud', () => benchCrud(ctx));
      if (s.phases.includes('target')) await phase(ctx, 'target', () => benchTarget(ctx));
      if (s.phases.includes('watch')) await phase(ctx, 'watch', () => benchWatch(ctx));
    }
    ctx.rows.push({ metric: 'apiserver RSS at the end', value: cp.apiserver.pid === undefined ? null : rssMiB(cp.apiserver.pid), unit: 'MiB' });
  } finally {
    for (const pool of ctx.pools.values()) await pool.close().catch(() => undefined);
    await cp.stop().catch((err: unknown) => log(`stopping the control plane: ${(err as Error).message}`));
    cleanupAll();
  }
  printReport(ctx);
  if (ctx.failures.length > 0) process.exitCode = 1;
}

/** The monotonic clock V8 stamps CPU profiles with, in µs (same clock in every process). */
const monotonicUs = () => process.hrtime.bigint() / 1000n;

async function phase(ctx: Context, name: string, body: () => Promise<void>): Promise<void> {
  // With --cpu-prof, say when each phase ran on the monotonic clock V8 profiles are stamped with
  // (µs), so a profile's samples can be cut to one phase.
  const mark = (what: string) => ctx.s.cpuProfDir && log(`phase ${name} ${what} at monotonic ${monotonicUs()} µs`);
  try {
    mark('starts');
    await body();
    mark('ends');
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    ctx.failures.push(`${name}: ${message}`);
    log(`${name}: FAILED: ${message}`);
  }
}

async function setup(ctx: Context): Promise<void> {
  const { s, cp } = ctx;
  const http = ctx.pools.get(Math.max(...s.concurrencies))!;
  for (const ns of [NS_LIST, NS_WATCH]) {
    await http.text('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  const t0 = performance.now();
  await runBounded(s.listObjects, 32, (i) => http.text('POST', collection(NS_LIST), configMap(NS_LIST, objName('obj', i), 'list', ctx.payload)));
  const updaters = Math.max(...s.concurrencies);
  await runBounded(updaters, 32, async (w) => {
    const made = await http.json<ConfigMapShape>('POST', collection(NS_CRUD), configMap(NS_CRUD, `bench-upd-${w}`, 'update', ctx.payload));
    ctx.updateRv[w] = made.metadata.resourceVersion!;
  });
  log(`setup: ${s.listObjects} ConfigMaps in ${NS_LIST}, ${updaters} update targets in ${NS_CRUD} (${Math.round(performance.now() - t0)} ms); apiserver ${cp.url}`);
}

const objName = (prefix: string, i: number) => `${prefix}-${String(i).padStart(5, '0')}`;

// ---- closed loop: create / get / list / update ----

async function benchCrud(ctx: Context): Promise<void> {
  const { s } = ctx;
  const samples = new Map<string, ClosedLoopResult[]>();
  // Runs outermost, so drift in the machine's background load spreads over every row.
  for (let r = 0; r < s.runs; r++) {
    for (const op of OPS) {
      for (const c of s.concurrencies) {
        const started = monotonicUs();
        const res = await closedLoop(ctx, op, c, r);
        const key = `${op}/${c}`;
        samples.set(key, [...(samples.get(key) ?? []), res]);
        const window = s.cpuProfDir ? ` [monotonic ${started}–${monotonicUs()} µs]` : '';
        log(`  ${op} ${c} client${c === 1 ? '' : 's'} run ${r + 1}: ${Math.round(res.opsPerSec)} ops/s, p50 ${res.p50Ms.toFixed(2)} ms, p99 ${res.p99Ms.toFixed(2)} ms${res.errors ? `, ${res.errors} errors (${res.firstError})` : ''}${window}`);
      }
    }
  }
  for (const op of OPS) {
    for (const c of s.concurrencies) {
      const runs = samples.get(`${op}/${c}`) ?? [];
      const label = `${op}, ${c} client${c === 1 ? '' : 's'}`;
      const errors = runs.reduce((n, x) => n + x.errors, 0);
      const note = errors > 0 ? `${errors} errors (${runs.find((x) => x.firstError)?.firstError})` : undefined;
      ctx.rows.push({ metric: `${label}: throughput`, value: median(runs.map((x) => x.opsPerSec)), unit: 'ops/s', ...(note ? { note } : {}) });
      ctx.rows.push({ metric: `${label}: p50`, value: median(runs.map((x) => x.p50Ms)), unit: 'ms' });
      ctx.rows.push({ metric: `${label}: p99`, value: median(runs.map((x) => x.p99Ms)), unit: 'ms' });
    }
  }
}

async function closedLoop(ctx: Context, op: Op, c: number, run: number): Promise<ClosedLoopResult> {
  const { s } = ctx;
  const http = ctx.pools.get(c)!;
  const crud = collection(NS_CRUD);
  const list = collection(NS_LIST);
  const ops: Record<Op, (w: number, seq: number) => Promise<unknown>> = {
    create: (w, seq) => http.text('POST', crud, configMap(NS_CRUD, `bench-c${run}-${c}-${w}-${seq}`, 'create', ctx.payload)),
    // Spread over the preloaded objects, different for every worker and request.
    get: (w, seq) => http.text('GET', `${list}/${objName('obj', (w * 7919 + seq * 104729) % s.listObjects)}`),
    list: () => http.text('GET', `${list}?limit=${s.listLimit}`),
    update: (w, seq) => updateOwn(ctx, http, w, `${seq}:`.padEnd(s.payloadBytes, 'u')),
  };
  const res = await runClosedLoop({ concurrency: c, warmupMs: s.warmupMs, durationMs: s.rowMs, op: ops[op] });
  if (op === 'create') await deleteCreated(http, NS_CRUD);
  return res;
}

/** PUT of a worker's own object with the resourceVersion its previous write returned. */
async function updateOwn(ctx: Context, http: KubeHttp, w: number, payload: string): Promise<void> {
  const name = `bench-upd-${w}`;
  try {
    const out = await http.json<ConfigMapShape>('PUT', `${collection(NS_CRUD)}/${name}`, configMap(NS_CRUD, name, 'update', payload, { resourceVersion: ctx.updateRv[w]! }));
    ctx.updateRv[w] = out.metadata.resourceVersion!;
  } catch (err) {
    // Count the failure, but let the next update start from the object's real version.
    if (err instanceof KubeHttpError && err.statusCode === 409) {
      ctx.updateRv[w] = (await http.json<ConfigMapShape>('GET', `${collection(NS_CRUD)}/${name}`)).metadata.resourceVersion!;
    }
    throw err;
  }
}

/** Removes what a create run made, so every run starts from the same namespace size. */
async function deleteCreated(http: KubeHttp, ns: string): Promise<void> {
  await http.text('DELETE', `${collection(ns)}?labelSelector=${encodeURIComponent(`${ROLE}=create`)}`);
}

// ---- the target row: open-loop mutating load ----

async function benchTarget(ctx: Context): Promise<void> {
  const { s, cp } = ctx;
  const http = ctx.pools.get(Math.max(...s.concurrencies))!;
  // Update targets: each is written every updateSlots / (rate/2) seconds, so one still in flight
  // when its turn comes again means a write took that long.
  const slots = s.updateSlots;
  const slotRv: string[] = [];
  const busy = new Uint8Array(slots);
  await runBounded(slots, 32, async (k) => {
    const made = await http.json<ConfigMapShape>('POST', collection(NS_CRUD), configMap(NS_CRUD, objName('bench-slot', k), 'slot', ctx.payload));
    slotRv[k] = made.metadata.resourceVersion!;
  });
  let creates = 0;
  let updates = 0;
  const meter = new CpuMeter(() => cp.pids());
  const leader = await cp.leaderName();
  log(`target row: ${s.targetRate} writes/s open loop for ${s.targetMs / 1000} s (½ create, ½ update of ${slots} objects), store leader ${leader}`);
  const before = await scrape(cp);
  meter.start();
  const res = await runOpenLoop({
    ratePerSec: s.targetRate,
    durationMs: s.targetMs,
    op: async (seq) => {
      if (seq % 2 === 0) {
        creates++;
        await http.text('POST', collection(NS_CRUD), configMap(NS_CRUD, objName('bench-t', seq), 'create', ctx.payload));
        return;
      }
      updates++;
      const k = (seq >> 1) % slots;
      if (busy[k]) throw new Error(`update slot ${k} still in flight after ${(slots / (s.targetRate / 2)).toFixed(1)} s`);
      busy[k] = 1;
      try {
        const name = objName('bench-slot', k);
        const out = await http.json<ConfigMapShape>('PUT', `${collection(NS_CRUD)}/${name}`, configMap(NS_CRUD, name, 'slot', `${seq}:`.padEnd(s.payloadBytes, 't'), { resourceVersion: slotRv[k]! }));
        slotRv[k] = out.metadata.resourceVersion!;
      } finally {
        busy[k] = 0;
      }
    },
  });
  const cpu = meter.stop();
  const after = await scrape(cp);
  await deleteCreated(http, NS_CRUD);
  logOpenLoop('target row', res);
  const label = `mutating ${s.targetRate} writes/s open loop`;
  const errNote = res.errors > 0 ? `first: ${res.firstError}` : undefined;
  ctx.rows.push(
    { metric: `${label}: p50`, value: res.p50Ms, unit: 'ms' },
    { metric: `${label}: p99`, value: res.p99Ms, unit: 'ms', target: { op: '<=', value: TARGET_P99_MS } },
    { metric: `${label}: max`, value: res.maxMs, unit: 'ms' },
    { metric: `${label}: completed`, value: res.completedPerSec, unit: 'writes/s', note: `${creates} creates + ${updates} updates scheduled over ${s.targetMs / 1000} s` },
    { metric: `${label}: errors`, value: res.errors, unit: 'requests', target: { op: '<=', value: 0 }, ...(errNote ? { note: errNote } : {}) },
    { metric: `${label}: client send lag p99`, value: res.sendLagP99Ms, unit: 'ms', note: 'how late the load generator started requests (included in the latencies)' },
  );
  pushCpuRows(ctx, `${label}: CPU`, cpu, leader);
  ctx.rows.push(...serverDiagnostics(label, before, after, leader, ['POST', 'PUT']));
}

function logOpenLoop(what: string, res: OpenLoopResult): void {
  log(`  ${what}: ${res.ok}/${res.scheduled} ok, ${res.completedPerSec.toFixed(1)}/s, p50 ${res.p50Ms.toFixed(2)} ms, p99 ${res.p99Ms.toFixed(2)} ms, max ${res.maxMs.toFixed(1)} ms, send lag p99 ${res.sendLagP99Ms.toFixed(2)} ms${res.errors ? `, ${res.errors} errors (${res.firstError})` : ''}`);
}

function pushCpuRows(ctx: Context, label: string, cpu: CpuReport, leader: string): void {
  for (const [name, pct] of cpu.perProcess) {
    const who = name === leader ? `${name} (leader)` : name;
    ctx.rows.push({ metric: `${label} ${who}`, value: pct, unit: '% of a core' });
  }
  // How much of the time something on the machine (these processes or anyone else's) waited for
  // a CPU or for I/O: high values mean the tails measure the machine as much as the code.
  ctx.rows.push({ metric: `${label} pressure (machine)`, value: cpu.cpuPressurePct, unit: '% of time', note: 'PSI cpu "some": a runnable task waited for a CPU' });
  ctx.rows.push({ metric: `${label.replace(/CPU$/, 'I/O')} pressure (machine)`, value: cpu.ioPressurePct, unit: '% of time', note: 'PSI io "some": a task waited for I/O' });
}

// ---- watch fan-out ----

async function benchWatch(ctx: Context): Promise<void> {
  const { s, cp } = ctx;
  const writer = new KubeHttp(cp.url, 8);
  const path = collection(NS_WATCH);
  const total = Math.max(1, Math.round((s.watchMs / 1000) * s.watchRate));
  const tracker = new DeliveryTracker(s.watchers, total);
  let otherEvents = 0;
  let errorEvents = 0;
  let firstErrorEvent: string | undefined;
  let fanout: WatchFanout | undefined;
  try {
    const listRv = (await writer.json<{ metadata: { resourceVersion: string } }>('GET', `${path}?limit=1`)).metadata.resourceVersion;
    const t0 = performance.now();
    fanout = await WatchFanout.open({
      baseUrl: cp.url,
      path: `${path}?watch=true&resourceVersion=${listRv}`,
      watchers: s.watchers,
      onEvent: (w, ev, receivedAt) => {
        if (ev.type === 'ADDED' && ev.probe) tracker.record(w, ev.probe.seq, receivedAt - ev.probe.sentAtMs);
        else if (ev.type === 'ERROR') {
          errorEvents++;
          firstErrorEvent ??= `watch ${w} got an ERROR event`;
        } else otherEvents++;
      },
    });
    const openMs = performance.now() - t0;
    log(`watch: ${s.watchers} streaming watches open after ${Math.round(openMs)} ms (from resourceVersion ${listRv}); writing ${total} objects at ${s.watchRate}/s`);

    const written: boolean[] = new Array<boolean>(total).fill(false);
    const meter = new CpuMeter(() => cp.pids());
    const leader = await cp.leaderName();
    const before = await scrape(cp);
    meter.start();
    const writes = await runOpenLoop({
      ratePerSec: s.watchRate,
      durationMs: s.watchMs,
      op: async (seq) => {
        const sentAt = performance.now();
        const obj = configMap(NS_WATCH, objName('w', seq), 'watch', ctx.payload, { annotations: { [PROBE_ANNOTATION]: encodeProbe(seq, sentAt) } });
        await writer.text('POST', path, obj);
        written[seq] = true;
      },
    });
    const okWrites = written.filter(Boolean).length;
    // Bounded drain: until every watcher has every successful write, or drainMs passes.
    const drainStart = performance.now();
    while (tracker.delivered < okWrites * s.watchers && performance.now() - drainStart < s.drainMs) await sleep(20);
    const cpu = meter.stop();
    const after = await scrape(cp);
    const endedEarly = fanout.endedEarly.length;
    const badLines = fanout.badLines;
    fanout.close();
    fanout = undefined;

    const d = tracker.summary(written);
    logOpenLoop('watch writes', writes);
    logDelivery(d, otherEvents, errorEvents, endedEarly);
    const label = `watch fan-out, ${s.watchers} watchers`;
    const problems = [
      d.duplicates ? `${d.duplicates} duplicates` : '',
      d.unexpected ? `${d.unexpected} unexpected` : '',
      endedEarly ? `${endedEarly} streams ended early` : '',
      errorEvents ? `${errorEvents} ERROR events (${firstErrorEvent})` : '',
      badLines ? `${badLines} unparsable lines` : '',
      d.watchersMissingEvents ? `${d.watchersMissingEvents} watchers missed events` : '',
    ].filter(Boolean);
    ctx.rows.push(
      { metric: `${label}: open all watches`, value: openMs, unit: 'ms' },
      { metric: `${label}: delivery p50`, value: d.p50Ms, unit: 'ms' },
      { metric: `${label}: delivery p99`, value: d.p99Ms, unit: 'ms', target: { op: '<=', value: WATCH_P99_MS } },
      { metric: `${label}: delivery max`, value: d.maxMs, unit: 'ms' },
      { metric: `${label}: events delivered`, value: d.delivered, unit: 'events', target: { op: '>=', value: d.expected }, note: `${d.expectedPerWatcher} writes × ${d.watchers} watchers` },
      { metric: `${label}: events missing`, value: d.missing, unit: 'events', target: { op: '<=', value: 0 }, ...(problems.length ? { note: problems.join('; ') } : {}) },
      { metric: `${label}: writes p99`, value: writes.p99Ms, unit: 'ms', note: `${writes.ok}/${writes.scheduled} creates at ${s.watchRate}/s${writes.errors ? `, first error: ${writes.firstError}` : ''}` },
    );
    pushCpuRows(ctx, `${label}: CPU`, cpu, leader);
    ctx.rows.push(...serverDiagnostics(label, before, after, leader, ['POST']));
  } finally {
    fanout?.close();
    await writer.close();
  }
}

function logDelivery(d: DeliverySummary, other: number, errors: number, endedEarly: number): void {
  log(
    `  delivery: ${d.delivered}/${d.expected} (missing ${d.missing}, duplicates ${d.duplicates}, unexpected ${d.unexpected}, other events ${other}, ERROR events ${errors}, streams ended early ${endedEarly}), p50 ${d.p50Ms.toFixed(2)} ms, p99 ${d.p99Ms.toFixed(2)} ms, max ${d.maxMs.toFixed(1)} ms`,
  );
}

// ---- the servers' own view: Prometheus metrics scraped around a phase ----

type Scrape = Map<string, Sample[]>;

async function scrape(cp: BenchControlPlane): Promise<Scrape> {
  const out: Scrape = new Map();
  await Promise.all(
    [...cp.metricsUrls()].map(async ([name, url]) => {
      try {
        const res = await request(url, { headersTimeout: 5000, bodyTimeout: 5000 });
        const text = await res.body.text();
        if (res.statusCode === 200) out.set(name, parseSamples(text));
      } catch {
        // A missing scrape only drops the diagnostic rows that needed it.
      }
    }),
  );
  return out;
}

/** prom-client's event-loop monitor resolution (its default), included in every reading. */
const LAG_SAMPLING_S = 0.01;

const toMs = (seconds: number | undefined) => (seconds === undefined || !Number.isFinite(seconds) ? null : seconds * 1000);

function histogramDelta(before: Scrape, after: Scrape, who: string, name: string, labels: Record<string, string> = {}) {
  const a = after.get(who);
  if (!a) return undefined;
  const h = readHistogram(a, name, labels);
  if (!h) return undefined;
  const b = before.get(who);
  try {
    return subtractHistogram(h, b ? readHistogram(b, name, labels) : undefined);
  } catch {
    return undefined;
  }
}

/**
 * Where a phase's time went, from the servers' own metrics: apiserver handler latency by verb,
 * event-loop delay and GC time of the apiserver and the store leader, WAL fsync latency. The
 * event-loop figures cover exactly the phase: prom-client resets that histogram on every scrape.
 */
function serverDiagnostics(label: string, before: Scrape, after: Scrape, leader: string, verbs: string[]): TargetRow[] {
  const rows: TargetRow[] = [];
  const bucketNote = 'server-side, histogram bucket upper bound';
  for (const verb of verbs) {
    const h = histogramDelta(before, after, 'apiserver', 'apiserver_request_duration_seconds', { verb, resource: 'configmaps' });
    if (!h || h.count === 0) continue;
    rows.push({ metric: `${label}: apiserver handler ${verb} p99`, value: toMs(quantileUpperBound(h, 0.99)), unit: 'ms', note: `${bucketNote}; p50 ≤ ${toMs(quantileUpperBound(h, 0.5))} ms; ${h.count} requests` });
  }
  for (const who of ['apiserver', leader]) {
    const a = after.get(who);
    if (!a) continue;
    const name = who === leader ? `${who} (leader)` : who;
    // prom-client samples with a 10 ms timer and reports the interval itself: lateness = value − 10 ms.
    const late = (v: number | undefined) => (v === undefined ? undefined : Math.max(0, v - LAG_SAMPLING_S));
    const p99 = late(readValue(a, 'nodejs_eventloop_lag_p99_seconds'));
    const max = late(readValue(a, 'nodejs_eventloop_lag_max_seconds'));
    rows.push({ metric: `${label}: ${name} event-loop delay p99`, value: toMs(p99), unit: 'ms', note: `max ${toMs(max)?.toFixed(1) ?? '-'} ms (lateness of a 10 ms timer)` });
    const gc = histogramDelta(before, after, who, 'nodejs_gc_duration_seconds');
    if (gc) rows.push({ metric: `${label}: ${name} GC time`, value: toMs(gc.sum), unit: 'ms', note: `${gc.count} collections` });
  }
  const fsync = (who: string) => histogramDelta(before, after, who, 'k8ts_store_wal_fsync_duration_seconds');
  const lf = fsync(leader);
  if (lf && lf.count > 0) rows.push({ metric: `${label}: ${leader} (leader) WAL fsync p99`, value: toMs(quantileUpperBound(lf, 0.99)), unit: 'ms', note: `${bucketNote}; p50 ≤ ${toMs(quantileUpperBound(lf, 0.5))} ms; ${lf.count} fsyncs` });
  const followers = [...after.keys()].filter((n) => n.startsWith('store-') && n !== leader);
  const worst = Math.max(...followers.map((n) => quantileUpperBound(fsync(n) ?? { buckets: [], count: 0, sum: 0 }, 0.99)).filter((v) => !Number.isNaN(v)));
  if (Number.isFinite(worst)) rows.push({ metric: `${label}: followers' WAL fsync p99 (worst)`, value: toMs(worst), unit: 'ms', note: bucketNote });
  return rows;
}

// ---- report ----

function printReport(ctx: Context): void {
  const { s } = ctx;
  console.log('');
  console.log(`machine: ${cpus()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the end (other work on the machine shows up in the tails)`);
  const about = [`control plane: 3 store members (fsync on, heartbeat 100 ms, election 1000 ms) + 1 apiserver, loopback; ConfigMaps with ${s.payloadBytes} B of data`];
  if (s.phases.includes('crud')) {
    about.push(
      `closed loop: create/update in ${NS_CRUD}, get/list in ${NS_LIST} (${s.listObjects} objects, list ?limit=${s.listLimit}); update = PUT with the resourceVersion of the worker's previous write; each row the median of ${s.runs} run(s) of ${s.warmupMs / 1000} s warm-up + ${s.rowMs / 1000} s`,
    );
  }
  if (s.phases.includes('target')) about.push(`target row: open loop, ${s.targetRate} writes/s (½ create, ½ update) for ${s.targetMs / 1000} s, latency from each request's scheduled start`);
  if (s.phases.includes('watch')) about.push(`watch: ${s.watchers} streaming watches on ${NS_WATCH}, creates at ${s.watchRate}/s for ${s.watchMs / 1000} s, latency = receive − write start (one process, one clock)`);
  console.log(about.join('\n'));
  if (ctx.failures.length > 0) console.log(`FAILED phases: ${ctx.failures.map((f) => f.split('\n')[0]).join(' | ')}`);
  console.log('');
  console.log(formatTargetTable(ctx.rows));
  const config = {
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
    runs: s.runs,
    warmupSeconds: s.warmupMs / 1000,
    secondsPerRun: s.rowMs / 1000,
    concurrencies: s.concurrencies,
    payloadBytes: s.payloadBytes,
    listObjects: s.listObjects,
    listLimit: s.listLimit,
    targetRate: s.targetRate,
    targetSeconds: s.targetMs / 1000,
    watchers: s.watchers,
    watchRate: s.watchRate,
    watchSeconds: s.watchMs / 1000,
    phases: s.phases,
    storeMembers: 3,
  };
  console.log(JSON.stringify({ bench: 'apiserver', config, targetsMet: ctx.rows.some((r) => r.target) ? allTargetsMet(ctx.rows) : null, failures: ctx.failures, rows: jsonTargetRows(ctx.rows) }));
}
