// Child processes and temp dirs a benchmark owns, and the guarantee that they go away: every
// spawned process is killed and every temp dir removed on normal exit, on SIGINT/SIGTERM and on
// an uncaught error, so an interrupted benchmark leaves no cluster running behind it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpawnedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** Sends a signal; a no-op after exit. */
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let installed = false;

function cleanupSync(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Installs the exit/signal hooks once; called by everything below. */
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping every process it started\n`);
      const exits = [...children].map((c) => new Promise((resolve) => c.once('exit', resolve)));
      cleanupSync();
      // Let Node reap the killed children (no zombies left behind), bounded.
      const bound = new Promise((resolve) => setTimeout(resolve, 2000).unref());
      void Promise.race([Promise.all(exits), bound]).then(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}

/** Kills every tracked process and removes every tracked temp dir now. */
export function cleanupAll(): void {
  cleanupSync();
}

/** A fresh directory under the system temp dir, removed at exit. */
export function makeTempDir(prefix: string): string {
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Last `maxChars` of a log file, for error messages about a process that failed. */
export function tailOf(file: string, maxChars = 2000): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > maxChars ? `…${text.slice(-maxChars)}` : text;
  } catch {
    return '';
  }
}

/** Spawns `command args` with stdout and stderr appended to `logFile`, tracked for cleanup. */
export function spawnLogged(name: string, command: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = process.env): SpawnedProcess {
  installCleanup();
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['ignore', fd, fd], env });
  } finally {
    closeSync(fd);
  }
  children.add(child);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, sig) => {
      children.delete(child);
      resolve(code ?? sig ?? 'unknown');
    });
    child.once('error', (err) => {
      children.delete(child);
      resolve(`spawn error: ${err.message}`);
    });
  });
  if (child.pid === undefined) {
    // spawn failed synchronously (e.g. ENOENT); the 'error' event carries the reason.
    throw new Error(`could not start ${name} (${command}): see ${logFile}`);
  }
  const pid = child.pid;
  let done = false;
  void exited.then(() => (done = true));
  const proc: SpawnedProcess = {
    name,
    pid,
    logFile,
    exited,
    hasExited: () => done,
    signal(sig) {
      if (done) return;
      try {
        child.kill(sig);
      } catch {
        // Raced with exit.
      }
    },
    async stop(graceMs = 3000) {
      if (done) return;
      proc.signal('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          proc.signal('SIGKILL');
          resolve();
        }, graceMs);
      });
      await Promise.race([exited, killed]);
      clearTimeout(timer);
      await exited;
    },
  };
  return proc;
}

/** Resident set size of a live process in MiB, from /proc/<pid>/status (VmRSS); null if gone. */
export function rssMiB(pid: number): number | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  return parseVmRssMiB(status);
}

/** VmRSS from the text of /proc/<pid>/status, in MiB; null when the field is absent. */
export function parseVmRssMiB(statusText: string): number | null {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(statusText);
  return m ? Number(m[1]) / 1024 : null;
}
