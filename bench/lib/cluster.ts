// A cluster of member processes on loopback that a benchmark can start, SIGKILL one member of,
// restart with the same data dir, and wait on until every member reports healthy.
import { join } from 'node:path';
import { spawnLogged, tailOf, type SpawnedProcess } from './processes.js';

export interface MemberSpec {
  name: string;
  command: string;
  args: string[];
  /** Base URL clients use, e.g. http://127.0.0.1:23790. */
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
}

/** Answers true when one member is up and serving (with a leader). Errors count as "not yet". */
export type HealthCheck = (member: MemberSpec) => Promise<boolean>;

export class ProcessCluster {
  private readonly procs: (SpawnedProcess | undefined)[];

  constructor(
    readonly label: string,
    readonly members: readonly MemberSpec[],
    private readonly healthy: HealthCheck,
    private readonly logDir: string,
  ) {
    this.procs = members.map(() => undefined);
  }

  get clientUrls(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  logFile(i: number): string {
    return join(this.logDir, `${this.members[i]!.name}.log`);
  }

  startMember(i: number): SpawnedProcess {
    const m = this.member(i);
    if (this.procs[i] && !this.procs[i]!.hasExited()) throw new Error(`${this.label} ${m.name} is already running`);
    const proc = spawnLogged(`${this.label} ${m.name}`, m.command, m.args, this.logFile(i));
    this.procs[i] = proc;
    return proc;
  }

  startAll(): void {
    for (let i = 0; i < this.members.length; i++) this.startMember(i);
  }

  /** SIGKILL, as a crash; resolves once the process is gone. */
  async killMember(i: number): Promise<void> {
    const proc = this.procs[i];
    if (!proc) return;
    proc.signal('SIGKILL');
    await proc.exited;
  }

  pid(i: number): number | undefined {
    const proc = this.procs[i];
    return proc && !proc.hasExited() ? proc.pid : undefined;
  }

  /** Waits until every member answers healthy; fails fast, with its log tail, if one exited. */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = 0; i < this.members.length; i++) {
        const proc = this.procs[i];
        if (!proc) throw new Error(`${this.label} ${this.member(i).name} is not started`);
        if (proc.hasExited()) throw new Error(`${this.label} ${this.member(i).name} exited (${await proc.exited}); log tail:\n${tailOf(proc.logFile)}`);
      }
      const answers = await Promise.all(this.members.map((m) => this.healthy(m).catch(() => false)));
      if (answers.every(Boolean)) return;
      if (Date.now() >= deadline) {
        const tails = this.members.map((m, i) => `--- ${m.name} (${this.logFile(i)}):\n${tailOf(this.logFile(i), 800)}`).join('\n');
        throw new Error(`${this.label}: not every member healthy after ${timeoutMs} ms\n${tails}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.procs.map((p) => p?.stop(3000)));
  }

  private member(i: number): MemberSpec {
    const m = this.members[i];
    if (!m) throw new RangeError(`${this.label} has no member ${i}`);
    return m;
  }
}

/** `s0=http://…,s1=http://…` as both etcd's and our --initial-cluster take it. */
export function initialClusterFlag(members: readonly { name: string; peerUrl: string }[]): string {
  return members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
}
