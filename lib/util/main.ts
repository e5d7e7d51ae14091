// The old entry-point shape, kept only for store/main.ts until the store moves onto the process
// harness (lib/component/run.ts runComponent); new components use the harness. Same exit codes.
import { EXIT, untilAborted } from '../component/run.js';

export { untilAborted };

export interface MainSpec<F extends { help: boolean }> {
  name: string;
  usage: string;
  parse(argv: string[]): F;
  run(flags: F, signal: AbortSignal): Promise<void>;
}

export async function runMain<F extends { help: boolean }>(spec: MainSpec<F>, argv = process.argv.slice(2)): Promise<void> {
  let flags: F;
  try {
    flags = spec.parse(argv);
  } catch (err) {
    process.stderr.write(`${spec.name}: ${(err as Error).message}\n\n${spec.usage}\n`);
    process.exit(EXIT.badFlags);
  }
  if (flags.help) {
    process.stdout.write(`${spec.usage}\n`);
    return;
  }
  const ac = new AbortController();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => ac.abort());
  try {
    await spec.run(flags, ac.signal);
  } catch (err) {
    process.stderr.write(`${spec.name}: ${(err as Error).message}\n`);
    process.exit(EXIT.failed);
  }
}
