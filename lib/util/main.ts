// The shape every process entry point shares (kwok/k3s style): parse flags (exit 2 with usage on
// bad ones), --help, run until SIGTERM/SIGINT aborts the signal, exit 1 with a clear line on failure.

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
    process.exit(2);
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
    process.exit(1);
  }
}

/** Resolves when the signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
