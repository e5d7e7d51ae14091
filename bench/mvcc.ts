// Benchmark of the in-memory MVCC store at cluster scale: load N keys (~200-byte values, default
// 1M) through apply(), then list, update, compact, snapshot and restore. Prints a table and one JSON
// line. This is the evidence behind keeping the store's state in memory with snapshots.
//
//   node dist/bench/mvcc.js [--keys 1000000] [--value-bytes 200]
//   (add --expose-gc to node for steadier heap numbers)

import { MvccStore } from '../store/mvcc/store.js';

interface Row {
  step: string;
  ms: number;
  heapMiB: number;
  rssMiB: number;
  note: string;
}

let argv: string[] = [];

function flag(name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function settle(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

function measure<T>(rows: Row[], step: string, run: () => T, note: (result: T) => string = () => ''): T {
  settle();
  const start = performance.now();
  const result = run();
  const ms = Math.round(performance.now() - start);
  settle();
  const mem = process.memoryUsage();
  rows.push({ step, ms, heapMiB: mib(mem.heapUsed), rssMiB: mib(mem.rss), note: note(result) });
  return result;
}

/** Kubernetes-like key for the i-th object, spread over namespaces in a scrambled order. */
function keyOf(i: number, n: number): string {
  const j = (i * 7919) % n; // 7919 is prime and coprime to any n that is not a multiple of it
  return `/registry/pods/ns-${j % 200}/pod-${j.toString(36).padStart(6, '0')}`;
}

function valueOf(i: number, bytes: number): string {
  const head = `{"kind":"Pod","apiVersion":"v1","metadata":{"uid":"${i}"},"spec":"`;
  return head + 'x'.repeat(Math.max(0, bytes - head.length - 2)) + '"}';
}

export function runMvccBench(n: number, valueBytes: number): { rows: Row[]; snapshotBytes: number } {
  const rows: Row[] = [];
  let store = new MvccStore();
  measure(rows, `load ${n} keys (apply put)`, () => {
    for (let i = 0; i < n; i++) {
      const res = store.apply({ type: 'put', key: keyOf(i, n), value: valueOf(i, valueBytes) });
      if (res.type === 'error') throw new Error(`put failed: ${res.error.message}`);
    }
  }, () => `${Math.round(n / 1000)}k keys, rev ${store.currentRevision}`);

  measure(rows, 'count all keys', () => store.range({ key: '/registry/', prefix: true, countOnly: true }).count, (c) => `${c} keys`);
  measure(rows, 'list one namespace', () => store.range({ key: '/registry/pods/ns-7/', prefix: true }).kvs.length, (c) => `${c} pods`);
  measure(rows, 'first page of 500', () => store.range({ key: '/registry/pods/', prefix: true, limit: 500 }).more, () => 'count over all keys included');

  const updates = Math.min(n, 100_000);
  measure(rows, `update ${updates} keys`, () => {
    for (let i = 0; i < updates; i++) store.apply({ type: 'put', key: keyOf(i, n), value: valueOf(i + 1, valueBytes) });
  });
  measure(rows, 'compact', () => store.apply({ type: 'compact', revision: store.currentRevision }), () => `${store.indexedKeys} keys retained`);

  const chunks = measure(rows, 'snapshot', () => store.snapshot(), (c) => `${mib(c.reduce((s, b) => s + b.length, 0))} MiB in ${c.length} chunks`);
  const bytes = chunks.reduce((s, b) => s + b.length, 0);

  const revision = store.currentRevision;
  store = new MvccStore(); // drop the original so the restore is measured on its own
  store = measure(rows, 'restore', () => MvccStore.restore(chunks), (s) => `rev ${s.currentRevision}, ${s.indexedKeys} keys`);
  if (store.currentRevision !== revision) throw new Error('restore lost revisions');
  return { rows, snapshotBytes: bytes };
}

function printTable(rows: Row[]): void {
  const header = ['step', 'ms', 'heap MiB', 'RSS MiB', 'note'];
  const cells = rows.map((r) => [r.step, String(r.ms), String(r.heapMiB), String(r.rssMiB), r.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((s, i) => (i === 1 || i === 2 || i === 3 ? s.padStart(widths[i]!) : s.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

export const description = 'MVCC state machine at 1M keys: load time, RSS, snapshot and restore time';

/** `npm run bench -- mvcc [--keys N] [--value-bytes B]` */
export async function run(args: string[]): Promise<void> {
  argv = args;
  const n = flag('keys', 1_000_000);
  const valueBytes = flag('value-bytes', 200);
  const { rows, snapshotBytes } = runMvccBench(n, valueBytes);
  printTable(rows);
  console.log(JSON.stringify({ bench: 'mvcc', keys: n, valueBytes, snapshotBytes, node: process.version, rows }));
}
