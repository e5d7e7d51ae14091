// `npm run bench -- NAME...`: runs the named benchmarks one after another; with no name, lists
// them. Each benchmark is a module next to this file exporting `run(args: string[])`; arguments
// from the first one that starts with '-' on are handed to every benchmark named before them.
//
//   node dist/bench/main.js                     list the benchmarks
//   node dist/bench/main.js store --quick       one benchmark, with its flags
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './lib/args.js';

export interface BenchModule {
  run(args: string[]): Promise<void>;
}

interface Entry {
  /** Module file, relative to this one once compiled. */
  file: string;
  what: string;
}

/** The registry: benchmark name → module. Add a row to add a benchmark. */
export const BENCHMARKS: Readonly<Record<string, Entry>> = {
  store: { file: './store.js', what: 'k8ts store vs real etcd 3.4 side by side (3 members each, fsync on): puts, reads, watch, leader kill, RSS' },
  wal: { file: './wal.js', what: 'WAL group commit: durable appends/s and fsync latency at 1..256 concurrent appenders' },
  apiserver: { file: './apiserver.js', what: 'apiserver over a 3-member store: create/get/list/update at 1/16/64 clients, 200 writes/s target, 1000-watcher fan-out' },
  client: { file: './client.js', what: 'informer cold sync of 10,000 pods, RSS and catch-up throughput: lib/informer vs @kubernetes/client-node side by side' },
  kubelet: { file: './kubelet.js', what: '1,000 pods on one node bound directly: create → Running p50/p99 and pods/s, kubelet + runtime RSS at 1,000 pods' },
  mvcc: { file: './mvcc.js', what: 'MVCC store in-process: put/range/watch throughput without raft or network' },
};

/** Splits argv into benchmark names and the flags that follow them. */
export function splitArgs(argv: readonly string[]): { names: string[]; flags: string[] } {
  const firstFlag = argv.findIndex((a) => a.startsWith('-'));
  const cut = firstFlag < 0 ? argv.length : firstFlag;
  return { names: argv.slice(0, cut), flags: argv.slice(cut) };
}

function listing(): string {
  const width = Math.max(...Object.keys(BENCHMARKS).map((n) => n.length));
  const lines = Object.entries(BENCHMARKS).map(([name, e]) => `  ${name.padEnd(width)}  ${e.what}`);
  return `usage: npm run bench -- NAME... [flags]   (NAME --help shows a benchmark's flags)\n\nbenchmarks:\n${lines.join('\n')}`;
}

async function load(name: string): Promise<BenchModule> {
  const entry = BENCHMARKS[name]!;
  const url = new URL(entry.file, import.meta.url);
  const path = fileURLToPath(url);
  if (!existsSync(path)) throw new UsageError(`benchmark ${name} is not built (${relative(process.cwd(), path)} missing)`);
  const mod = (await import(url.href)) as Partial<BenchModule>;
  if (typeof mod.run !== 'function') throw new UsageError(`benchmark ${name}: ${relative(process.cwd(), path)} does not export run(args)`);
  return mod as BenchModule;
}

export async function main(argv: readonly string[]): Promise<number> {
  const { names, flags } = splitArgs(argv);
  if (names.length === 0) {
    console.log(listing());
    return flags.length === 0 || flags.includes('--help') || flags.includes('-h') ? 0 : 2;
  }
  const unknown = names.filter((n) => !Object.hasOwn(BENCHMARKS, n));
  if (unknown.length > 0) {
    console.error(`unknown benchmark${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}\n\n${listing()}`);
    return 2;
  }
  for (const name of names) {
    const mod = await load(name);
    await mod.run([...flags]);
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

// Run only as the entry point, so tests can import the registry and splitArgs.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // A benchmark that leaves a handle open (a gRPC channel, a timer) must not hang the run.
      setTimeout(() => process.exit(), 5000).unref();
    },
    (err: unknown) => {
      console.error(err instanceof UsageError ? `bench: ${err.message}` : err);
      process.exitCode = err instanceof UsageError ? 2 : 1;
      setTimeout(() => process.exit(), 5000).unref();
    },
  );
}
