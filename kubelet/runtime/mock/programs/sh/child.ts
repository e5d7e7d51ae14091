// Running a command of the table inside sh's process: the child gets a ProcessContext derived from
// the container's (same fs, net, clock, usage) with its own argv, env, cwd, stdio and an abort
// signal sh controls, so a trap, a broken pipe or the container's death stops it at once.
import type { OutputSink, ProcessContext, Program } from '../../process.js';
import type { Readable } from 'node:stream';
import { signalStatus, whenAborted } from './control.js';

export interface Io {
  stdin: Readable | null;
  stdout: OutputSink;
  stderr: OutputSink;
}

export interface ChildSpec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  io: Io;
  killed: AbortSignal;
}

export function childContext(parent: ProcessContext, spec: ChildSpec): ProcessContext {
  return {
    argv: spec.argv,
    env: spec.env,
    cwd: spec.cwd,
    hostname: parent.hostname,
    // Only the container's first process is PID 1; signals are delivered to it alone.
    pid1: false,
    stdin: spec.io.stdin,
    stdout: spec.io.stdout,
    stderr: spec.io.stderr,
    fs: parent.fs,
    net: parent.net,
    usage: parent.usage,
    clock: parent.clock,
    killed: spec.killed,
    onSignal: () => undefined,
    spawn: (argv, io) => parent.spawn(argv, io),
  };
}

/**
 * Runs `program` as a child and returns its exit status: 128+n when its signal aborted it (at
 * once, even if the program is slow to notice), 1 with `<name>: <message>` when it threw.
 */
export async function runChild(parent: ProcessContext, program: Program, spec: ChildSpec): Promise<number> {
  const aborted = whenAborted(spec.killed);
  try {
    const status = await Promise.race([program(childContext(parent, spec)), aborted.promise]);
    return spec.killed.aborted ? signalStatus(spec.killed.reason) : status;
  } catch (err) {
    if (spec.killed.aborted) return signalStatus(spec.killed.reason);
    const name = spec.argv[0] ?? '';
    spec.io.stderr.write(`${name.slice(name.lastIndexOf('/') + 1)}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    aborted.cancel();
  }
}
