// WAL group-commit micro-benchmark: N concurrent appenders, each appending one 256-byte entry at a
// time and waiting for it to be durable (fsync on). Prints a table and one JSON line.
//
//   npx tsc -p . && node dist/bench/wal.js [--seconds 2] [--dir /path/on/the/disk/to/measure]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Wal } from '../store/wal/wal.js';

const RECORD_BYTES = 256;
const CONCURRENCY = [1, 16, 64, 256];

interface Result {
  appenders: number;
  appends: number;
  seconds: number;
  appendsPerSec: number;
  fsyncsPerSec: number;
  appendsPerFsync: number;
  fsyncP50Ms: number;
  fsyncP99Ms: number;
}

let argv: string[] = process.argv.slice(2);

function flag(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1]! : fallback;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function runOne(root: string, appenders: number, seconds: number): Promise<Result> {
  const dir = await mkdtemp(join(root, 'k8ts-wal-bench-'));
  try {
    const fsyncMs: number[] = [];
    const { wal } = await Wal.open(dir, { onFsync: (s) => fsyncMs.push(s * 1000) });
    const data = Buffer.alloc(RECORD_BYTES, 0x61);
    let nextIndex = 1;
    const fsyncsBefore = wal.stats().fsyncs;
    fsyncMs.length = 0;
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const appender = async () => {
      // Bounded by time; the index is taken synchronously so entries stay contiguous.
      while (performance.now() < deadline) await wal.append([{ type: 'entry', index: nextIndex++, data }]);
    };
    await Promise.all(Array.from({ length: appenders }, appender));
    const elapsed = (performance.now() - start) / 1000;
    const appends = nextIndex - 1;
    const fsyncs = wal.stats().fsyncs - fsyncsBefore;
    await wal.close();
    fsyncMs.sort((a, b) => a - b);
    return {
      appenders,
      appends,
      seconds: Number(elapsed.toFixed(3)),
      appendsPerSec: Math.round(appends / elapsed),
      fsyncsPerSec: Math.round(fsyncs / elapsed),
      appendsPerFsync: Number((appends / Math.max(1, fsyncs)).toFixed(1)),
      fsyncP50Ms: Number(percentile(fsyncMs, 50).toFixed(3)),
      fsyncP99Ms: Number(percentile(fsyncMs, 99).toFixed(3)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const description = 'WAL group commit: appends/s and fsyncs/s at 1–256 concurrent appenders';

/** `npm run bench -- wal [--seconds N] [--dir DIR]` */
export async function run(args: string[]): Promise<void> {
  argv = args;
  const seconds = Number(flag('seconds', '2'));
  if (!(seconds > 0 && seconds <= 60)) throw new Error('--seconds must be in (0, 60]');
  const root = flag('dir', tmpdir());
  const results: Result[] = [];
  for (const n of CONCURRENCY) results.push(await runOne(root, n, seconds));

  const header = ['appenders', 'appends', 'seconds', 'appends/s', 'fsyncs/s', 'appends/fsync', 'fsync p50 ms', 'fsync p99 ms'];
  const rows = results.map((r) => [r.appenders, r.appends, r.seconds, r.appendsPerSec, r.fsyncsPerSec, r.appendsPerFsync, r.fsyncP50Ms, r.fsyncP99Ms].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(`WAL group commit, ${RECORD_BYTES} B entries, fsync on, ${seconds}s per row, dir ${root}`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log(JSON.stringify({ bench: 'wal', recordBytes: RECORD_BYTES, secondsPerRow: seconds, results }));
}
