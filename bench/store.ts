// The store benchmark: our store against real etcd 3.4, side by side in one run on this machine.
// Both run as 3 members on loopback with fsync on and the same raft timings, and are driven by the
// same closed-loop Node load generator (etcd through the `etcd3` gRPC client, ours through lib's
// StoreClient). Rows are interleaved between the two clusters, alternating which goes first, so
// background noise on a shared machine lands on both sides alike. Each row is the median of its
// runs; the table shows k8ts/etcd per row and the last line of stdout is the JSON summary.
//
//   npm run bench -- store [--quick] [--only etcd|k8ts] [--runs N] [--seconds S] [--kills N]
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { flagsHelp, parseFlags, type FlagSpec } from './lib/args.js';
import { EtcdTarget } from './lib/etcd-target.js';
import { K8tsTarget } from './lib/k8ts-target.js';
import { runClosedLoop } from './lib/load.js';
import { cleanupAll, makeTempDir, rssMiB } from './lib/processes.js';
import { formatTable, jsonRows } from './lib/report.js';
import { ResultSet } from './lib/results.js';
import { LatencyRecorder } from './lib/stats.js';
import type { KvClient, RaftTimings, StoreTarget } from './lib/store-target.js';

export const description = 'k8ts store vs real etcd 3.4 side by side: puts/s and latency, linearizable reads, watch latency, leader-kill recovery, RSS';

const TARGETS = ['etcd', 'k8ts'] as const;
type TargetName = (typeof TARGETS)[number];

const FLAGS: Record<string, FlagSpec> = {
  quick: { kind: 'boolean', help: 'smoke run: 1 run per row, 1 s per row, 1 leader kill' },
  only: { kind: 'string', choices: TARGETS, help: 'run one side only' },
  runs: { kind: 'number', min: 1, max: 15, help: 'runs per row; the row reports their median (default 3)' },
  seconds: { kind: 'number', min: 0.2, max: 60, help: 'measured seconds per row (default 4)' },
  warmup: { kind: 'number', min: 0, max: 30, help: 'warm-up seconds before each row, not measured (default 1)' },
  kills: { kind: 'number', min: 1, max: 15, help: 'leader kills; the row reports the median (default 3)' },
  'store-bin': { kind: 'string', help: 'path of the built store entry point (default: ../store/main.js next to this file)' },
  help: { kind: 'boolean', help: 'show this help' },
};

interface Settings {
  runs: number;
  warmupMs: number;
  windowMs: number;
  kills: number;
  sizes: number[];
  concurrencies: number[];
  readConcurrency: number;
  readKeys: number;
  watchMs: number;
  watchPutsPerSec: number;
  requestTimeoutMs: number;
  timings: RaftTimings;
  only: TargetName | undefined;
  storeBin: string;
}

function settingsFrom(args: string[]): Settings | undefined {
  const f = parseFlags(args, FLAGS);
  if (f.help) {
    console.log(`usage: node dist/bench/main.js store [flags]\n${description}\n\n${flagsHelp(FLAGS)}`);
    return undefined;
  }
  const quick = f.quick === true;
  return {
    runs: (f.runs as number | undefined) ?? (quick ? 1 : 3),
    warmupMs: ((f.warmup as number | undefined) ?? (quick ? 0.25 : 1)) * 1000,
    windowMs: ((f.seconds as number | undefined) ?? (quick ? 1 : 4)) * 1000,
    kills: (f.kills as number | undefined) ?? (quick ? 1 : 3),
    sizes: [256, 2048],
    concurrencies: [1, 16, 64, 256],
    readConcurrency: 64,
    readKeys: 1000,
    watchMs: quick ? 1000 : 3000,
    watchPutsPerSec: 200,
    requestTimeoutMs: 10_000,
    timings: { heartbeatMs: 100, electionMs: 1000 },
    only: f.only as TargetName | undefined,
    storeBin: (f['store-bin'] as string | undefined) ?? fileURLToPath(new URL('../store/main.js', import.meta.url)),
  };
}

/** One side of the comparison and what became of it. */
interface Side {
  name: TargetName;
  target?: StoreTarget;
  client?: KvClient;
  /** Not run, by choice or because it is not built. */
  skipped?: string;
  /** Started but failed; later measurements skip it. */
  failed?: string;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

export async function run(args: string[]): Promise<void> {
  const s = settingsFrom(args);
  if (!s) return;
  const root = makeTempDir('k8ts-bench-store-');
  const sides: Side[] = TARGETS.map((name) => ({ name }));
  const results = new ResultSet('etcd', 'k8ts');
  try {
    await startSides(sides, s, root);
    if (sides.some((d) => d.target && d.client && !d.failed)) {
      await benchPuts(sides, s, results);
      await benchReads(sides, s, results);
      await benchWatch(sides, s, results);
      measureRss(sides, results);
      await benchFailover(sides, s, results);
    }
  } finally {
    await stopSides(sides);
    cleanupAll();
  }
  printReport(sides, s, results);
  if (sides.some((d) => d.failed)) process.exitCode = 1;
}

async function startSides(sides: Side[], s: Settings, root: string): Promise<void> {
  log(`store bench: ${s.runs} run(s) per row, ${s.warmupMs / 1000} s warm-up + ${s.windowMs / 1000} s per row, ${s.kills} leader kill(s), temp dir ${root}`);
  for (const side of sides) {
    if (s.only && s.only !== side.name) side.skipped = `not run (--only ${s.only})`;
    else if (side.name === 'k8ts' && K8tsTarget.missing(s.storeBin)) {
      side.skipped = `store binary not built yet (${relative(process.cwd(), s.storeBin)} missing)`;
      log(`k8ts: ${side.skipped}`);
    }
  }
  for (const side of sides) {
    if (side.skipped) continue;
    try {
      const dir = join(root, side.name);
      side.target = side.name === 'etcd' ? await EtcdTarget.create(dir, s.timings, log) : await K8tsTarget.create(dir, s.storeBin, s.timings);
      log(`${side.name}: starting (${side.target.description})`);
      const t0 = performance.now();
      await side.target.start();
      side.client = side.target.client({ timeoutMs: s.requestTimeoutMs });
      log(`${side.name}: 3 members healthy after ${Math.round(performance.now() - t0)} ms`);
    } catch (err) {
      fail(side, 'start', err);
    }
  }
}

async function stopSides(sides: Side[]): Promise<void> {
  for (const side of sides) {
    await side.client?.close().catch(() => undefined);
    await side.target?.stop().catch(() => undefined);
  }
}

function fail(side: Side, phase: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  side.failed = `${phase}: ${message}`;
  log(`${side.name}: FAILED during ${phase}: ${message}`);
}

/**
 * Runs `measure` once per run on every live side, alternating which side goes first so drift in
 * background load does not always favour the same one.
 */
async function interleaved(sides: Side[], runs: number, phase: string, measure: (side: Side & { target: StoreTarget; client: KvClient }, run: number) => Promise<void>): Promise<void> {
  for (let r = 0; r < runs; r++) {
    const order = r % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      if (!side.target || !side.client || side.failed) continue;
      try {
        await measure(side as Side & { target: StoreTarget; client: KvClient }, r);
      } catch (err) {
        fail(side, phase, err);
      }
    }
  }
}

function valueOf(bytes: number, fill = 'v'): string {
  return fill.repeat(bytes);
}

async function compactAll(client: KvClient): Promise<void> {
  const revision = await client.put('/bench/compact-mark', '');
  await client.compact(revision);
}

async function benchPuts(sides: Side[], s: Settings, results: ResultSet): Promise<void> {
  for (const size of s.sizes) {
    const value = valueOf(size);
    for (const c of s.concurrencies) {
      const base = `put ${size} B, ${c} client${c === 1 ? '' : 's'}`;
      results.define(`${base}: throughput`, 'puts/s', 'higher');
      results.define(`${base}: p50`, 'ms', 'lower');
      results.define(`${base}: p99`, 'ms', 'lower');
      await interleaved(sides, s.runs, base, async (side, r) => {
        const res = await runClosedLoop({
          concurrency: c,
          warmupMs: s.warmupMs,
          durationMs: s.windowMs,
          // A small rotating key set per worker: realistic updates, bounded key count.
          op: (w, seq) => side.client.put(`/bench/put/${w}/${seq & 15}`, value),
        });
        results.add(`${base}: throughput`, side.name, res.opsPerSec);
        results.add(`${base}: p50`, side.name, res.p50Ms);
        results.add(`${base}: p99`, side.name, res.p99Ms);
        if (res.errors > 0) results.note(`${base}: throughput`, `${side.name}: ${res.errors} errors in run ${r + 1} (${res.firstError})`);
        log(`  ${side.name} ${base} run ${r + 1}: ${Math.round(res.opsPerSec)} puts/s, p50 ${res.p50Ms.toFixed(2)} ms, p99 ${res.p99Ms.toFixed(2)} ms${res.errors ? `, ${res.errors} errors` : ''}`);
        await compactAll(side.client);
      });
    }
  }
}

async function benchReads(sides: Side[], s: Settings, results: ResultSet): Promise<void> {
  const c = s.readConcurrency;
  const base = `linearizable get 256 B, ${c} clients`;
  results.define(`${base}: throughput`, 'reads/s', 'higher');
  results.define(`${base}: p50`, 'ms', 'lower');
  results.define(`${base}: p99`, 'ms', 'lower');
  const value = valueOf(256, 'r');
  const key = (i: number) => `/bench/read/${i}`;
  // Existing keys only: preload them once per side.
  await interleaved(sides, 1, 'read preload', async (side) => {
    await runBounded(s.readKeys, 32, (i) => side.client.put(key(i), value));
  });
  await interleaved(sides, s.runs, base, async (side, r) => {
    let misses = 0;
    const res = await runClosedLoop({
      concurrency: c,
      warmupMs: s.warmupMs,
      durationMs: s.windowMs,
      op: async (w, seq) => {
        const got = await side.client.get(key((w * 7919 + seq * 104729) % s.readKeys));
        if (got === undefined) misses++;
      },
    });
    if (misses > 0) throw new Error(`${misses} linearizable reads of preloaded keys found nothing`);
    results.add(`${base}: throughput`, side.name, res.opsPerSec);
    results.add(`${base}: p50`, side.name, res.p50Ms);
    results.add(`${base}: p99`, side.name, res.p99Ms);
    if (res.errors > 0) results.note(`${base}: throughput`, `${side.name}: ${res.errors} errors in run ${r + 1} (${res.firstError})`);
    log(`  ${side.name} ${base} run ${r + 1}: ${Math.round(res.opsPerSec)} reads/s, p50 ${res.p50Ms.toFixed(2)} ms, p99 ${res.p99Ms.toFixed(2)} ms`);
  });
}

/** Runs `count` tasks with at most `parallel` in flight. */
async function runBounded(count: number, parallel: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function benchWatch(sides: Side[], s: Settings, results: ResultSet): Promise<void> {
  const base = `watch delivery, ${s.watchPutsPerSec} puts/s`;
  results.define(`${base}: p50`, 'ms', 'lower');
  results.define(`${base}: p99`, 'ms', 'lower');
  await interleaved(sides, s.runs, base, async (side, r) => {
    const res = await measureWatch(side.client, `/bench/watch/${r}/`, s.watchMs, s.watchPutsPerSec);
    results.add(`${base}: p50`, side.name, res.p50Ms);
    results.add(`${base}: p99`, side.name, res.p99Ms);
    if (res.delivered < res.sent) results.note(`${base}: p50`, `${side.name}: ${res.sent - res.delivered} of ${res.sent} events not delivered in run ${r + 1}`);
    log(`  ${side.name} ${base} run ${r + 1}: ${res.delivered}/${res.sent} delivered, p50 ${res.p50Ms.toFixed(2)} ms, p99 ${res.p99Ms.toFixed(2)} ms`);
  });
}

interface WatchResult {
  sent: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * One watcher on a prefix; a writer puts values carrying their send time (performance.now(), same
 * process, so one clock) at a fixed rate. Latency = receive time − send time.
 */
async function measureWatch(client: KvClient, prefix: string, durationMs: number, putsPerSec: number): Promise<WatchResult> {
  const latencies = new LatencyRecorder(4096);
  const sentinel = `${prefix}ready`;
  let live = false;
  const watcher = await client.watchPrefix(prefix, (key, value) => {
    const received = performance.now();
    if (key === sentinel) {
      live = true;
      return;
    }
    const sentAt = Number(value.slice(0, value.indexOf('|')));
    if (Number.isFinite(sentAt)) latencies.record(received - sentAt);
  });
  try {
    // The watch is live once it has seen one of our puts; bounded wait.
    for (let i = 0; i < 100 && !live; i++) {
      await client.put(sentinel, String(i));
      for (let j = 0; j < 10 && !live; j++) await sleep(10);
    }
    if (!live) throw new Error('watch never delivered the readiness put');
    const total = Math.max(1, Math.round((durationMs / 1000) * putsPerSec));
    const interval = 1000 / putsPerSec;
    const writes: Promise<void>[] = [];
    let failed = 0;
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) await sleep(wait);
      const sentAt = performance.now();
      const value = `${sentAt}|`.padEnd(256, 'w');
      // Open loop: the writer keeps its pace whatever each put's latency is.
      writes.push(client.put(`${prefix}${i % 50}`, value).then(
        () => undefined,
        () => void failed++,
      ));
    }
    await Promise.all(writes);
    const expected = total - failed;
    for (let i = 0; i < 500 && latencies.count < expected; i++) await sleep(10);
    const [p50, p99] = latencies.percentiles([50, 99]);
    return { sent: total, delivered: latencies.count, p50Ms: p50!, p99Ms: p99! };
  } finally {
    await watcher.stop();
  }
}

function measureRss(sides: Side[], results: ResultSet): void {
  const names = ['s0', 's1', 's2'];
  for (const name of names) results.define(`RSS ${name} after load`, 'MiB', 'lower');
  for (const side of sides) {
    if (!side.target || side.failed) continue;
    const cluster = side.target.cluster;
    const parts: string[] = [];
    cluster.members.forEach((m, i) => {
      const pid = cluster.pid(i);
      const rss = pid === undefined ? null : rssMiB(pid);
      if (rss !== null) results.add(`RSS ${m.name} after load`, side.name, rss);
      parts.push(`${m.name} ${rss === null ? '-' : rss.toFixed(1)} MiB`);
    });
    log(`  ${side.name} RSS after load: ${parts.join(', ')}`);
  }
}

async function benchFailover(sides: Side[], s: Settings, results: ResultSet): Promise<void> {
  const metric = 'leader SIGKILL → first successful write';
  results.define(metric, 'ms', 'lower');
  for (const side of sides) {
    if (!side.target || side.failed) continue;
    try {
      for (const ms of await measureFailover(side.target, s.kills)) results.add(metric, side.name, ms);
    } catch (err) {
      fail(side, 'leader kill', err);
    }
  }
  results.note(metric, `median of ${s.kills} kill${s.kills === 1 ? '' : 's'}; election timeout ${s.timings.electionMs} ms; a write every ${PROBE_INTERVAL_MS} ms`);
}

/** How often the leader-kill probe sends a write, and how long each may take. */
const PROBE_INTERVAL_MS = 25;
const PROBE_TIMEOUT_MS = 1000;

/**
 * Kills the leader with SIGKILL and times until a write through a client configured with every
 * endpoint succeeds; restarts the killed member and waits for a healthy cluster before the next.
 *
 * A write sent just after the kill may be forwarded to the dead leader and hang until its
 * deadline, even though the new leader is elected long before that. So the probe does not wait
 * for one write at a time: it sends a new one every PROBE_INTERVAL_MS, and the figure is when the
 * first of them succeeds — the recovery time to within the interval, whatever the deadline.
 */
async function measureFailover(target: StoreTarget, kills: number): Promise<number[]> {
  const probe = target.client({ timeoutMs: PROBE_TIMEOUT_MS, failoverProbe: true });
  const key = '/bench/failover';
  const times: number[] = [];
  try {
    for (let k = 0; k < kills; k++) {
      await target.cluster.waitHealthy(60_000);
      const leader = await target.leaderIndex();
      await probe.put(key, `before-${k}`); // connections warm, like a client that has been running
      const t0 = performance.now();
      const exited = target.cluster.killMember(leader);
      let firstOk: number | undefined;
      let lastError = '';
      const inFlight: Promise<void>[] = [];
      // Bounded: at most 30 s / interval writes, each settling within its deadline (+ retries).
      for (let i = 0; firstOk === undefined && performance.now() - t0 < 30_000; i++) {
        inFlight.push(
          probe.put(key, `after-${k}-${i}`).then(
            () => void (firstOk ??= performance.now()),
            (err: unknown) => void (lastError = err instanceof Error ? err.message : String(err)),
          ),
        );
        await sleep(PROBE_INTERVAL_MS);
      }
      await Promise.all(inFlight);
      await exited;
      if (firstOk === undefined) throw new Error(`no write succeeded within 30 s of killing the leader (last error: ${lastError})`);
      const ms = firstOk - t0;
      times.push(ms);
      log(`  ${target.name} kill ${k + 1}/${kills}: leader ${target.cluster.members[leader]!.name} killed, first write after ${Math.round(ms)} ms`);
      target.cluster.startMember(leader);
    }
    await target.cluster.waitHealthy(60_000);
    return times;
  } finally {
    await probe.close();
  }
}

function printReport(sides: Side[], s: Settings, results: ResultSet): void {
  const rows = results.rows();
  const names = { baseline: 'etcd', candidate: 'k8ts' };
  console.log('');
  for (const side of sides) {
    const status = side.failed ? `FAILED (${side.failed.split('\n')[0]})` : side.skipped ? side.skipped : side.target?.description ?? '';
    console.log(`${side.name}: ${status}`);
  }
  console.log(`each row: median of ${s.runs} run(s), ${s.warmupMs / 1000} s warm-up + ${s.windowMs / 1000} s, closed loop; ratio = k8ts/etcd`);
  console.log('');
  console.log(formatTable(rows, names));
  const targets = Object.fromEntries(
    sides.map((d) => [d.name, { status: d.failed ? 'failed' : d.skipped ? 'skipped' : 'ok', detail: d.failed ?? d.skipped ?? d.target?.description ?? '' }]),
  );
  const config = {
    runs: s.runs,
    warmupSeconds: s.warmupMs / 1000,
    secondsPerRow: s.windowMs / 1000,
    kills: s.kills,
    heartbeatMs: s.timings.heartbeatMs,
    electionMs: s.timings.electionMs,
    members: 3,
    fsync: true,
  };
  console.log(JSON.stringify({ bench: 'store', config, targets, rows: jsonRows(rows, names) }));
}
