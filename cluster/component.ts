// One component process (apiserver, scheduler, …) started by the launcher or a test: spawned
// with its log going to a file, waited for on an HTTP readiness URL, stopped by PID.
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
}

export class ComponentProcess {
  proc: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private log: WriteStream | undefined;

  constructor(readonly opts: ComponentOptions) {}

  start(): void {
    if (this.proc) return;
    const proc = spawn(process.execPath, [this.opts.main, ...this.opts.args], {
      stdio: ['ignore', this.opts.logFile ? 'pipe' : 'ignore', this.opts.logFile ? 'pipe' : 'ignore'],
      env: this.opts.env ?? process.env,
    });
    if (this.opts.logFile) {
      this.log = createWriteStream(this.opts.logFile, { flags: 'a' });
      proc.stdout?.pipe(this.log, { end: false });
      proc.stderr?.pipe(this.log, { end: false });
    }
    this.proc = proc;
    this.exited = new Promise((res) => proc.once('exit', (code) => res(code)));
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Waits until `url` answers 200; fails early if the process exits. */
  async waitReady(url: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () => {
        if (!this.proc || this.proc.exitCode !== null) throw new Error(`${this.opts.name} exited with code ${this.proc?.exitCode}`);
        const res = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 });
        await res.body.dump();
        return res.statusCode === 200;
      },
      { timeoutMs, intervalMs: 50, description: `${this.opts.name} ready at ${url}` },
    );
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.proc) return;
    this.proc.kill(signal);
    await this.exited;
    this.proc = undefined;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.proc) return;
    const proc = this.proc;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.proc = undefined;
    this.log?.end();
    this.log = undefined;
  }
}
