// The interpreter: walks the syntax tree with the shell's state (variables, positional
// parameters, functions, options, cwd, traps), runs builtins in place, table commands as children
// in this process, and anything else (image binaries) through ctx.spawn.
import { stat } from 'node:fs/promises';
import { CommandNotFoundError, SIGNAL_NUMBER, programName, type ProcessContext, type ProgramTable, type Signal } from '../../process.js';
import { containerPath } from '../files.js';
import { AbortedError, LinkedAbort, Pipe, StringSink } from '../io.js';
import type { AndOr, Command, List, Pipeline, Redirect } from './ast.js';
import { BUILTINS } from './builtins.js';
import { runChild, type Io } from './child.js';
import { ExitSignal, LoopControl, ReturnSignal, signalStatus, whenAborted } from './control.js';
import { ExpansionError, Expander } from './expand.js';
import { glob } from './glob.js';
import { matchPattern } from './pattern.js';
import { applyRedirects, RedirectError } from './redirect.js';
import { parseScript } from './parser.js';

export interface ShellOptions {
  errexit: boolean;
  xtrace: boolean;
  noglob: boolean;
}

/** Trap actions and signals waiting to run them; only the top-level shell receives signals. */
export class TrapState {
  readonly actions = new Map<string, string>();
  readonly pending: string[] = [];
  /** Aborted when a trapped signal arrives: the running child stops so the trap runs at once. */
  interrupt = new AbortController();
}

/** Yield to the event loop every so many loop iterations, so timers and signals still run. */
const YIELD_EVERY = 64;

export class Shell {
  vars = new Map<string, string>();
  exported = new Set<string>();
  functions = new Map<string, Command>();
  positional: string[];
  status = 0;
  options: ShellOptions = { errexit: false, xtrace: false, noglob: false };
  cwd: string;
  traps = new TrapState();
  readonly background = new Set<Promise<number>>();
  lastBackgroundPid = '';
  private conditionDepth = 0;
  private loopDepth = 0;
  private iterations = 0;
  private readonly localFrames: Array<Map<string, string | undefined>> = [];
  private commandSubstitutionStatus: number | undefined;
  readonly expander: Expander;

  constructor(
    readonly ctx: ProcessContext,
    readonly table: ProgramTable,
    public arg0: string,
    positional: string[],
    /** This shell's own abort: the container's for the top level, a linked one for subshells. */
    readonly killed: AbortSignal,
    readonly topLevel: boolean,
  ) {
    this.positional = positional;
    this.cwd = ctx.cwd || '/';
    for (const [k, v] of Object.entries(ctx.env)) {
      this.vars.set(k, v);
      this.exported.add(k);
    }
    if (!this.vars.has('IFS')) this.vars.set('IFS', ' \t\n');
    this.vars.set('PWD', this.cwd);
    this.expander = new Expander({
      param: (name) => this.param(name),
      setVar: (name, value) => this.setVar(name, value),
      positional: () => this.positional,
      commandSubstitution: (body) => this.commandSubstitution(body),
      glob: (pattern) => glob(this.ctx.fs, this.cwd, pattern),
      noglob: () => this.options.noglob,
    });
  }

  /** `$$`: PID 1 for the container's first process, a stable made-up number otherwise. */
  pid(): string {
    return this.ctx.pid1 ? '1' : '7';
  }

  param(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return this.pid();
      case '#':
        return String(this.positional.length);
      case '!':
        return this.lastBackgroundPid;
      case '-':
        return (this.options.errexit ? 'e' : '') + (this.options.xtrace ? 'x' : '') + (this.options.noglob ? 'f' : '');
      case '0':
        return this.arg0;
    }
    if (/^\d+$/.test(name)) return this.positional[Number(name) - 1];
    return this.vars.get(name);
  }

  setVar(name: string, value: string): void {
    this.vars.set(name, value);
    if (name === 'PWD') this.cwd = value;
  }

  /** The environment children see: exported variables plus the command's own assignments. */
  environment(extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of this.exported) {
      const v = this.vars.get(name);
      if (v !== undefined) env[name] = v;
    }
    return { ...env, ...extra };
  }

  /** A copy of this shell for `( … )`, `$( … )` and pipeline stages; traps are not inherited. */
  subshell(extraAborts: AbortSignal[] = []): { shell: Shell; dispose(): void } {
    const link = new LinkedAbort([this.killed, this.traps.interrupt.signal, ...extraAborts]);
    const sub = new Shell(this.ctx, this.table, this.arg0, [...this.positional], link.signal, false);
    sub.vars = new Map(this.vars);
    sub.exported = new Set(this.exported);
    sub.functions = new Map(this.functions);
    sub.options = { ...this.options };
    sub.cwd = this.cwd;
    sub.status = this.status;
    return { shell: sub, dispose: () => link.dispose() };
  }

  /** A signal for one child: aborted when this shell dies or a trapped signal interrupts. */
  childAbort(extra: AbortSignal[] = []): LinkedAbort {
    return new LinkedAbort([this.killed, this.traps.interrupt.signal, ...extra]);
  }

  checkKilled(): void {
    if (this.killed.aborted) throw new AbortedError(this.killed.reason);
  }

  error(io: Io, message: string): void {
    io.stderr.write(`sh: ${message}\n`);
  }

  // ---- lists ----

  async runList(list: List, io: Io): Promise<number> {
    let status = this.status;
    for (const item of list.items) {
      this.checkKilled();
      if (item.background) {
        this.startBackground(item.andOr, io);
        status = 0;
      } else status = await this.runAndOr(item.andOr, io);
      this.status = status;
      await this.serviceTraps(io);
    }
    return status;
  }

  private startBackground(andOr: AndOr, io: Io): void {
    const { shell, dispose } = this.subshell();
    const job = shell
      .runAndOr(andOr, { ...io, stdin: null })
      .catch((err) => (err instanceof ExitSignal ? err.status : signalStatus(shell.killed.reason)))
      .finally(() => {
        dispose();
        this.background.delete(job);
      });
    this.background.add(job);
    this.lastBackgroundPid = String(100 + this.background.size);
  }

  async runAndOr(andOr: AndOr, io: Io): Promise<number> {
    let status = await this.runPipeline(andOr.first, io, andOr.rest.length > 0);
    for (let i = 0; i < andOr.rest.length; i++) {
      const { op, pipeline } = andOr.rest[i]!;
      if ((op === '&&') === (status === 0)) status = await this.runPipeline(pipeline, io, i < andOr.rest.length - 1);
    }
    this.status = status;
    return status;
  }

  private async runPipeline(p: Pipeline, io: Io, inCondition: boolean): Promise<number> {
    const guarded = inCondition || p.negated;
    if (guarded) this.conditionDepth++;
    let status: number;
    try {
      status = p.commands.length === 1 ? await this.runCommand(p.commands[0]!, io) : await this.runStages(p.commands, io);
    } finally {
      if (guarded) this.conditionDepth--;
    }
    if (p.negated) status = status === 0 ? 1 : 0;
    this.status = status;
    if (status !== 0 && this.options.errexit && !guarded && this.conditionDepth === 0) throw new ExitSignal(status);
    return status;
  }

  /** `a | b | c`: every stage a subshell, running at once, stdout piped to the next stdin. */
  private async runStages(commands: Command[], io: Io): Promise<number> {
    const pipes = commands.slice(1).map(() => new Pipe());
    const stages = commands.map(async (command, i) => {
      const broken = new AbortController();
      if (i < pipes.length) pipes[i]!.onBroken = () => broken.abort('PIPE');
      const { shell, dispose } = this.subshell([broken.signal]);
      const stageIo: Io = { stdin: i === 0 ? io.stdin : pipes[i - 1]!.readable, stdout: i < pipes.length ? pipes[i]!.sink : io.stdout, stderr: io.stderr };
      try {
        return await shell.runCommand(command, stageIo);
      } catch (err) {
        if (err instanceof ExitSignal) return err.status;
        if (shell.killed.aborted) return signalStatus(shell.killed.reason);
        throw err;
      } finally {
        dispose();
        if (i < pipes.length) pipes[i]!.endWriter();
        if (i > 0) pipes[i - 1]!.closeReader();
      }
    });
    const statuses = await Promise.all(stages);
    this.checkKilled();
    return statuses[statuses.length - 1]!;
  }

  // ---- commands ----

  async runCommand(command: Command, io: Io): Promise<number> {
    switch (command.kind) {
      case 'simple':
        return this.runSimple(command, io);
      case 'function':
        this.functions.set(command.name, command.body);
        return 0;
    }
    return this.withRedirects(command.redirects, io, (redirected) => this.runCompound(command, redirected));
  }

  /** Runs `body` with the redirections applied; a redirection that fails prints why and gives 1. */
  private async withRedirects(redirects: Redirect[], io: Io, body: (io: Io) => Promise<number>): Promise<number> {
    let redirected: Awaited<ReturnType<typeof applyRedirects>>;
    try {
      redirected = await applyRedirects(this, redirects, io);
    } catch (err) {
      if (err instanceof RedirectError || err instanceof ExpansionError) {
        this.error(io, err.message);
        return 1;
      }
      throw err;
    }
    try {
      return await body(redirected.io);
    } finally {
      redirected.close();
    }
  }

  private async runCompound(command: Exclude<Command, { kind: 'simple' | 'function' }>, io: Io): Promise<number> {
    switch (command.kind) {
      case 'group':
        return this.runList(command.body, io);
      case 'subshell':
        return this.runSubshell(command.body, io);
      case 'if': {
        for (const clause of command.clauses) {
          if ((await this.condition(clause.cond, io)) === 0) return this.runList(clause.body, io);
        }
        return command.otherwise ? this.runList(command.otherwise, io) : 0;
      }
      case 'loop':
        return this.runLoop(async () => ((await this.condition(command.cond, io)) === 0) !== command.until, command.body, io);
      case 'for': {
        const items = command.items ? await this.expander.words(command.items) : [...this.positional];
        let i = 0;
        return this.runLoop(
          async () => {
            if (i >= items.length) return false;
            this.setVar(command.name, items[i++]!);
            return true;
          },
          command.body,
          io,
        );
      }
      case 'case': {
        const subject = await this.expander.string(command.subject);
        for (const arm of command.arms) {
          for (const p of arm.patterns) if (matchPattern(await this.expander.pattern(p), subject)) return this.runList(arm.body, io);
        }
        return 0;
      }
    }
  }

  private async condition(list: List, io: Io): Promise<number> {
    this.conditionDepth++;
    try {
      return await this.runList(list, io);
    } finally {
      this.conditionDepth--;
    }
  }

  /** while/until/for: `next()` decides whether to run the body again. */
  private async runLoop(next: () => Promise<boolean>, body: List, io: Io): Promise<number> {
    let status = 0;
    this.loopDepth++;
    try {
      while (await next()) {
        if (++this.iterations % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        this.checkKilled();
        try {
          status = await this.runList(body, io);
        } catch (err) {
          if (!(err instanceof LoopControl)) throw err;
          if (err.levels > 1) {
            err.levels--;
            throw err;
          }
          if (err.kind === 'break') break;
        }
      }
    } finally {
      this.loopDepth--;
    }
    return status;
  }

  /** break/continue: only inside a loop (elsewhere they do nothing, as in ash). */
  loopControl(kind: 'break' | 'continue', levels: number): number {
    if (this.loopDepth === 0) return 0;
    throw new LoopControl(kind, Math.min(levels, this.loopDepth));
  }

  async runSubshell(body: List, io: Io): Promise<number> {
    const { shell, dispose } = this.subshell();
    try {
      return await shell.runList(body, io);
    } catch (err) {
      if (err instanceof ExitSignal) return err.status;
      if (shell.killed.aborted && !this.killed.aborted) return signalStatus(shell.killed.reason);
      throw err;
    } finally {
      dispose();
    }
  }

  private async commandSubstitution(body: List): Promise<string> {
    const out = new StringSink();
    const status = await this.runSubshell(body, { stdin: null, stdout: out, stderr: this.currentStderr });
    this.commandSubstitutionStatus = status;
    return out.text();
  }

  /** Where `$(…)`'s errors go: the stderr of the command being expanded. */
  private currentStderr: Io['stderr'] = { write: (c) => this.ctx.stderr.write(c) };

  private async runSimple(command: Extract<Command, { kind: 'simple' }>, io: Io): Promise<number> {
    this.currentStderr = io.stderr;
    this.commandSubstitutionStatus = undefined;
    let argv: string[];
    const assigns: Record<string, string> = {};
    try {
      argv = await this.expander.words(command.words);
      for (const a of command.assigns) assigns[a.name] = await this.expander.string(a.value);
    } catch (err) {
      if (err instanceof ExpansionError) {
        this.error(io, err.message);
        // A non-interactive shell exits on an expansion error, as ash does.
        throw new ExitSignal(2);
      }
      throw err;
    }
    if (this.options.xtrace && (argv.length > 0 || command.assigns.length > 0)) {
      const shown = [...Object.entries(assigns).map(([k, v]) => `${k}=${v}`), ...argv];
      io.stderr.write(`+ ${shown.join(' ')}\n`);
    }
    return this.withRedirects(command.redirects, io, async (redirected) => {
      if (argv.length === 0) {
        for (const [k, v] of Object.entries(assigns)) this.setVar(k, v);
        return this.commandSubstitutionStatus ?? 0;
      }
      return this.dispatch(argv, assigns, redirected);
    });
  }

  /** Builtins first, then functions, then the command table, then the container's programs. */
  async dispatch(argv: string[], assigns: Record<string, string>, io: Io): Promise<number> {
    const name = argv[0]!;
    const builtin = BUILTINS.get(name);
    if (builtin) {
      for (const [k, v] of Object.entries(assigns)) this.setVar(k, v);
      return builtin(this, argv, io);
    }
    const fn = this.functions.get(name);
    if (fn) return this.callFunction(fn, argv, io);
    return this.runExternal(argv, this.environment(assigns), io);
  }

  private async callFunction(body: Command, argv: string[], io: Io): Promise<number> {
    const saved = this.positional;
    this.positional = argv.slice(1);
    const frame = new Map<string, string | undefined>();
    this.localFrames.push(frame);
    try {
      return await this.runCommand(body, io);
    } catch (err) {
      if (err instanceof ReturnSignal) return err.status;
      throw err;
    } finally {
      this.positional = saved;
      this.localFrames.pop();
      for (const [name, value] of frame) {
        if (value === undefined) this.vars.delete(name);
        else this.vars.set(name, value);
      }
    }
  }

  /** `local NAME`: its value is restored when the function returns; false outside functions. */
  declareLocal(name: string): boolean {
    const frame = this.localFrames[this.localFrames.length - 1];
    if (!frame) return false;
    if (!frame.has(name)) frame.set(name, this.vars.get(name));
    return true;
  }

  async runExternal(argv: string[], env: Record<string, string>, io: Io): Promise<number> {
    const name = argv[0]!;
    const link = this.childAbort();
    try {
      // A path to a file in the container (`./run.sh`, `/scripts/start`) runs as a shell script.
      if (name.includes('/') && (await this.isScript(name))) {
        const sh = this.table.get('sh')!;
        return await runChild(this.ctx, sh, { argv: ['sh', ...argv], env, cwd: this.cwd, io, killed: link.signal });
      }
      const program = this.table.get(programName(name));
      if (program) return await runChild(this.ctx, program, { argv, env, cwd: this.cwd, io, killed: link.signal });
      return await this.spawnInContainer(argv, env, io, link.signal);
    } finally {
      link.dispose();
    }
  }

  private async isScript(path: string): Promise<boolean> {
    try {
      return (await stat(this.ctx.fs.resolve(containerPath(this.cwd, path)))).isFile();
    } catch {
      return false;
    }
  }

  /** A program the runtime knows and this table does not (an image's binary). */
  private async spawnInContainer(argv: string[], env: Record<string, string>, io: Io, signal: AbortSignal): Promise<number> {
    const aborted = whenAborted(signal);
    try {
      return await Promise.race([this.ctx.spawn(argv, { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, env, cwd: this.cwd }), aborted.promise]);
    } catch (err) {
      if (err instanceof CommandNotFoundError) {
        this.error(io, `${argv[0]}: not found`);
        return 127;
      }
      if (signal.aborted) return signalStatus(signal.reason);
      this.error(io, `${argv[0]}: ${err instanceof Error ? err.message : String(err)}`);
      return 126;
    } finally {
      aborted.cancel();
    }
  }

  // ---- signals and traps ----

  /** `trap ACTION SIG`: '' ignores, undefined restores the default. */
  setTrap(signal: string, action: string | undefined): void {
    if (action === undefined) this.traps.actions.delete(signal);
    else this.traps.actions.set(signal, action);
    if (this.topLevel && signal !== 'EXIT') this.ctx.onSignal(signal as Exclude<Signal, 'KILL'>, () => this.deliver(signal));
  }

  private deliver(signal: string): void {
    const action = this.traps.actions.get(signal);
    if (action === '') return;
    // Back to the default after `trap - SIG`: PID 1 ignores it, any other process ends.
    if (action === undefined && this.ctx.pid1) return;
    this.traps.pending.push(signal);
    this.traps.interrupt.abort(signal);
  }

  /** Runs the traps of signals that arrived, between commands. */
  async serviceTraps(io: Io): Promise<void> {
    while (this.traps.pending.length > 0) {
      const signal = this.traps.pending.shift()!;
      if (this.traps.interrupt.signal.aborted) this.traps.interrupt = new AbortController();
      const action = this.traps.actions.get(signal);
      if (action === undefined) throw new ExitSignal(128 + (SIGNAL_NUMBER[signal as Signal] ?? 0));
      const saved = this.status;
      await this.runList(parseScript(action), io);
      this.status = saved;
    }
  }

  /** The EXIT trap, once, when the shell ends. */
  async runExitTrap(io: Io): Promise<void> {
    const action = this.traps.actions.get('EXIT');
    if (!action) return;
    this.traps.actions.delete('EXIT');
    await this.runList(parseScript(action), io);
  }
}
