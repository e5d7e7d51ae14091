// The client benchmark: our informer (lib/informer over lib/client, long-poll watches) against
// @kubernetes/client-node's informer (streaming watch), side by side on one real control plane
// (3-member store + apiserver), each in a process of its own (bench/lib/informer-probe.ts):
//   - cold sync: process start → the first list of N pods cached (default 10,000);
//   - RSS of the process holding that cache, after a GC;
//   - catch-up: both probes are stopped (SIGSTOP) while U pod updates are written (default 5,000),
//     then resumed; events/s from the resume until each has handled the last update, and the CPU
//     each spent per 1,000 events.
// Every row is the median of --runs runs; which probe starts first alternates between runs.
//
//   npm run bench -- client [--quick] [--pods N] [--updates N] [--runs N]
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { flagsHelp, parseFlags, type FlagSpec } from './lib/args.js';
import { BenchControlPlane } from './lib/control-plane.js';
import { cleanupAll, makeTempDir } from './lib/processes.js';
import { formatTable, jsonRows, makeRow } from './lib/report.js';
import { median } from './lib/stats.js';
import { KubeClient } from '../lib/client/client.js';

export const description = 'informer cold sync of 10,000 pods, RSS, and catch-up event throughput: lib/informer vs @kubernetes/client-node side by side';

const FLAGS: Record<string, FlagSpec> = {
  quick: { kind: 'boolean', help: 'smoke run: 1,000 pods, 500 updates, 1 run' },
  pods: { kind: 'number', min: 1, max: 100_000, help: 'pods in the informer cache (default 10000)' },
  updates: { kind: 'number', min: 1, max: 9_000, help: 'pod updates written while the probes are stopped (default 5000; below the watch window of 10000)' },
  runs: { kind: 'number', min: 1, max: 15, help: 'runs; each row reports their median (default 3)' },
  help: { kind: 'boolean', help: 'show this help' },
};

const NS = 'bench-informer';
const PROBE = fileURLToPath(new URL('./lib/informer-probe.js', import.meta.url));
// k8ts-stream: our informer on a streaming watch (what client-node uses) instead of long-poll.
const IMPLS = ['client-node', 'k8ts', 'k8ts-stream'] as const;
type Impl = (typeof IMPLS)[number];
const log = (line: string) => process.stderr.write(`${line}\n`);

/** A running probe and its JSON-line answers. */
class Probe {
  private readonly lines: unknown[] = [];
  private wake: (() => void) | undefined;
  readonly exited: Promise<void>;
  constructor(readonly impl: Impl, readonly proc: ChildProcess) {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      try {
        this.lines.push(JSON.parse(l));
      } catch {
        log(`${impl} probe: ${l}`);
      }
      this.wake?.();
    });
    proc.stderr!.on('data', (d: Buffer) => log(`${impl} probe: ${d.toString().trimEnd()}`));
    this.exited = new Promise((r) => proc.once('exit', () => r()));
  }
  static start(impl: Impl, url: string): Probe {
    return new Probe(impl, spawn(process.execPath, ['--expose-gc', PROBE, impl, url, NS], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }
  async next<T>(timeoutMs = 300_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.proc.exitCode !== null) throw new Error(`${this.impl} probe exited with code ${this.proc.exitCode}`);
      if (Date.now() > deadline) throw new Error(`${this.impl} probe: no answer within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 1000);
      });
    }
    return this.lines.shift() as T;
  }
  send(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }
  async stop(): Promise<void> {
    this.proc.stdin!.end();
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
  }
}

async function inParallel<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

interface RunResult {
  syncMs: number;
  rssMiB: number;
  catchUpEventsPerSec: number;
  cpuMsPer1000: number;
}

export async function run(args: string[]): Promise<void> {
  const f = parseFlags(args, FLAGS);
  if (f.help) {
    console.log(`usage: node dist/bench/main.js client [flags]\n${description}\n\n${flagsHelp(FLAGS)}`);
    return;
  }
  const quick = f.quick === true;
  const pods = (f.pods as number | undefined) ?? (quick ? 1000 : 10_000);
  const updates = (f.updates as number | undefined) ?? (quick ? 500 : 5000);
  const runs = (f.runs as number | undefined) ?? (quick ? 1 : 3);

  const root = makeTempDir('k8ts-bench-client-');
  const cp = await BenchControlPlane.start({ root, apiserverArgs: ['--log-level', 'warn'], log });
  const client = new KubeClient({ component: 'bench-client', config: { servers: [cp.url], namespace: NS }, qps: -1, timeoutMs: 120_000 });
  const results: Record<Impl, RunResult[]> = { k8ts: [], 'k8ts-stream': [], 'client-node': [] };
  try {
    await client.resource('namespaces').create({ metadata: { name: NS } });
    log(`client bench: creating ${pods} pods…`);
    const names = Array.from({ length: pods }, (_, i) => `p-${i}`);
    await inParallel(names, 32, async (name) => {
      await client.resource('pods').create({
        metadata: { name, namespace: NS, labels: { app: 'bench', shard: String(name.length % 7) } },
        spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      });
    });
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? IMPLS : [...IMPLS].reverse();
      const probes: Probe[] = [];
      try {
        const synced = new Map<Impl, { synced: number; items: number; rssMiB: number }>();
        // Cold syncs one at a time, so neither competes with the other for CPU.
        for (const impl of order) {
          const p = Probe.start(impl, cp.url);
          probes.push(p);
          const s = await p.next<{ synced: number; items: number; rssMiB: number }>();
          if (s.items !== pods) throw new Error(`${impl} cached ${s.items} pods, want ${pods}`);
          synced.set(impl, s);
        }
        for (const p of probes) p.send('mark');
        for (const p of probes) await p.next();
        for (const p of probes) p.proc.kill('SIGSTOP');
        let lastRv = 0;
        let i = 0;
        await inParallel(Array.from({ length: updates }, () => i++), 32, async (n) => {
          const out = await client.resource('pods').patch(names[n % pods]!, 'merge', { metadata: { annotations: { 'bench.k8ts.io/n': `${r}-${n}` } } }, { namespace: NS });
          lastRv = Math.max(lastRv, Number(out.metadata.resourceVersion));
        });
        for (const p of probes) p.proc.kill('SIGCONT');
        for (const p of probes) p.send(`until ${lastRv}`);
        for (const p of probes) {
          const c = await p.next<{ caughtUpMs: number; cpuMs: number; events: number }>();
          // Every update changes its pod (the value names the run), so each must reach the informer.
          if (c.events < updates) throw new Error(`${p.impl} handled ${c.events} events, want ${updates}`);
          const s = synced.get(p.impl)!;
          results[p.impl].push({ syncMs: s.synced, rssMiB: s.rssMiB, catchUpEventsPerSec: updates / (c.caughtUpMs / 1000), cpuMsPer1000: (c.cpuMs / Math.max(1, c.events)) * 1000 });
          log(`run ${r + 1}/${runs} ${p.impl}: sync ${s.synced.toFixed(0)} ms, RSS ${s.rssMiB.toFixed(0)} MiB, catch-up ${c.caughtUpMs.toFixed(0)} ms for ${c.events} events, CPU ${c.cpuMs.toFixed(0)} ms`);
        }
      } finally {
        for (const p of probes) p.proc.kill('SIGCONT');
        await Promise.all(probes.map((p) => p.stop()));
      }
    }
  } finally {
    await client.close();
    await cp.stop();
    cleanupAll();
  }
  const med = (impl: Impl, k: keyof RunResult) => median(results[impl].map((x) => x[k]));
  const names = { baseline: 'client-node', candidate: 'k8ts' };
  const rows = [
    makeRow(`cold sync, ${pods} pods`, 'ms', 'lower', med('client-node', 'syncMs'), med('k8ts', 'syncMs')),
    makeRow('RSS holding the cache', 'MiB', 'lower', med('client-node', 'rssMiB'), med('k8ts', 'rssMiB'), 'after a GC'),
    makeRow(`catch-up after ${updates} updates`, 'events/s', 'higher', med('client-node', 'catchUpEventsPerSec'), med('k8ts', 'catchUpEventsPerSec'), 'from resume to the last update handled'),
    makeRow('CPU per 1000 events', 'ms', 'lower', med('client-node', 'cpuMsPer1000'), med('k8ts', 'cpuMsPer1000')),
    makeRow(`catch-up after ${updates} updates, streaming`, 'events/s', 'higher', med('client-node', 'catchUpEventsPerSec'), med('k8ts-stream', 'catchUpEventsPerSec'), 'k8ts informer on a streaming watch'),
    makeRow('CPU per 1000 events, streaming', 'ms', 'lower', med('client-node', 'cpuMsPer1000'), med('k8ts-stream', 'cpuMsPer1000'), 'k8ts informer on a streaming watch'),
  ];
  console.log(formatTable(rows, names));
  console.log(JSON.stringify({ bench: 'client', config: { pods, updates, runs }, rows: jsonRows(rows, names) }));
}
