// The processes of one container: each a Program run against a ProcessContext (process.ts) that
// this host implements — spawn through the container's program table, signals with PID-1
// semantics, a `killed` signal, sockets on the pod IP closed at exit, shared usage accounting.
// As in a PID namespace, when a process ends its children go with it, and when the container's
// main process ends every process of the container does.
import type { Readable } from 'node:stream';
import type { Clock } from '../../../lib/util/clock.js';
import { CommandNotFoundError, SIGNAL_NUMBER, programName, type ContainerFS, type OutputSink, type Program, type ProcessContext, type Signal, type Usage } from './process.js';
import { ProcessNetwork } from './network.js';
import type { ContainerResolver } from './resolver.js';

export interface ContainerProcessesDeps {
  clock: Clock;
  /** The program a name runs in this container (its image's binaries and the sh subset). */
  lookup(name: string): Program | undefined;
  /** Entrypoint scripts that exec "$@" (see images/types.ts). */
  execWrappers: ReadonlyMap<string, (argv: readonly string[], io: { stdout: OutputSink; stderr: OutputSink }) => void>;
  fs: ContainerFS;
  podIP: string;
  resolver: ContainerResolver;
  usage: Usage;
  hostname: string;
}

export interface StartOptions {
  stdin: Readable | null;
  stdout: OutputSink;
  stderr: OutputSink;
  env: Readonly<Record<string, string>>;
  cwd: string;
  pid1: boolean;
}

/** Exit status of a process killed by SIGKILL. */
export const KILLED_EXIT = 128 + SIGNAL_NUMBER.KILL;

export class HostedProcess {
  readonly exit: Promise<number>;
  private resolveExit!: (code: number) => void;
  private readonly abort = new AbortController();
  private readonly handlers = new Map<Signal, () => void>();
  private readonly children = new Set<HostedProcess>();
  private readonly net: ProcessNetwork;
  private code: number | null = null;

  constructor(
    private readonly group: ContainerProcesses,
    argv: readonly string[],
    program: Program,
    private readonly options: StartOptions,
    deps: ContainerProcessesDeps,
  ) {
    this.exit = new Promise((resolve) => (this.resolveExit = resolve));
    this.net = new ProcessNetwork(deps.podIP, deps.resolver);
    const ctx: ProcessContext = {
      argv: [...argv],
      env: { ...options.env },
      cwd: options.cwd,
      hostname: deps.hostname,
      pid1: options.pid1,
      stdin: options.stdin,
      stdout: options.stdout,
      stderr: options.stderr,
      fs: deps.fs,
      net: this.net,
      usage: deps.usage,
      clock: deps.clock,
      killed: this.abort.signal,
      onSignal: (signal, handler) => void this.handlers.set(signal, handler),
      spawn: async (childArgv, io) => {
        if (this.code !== null) return KILLED_EXIT;
        const child = this.group.start(childArgv, { stdin: io.stdin ?? null, stdout: io.stdout, stderr: io.stderr, env: io.env ?? ctx.env, cwd: io.cwd ?? ctx.cwd, pid1: false });
        this.children.add(child);
        void child.exit.then(() => this.children.delete(child));
        return child.exit;
      },
    };
    // Run on a later tick so the caller holds the handle before the program can exit.
    void Promise.resolve()
      .then(() => program(ctx))
      .then(
        (code) => this.finish(Number.isInteger(code) ? (code & 0xff) : 1),
        (err: unknown) => {
          if (this.code === null) options.stderr.write(`${programName(argv[0] ?? '')}: ${(err as Error)?.message ?? String(err)}\n`);
          this.finish(1);
        },
      );
  }

  get exited(): boolean {
    return this.code !== null;
  }

  get exitCode(): number | null {
    return this.code;
  }

  /** Delivers a signal: a handler runs; without one TERM/INT/HUP end the process, unless it is PID 1. */
  signal(sig: Signal): void {
    if (this.code !== null) return;
    if (sig === 'KILL') return this.kill();
    const handler = this.handlers.get(sig);
    if (handler) {
      try {
        handler();
      } catch {
        // A throwing handler is the program's bug; the process carries on as a real one would.
      }
      return;
    }
    if (!this.options.pid1) this.finish(128 + SIGNAL_NUMBER[sig]);
  }

  kill(): void {
    this.finish(KILLED_EXIT);
  }

  private finish(code: number): void {
    if (this.code !== null) return;
    this.code = code;
    // `killed` fires on every exit, so timers and sockets a program left behind stop with it.
    this.abort.abort(new Error('process exited'));
    this.net.closeAll();
    for (const child of this.children) child.kill();
    this.group.forget(this);
    this.resolveExit(code);
  }
}

export class ContainerProcesses {
  private readonly live = new Set<HostedProcess>();

  constructor(private readonly deps: ContainerProcessesDeps) {}

  /** Starts argv; throws CommandNotFoundError when no program answers to argv[0]. */
  start(argv: readonly string[], options: StartOptions): HostedProcess {
    let args = [...argv];
    for (let wrapper = this.deps.execWrappers.get(programName(args[0] ?? '')); wrapper; wrapper = this.deps.execWrappers.get(programName(args[0] ?? ''))) {
      wrapper(args, options);
      args = args.slice(1);
    }
    if (args.length === 0) return this.run([], async () => 0, options);
    const program = this.deps.lookup(programName(args[0]!));
    if (!program) throw new CommandNotFoundError(args[0]!);
    return this.run(args, program, options);
  }

  private run(argv: readonly string[], program: Program, options: StartOptions): HostedProcess {
    const p = new HostedProcess(this, argv, program, options, this.deps);
    this.live.add(p);
    return p;
  }

  forget(p: HostedProcess): void {
    this.live.delete(p);
  }

  /** The container is gone (main process exited, killed, sandbox stopped): every process ends. */
  killAll(): void {
    for (const p of [...this.live]) p.kill();
  }

  count(): number {
    return this.live.size;
  }
}
