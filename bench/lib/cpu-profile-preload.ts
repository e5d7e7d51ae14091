// Preloaded into a server process (`NODE_OPTIONS=--import <this file>`) when a benchmark asks for
// CPU profiles: Node refuses --cpu-prof in NODE_OPTIONS, and the launchers in cluster/ take no node
// flags, so this starts the V8 sampling profiler through the in-process inspector instead and
// writes a .cpuprofile (open in Chrome DevTools or speedscope) when the process exits cleanly.
// Does nothing unless BENCH_CPU_PROF_DIR is set.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // A store member is named by its --name flag; anything else by its entry point's folder.
  const nameAt = process.argv.indexOf('--name');
  const label = nameAt > 0 && process.argv[nameAt + 1] ? process.argv[nameAt + 1]! : basename(dirname(process.argv[1] ?? 'node'));
  process.on('exit', () => {
    // The in-process inspector session answers synchronously, so this completes inside 'exit'.
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) {
        process.stderr.write(`cpu profile: ${err?.message ?? 'no profile'}\n`);
        return;
      }
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${label}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
