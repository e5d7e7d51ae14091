// One running component process (a store member, an apiserver, …): spawned with its output
// appended to a log file, probed on an HTTP readiness URL, signalled and stopped by its PID.
// Every live one is SIGKILLed if the launching process exits first, so no cluster outlives it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { request } from 'undici';
import { waitFor } from '../lib/util/wait.js';

export interface ComponentOptions {
  name: string;
  /** Path of the compiled entry point (dist/<component>/main.js). */
  main: string;
  args: string[];
  /** Log file; output is discarded when absent. */
  logFile?: string;
  env?: NodeJS.ProcessEnv;
  /** Called when the process exits (whoever caused it). */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

const live = new Set<ChildProcess>();
let exitHooked = false;

/** SIGKILLs every component process still running (at exit; a benchmark's signal handler). */
export function killLiveSync(): void {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export class ComponentProcess {
  proc: ChildProcess | undefined;
  /** When the current process was spawned (ms since the epoch). */
  startedAt = 0;
  private exited: Promise<number | null> | undefined;
  private log: WriteStream | undefined;

  constructor(readonly opts: ComponentOptions) {}

  get name(): string {
    return this.opts.name;
  }

  start(): void {
    if (this.proc) return;
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', killLiveSync);
    }
    const proc = spawn(process.execPath, [this.opts.main, ...this.opts.args], {
      stdio: ['ignore', this.opts.logFile ? 'pipe' : 'ignore', this.opts.logFile ? 'pipe' : 'ignore'],
      env: this.opts.env ?? process.env,
    });
    if (this.opts.logFile) {
      this.log ??= createWriteStream(this.opts.logFile, { flags: 'a' });
      proc.stdout?.pipe(this.log, { end: false });
      proc.stderr?.pipe(this.log, { end: false });
    }
    live.add(proc);
    this.proc = proc;
    this.startedAt = Date.now();
    this.exited = new Promise((res) =>
      proc.once('exit', (code, signal) => {
        live.delete(proc);
        if (this.proc === proc) this.proc = undefined;
        this.opts.onExit?.(code, signal);
        res(code);
      }),
    );
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  /** Resolves with the exit code once the current process has exited (at once when none runs). */
  waitExit(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  /**
   * Waits until `url` answers 200. Fails at once if the process exits meanwhile, unless
   * `exitIsFatal` is false (a supervisor will start it again).
   */
  async waitReady(url: string, timeoutMs = 30_000, exitIsFatal = true): Promise<void> {
    let exitedEarly: Promise<never> | undefined;
    let done = false;
    if (exitIsFatal) {
      if (!this.proc) throw new Error(`${this.opts.name} is not running`);
      exitedEarly = this.waitExit().then((code) => {
        throw new Error(`${this.opts.name} exited with code ${code} before it was ready${this.opts.logFile ? ` (see ${this.opts.logFile})` : ''}`);
      });
      exitedEarly.catch(() => undefined);
    }
    const probing = waitFor(
      async () => {
        if (done) return true;
        const res = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 });
        await res.body.dump();
        return res.statusCode === 200;
      },
      { timeoutMs, intervalMs: 50, description: `${this.opts.name} ready at ${url}` },
    );
    try {
      await (exitedEarly ? Promise.race([probing, exitedEarly]) : probing);
    } finally {
      // Ends the probe loop when the exit won the race.
      done = true;
      await probing.catch(() => undefined);
    }
  }

  /** Sends `signal` (SIGKILL: a crash) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    proc.kill(signal);
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; closes the log. */
  async stop(graceMs = 5000): Promise<void> {
    const proc = this.proc;
    if (proc) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    this.log?.end();
    this.log = undefined;
  }
}
