// Starts, kills and restarts store members as real child processes — used by `npm start`, the
// integration tests and chaos helpers. Every process it spawns is tracked and ended on stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { waitFor } from '../lib/util/wait.js';
import { freePorts } from './ports.js';

const STORE_MAIN = resolve(fileURLToPath(new URL('.', import.meta.url)), '../store/main.js');

export interface StoreClusterOptions {
  size: 1 | 3 | 5;
  /** Parent of the members' data dirs; a temp dir (removed on stop) when absent. */
  dataRoot?: string;
  heartbeatMs?: number;
  electionMs?: number;
  /** Fixed client ports (e.g. for npm start); ephemeral when absent. */
  clientPorts?: number[];
  peerPorts?: number[];
  /** Where each member's stdout/stderr go (`<dir>/<name>.log`); discarded when absent. */
  logDir?: string;
  extraArgs?: string[];
  token?: string;
}

export interface StoreMemberProcess {
  name: string;
  clientURL: string;
  peerURL: string;
  dataDir: string;
  proc: ChildProcess | undefined;
  exited: Promise<number | null> | undefined;
}

export class StoreCluster {
  readonly members: StoreMemberProcess[];
  private readonly args: string[];
  private readonly tempRoot: string | undefined;
  private readonly logDir: string | undefined;
  private logs: WriteStream[] = [];

  private constructor(members: StoreMemberProcess[], args: string[], tempRoot: string | undefined, logDir: string | undefined) {
    this.members = members;
    this.args = args;
    this.tempRoot = tempRoot;
    this.logDir = logDir;
  }

  static async start(opts: StoreClusterOptions): Promise<StoreCluster> {
    const tempRoot = opts.dataRoot ? undefined : await mkdtemp(join(tmpdir(), 'k8ts-store-'));
    const root = opts.dataRoot ?? tempRoot!;
    const clientPorts = opts.clientPorts ?? (await freePorts(opts.size));
    const peerPorts = opts.peerPorts ?? (await freePorts(opts.size));
    const members: StoreMemberProcess[] = clientPorts.slice(0, opts.size).map((cp, i) => ({
      name: `store-${i}`,
      clientURL: `http://127.0.0.1:${cp}`,
      peerURL: `http://127.0.0.1:${peerPorts[i]}`,
      dataDir: join(root, `store-${i}`),
      proc: undefined,
      exited: undefined,
    }));
    const args = [
      '--initial-cluster',
      members.map((m) => `${m.name}=${m.peerURL}`).join(','),
      '--heartbeat-interval',
      String(opts.heartbeatMs ?? 100),
      '--election-timeout',
      String(opts.electionMs ?? 1000),
      ...(opts.token ? ['--initial-cluster-token', opts.token] : []),
      ...(opts.extraArgs ?? []),
    ];
    if (opts.logDir) await mkdir(opts.logDir, { recursive: true });
    const cluster = new StoreCluster(members, args, tempRoot, opts.logDir);
    try {
      for (const m of members) cluster.spawnMember(m);
      await cluster.waitReady();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  endpoints(): string[] {
    return this.members.map((m) => m.clientURL);
  }

  member(name: string): StoreMemberProcess {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  private spawnMember(m: StoreMemberProcess): void {
    const proc = spawn(
      process.execPath,
      [STORE_MAIN, '--name', m.name, '--data-dir', m.dataDir, '--listen-client-urls', m.clientURL, '--listen-peer-urls', m.peerURL, ...this.args],
      { stdio: ['ignore', this.logDir ? 'pipe' : 'ignore', this.logDir ? 'pipe' : 'ignore'] },
    );
    if (this.logDir) {
      const out = createWriteStream(join(this.logDir, `${m.name}.log`), { flags: 'a' });
      this.logs.push(out);
      proc.stdout?.pipe(out, { end: false });
      proc.stderr?.pipe(out, { end: false });
    }
    m.proc = proc;
    m.exited = new Promise((res) => proc.once('exit', (code) => res(code)));
  }

  /** Every running member answers /readyz (has a leader, caught up). */
  async waitReady(timeoutMs = 20_000): Promise<void> {
    await waitFor(
      async () => {
        for (const m of this.members) {
          if (!m.proc) continue;
          if (m.proc.exitCode !== null) throw new Error(`${m.name} exited with code ${m.proc.exitCode}`);
          const res = await request(`${m.clientURL}/readyz`, { headersTimeout: 1000, bodyTimeout: 1000 });
          await res.body.dump();
          if (res.statusCode !== 200) return false;
        }
        return true;
      },
      { timeoutMs, intervalMs: 50, description: 'store members ready' },
    );
  }

  /** The member every running member agrees leads (after waiting for one). */
  async leader(timeoutMs = 10_000): Promise<StoreMemberProcess> {
    return waitFor(
      async () => {
        let leaderId: string | undefined;
        const ids = new Map<string, StoreMemberProcess>();
        for (const m of this.members) {
          if (!m.proc) continue;
          const res = await request(`${m.clientURL}/status`, { headersTimeout: 1000, bodyTimeout: 1000 });
          const st = (await res.body.json()) as { memberId: string; leader: string };
          ids.set(st.memberId, m);
          if (!st.leader || (leaderId !== undefined && leaderId !== st.leader)) return undefined;
          leaderId = st.leader;
        }
        return leaderId ? ids.get(leaderId) : undefined;
      },
      { timeoutMs, intervalMs: 50, description: 'an agreed store leader' },
    );
  }

  /** Kills a member (SIGKILL by default) and waits for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const m = this.member(name);
    if (!m.proc) return;
    m.proc.kill(signal);
    await m.exited;
    m.proc = undefined;
  }

  async restart(name: string): Promise<void> {
    const m = this.member(name);
    if (m.proc) await this.kill(name, 'SIGTERM');
    this.spawnMember(m);
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.members.map((m) => [m.name, m.proc?.pid]));
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        if (!m.proc) return;
        m.proc.kill('SIGTERM');
        const timer = setTimeout(() => m.proc?.kill('SIGKILL'), 5000);
        await m.exited;
        clearTimeout(timer);
        m.proc = undefined;
      }),
    );
    for (const l of this.logs) l.end();
    this.logs = [];
    if (this.tempRoot) await rm(this.tempRoot, { recursive: true, force: true });
  }
}
