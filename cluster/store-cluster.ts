// A store cluster as real child processes — the `store` row of the component table launched on
// its own (integration tests, chaos) or viewed inside a whole control plane (local-cluster.ts):
// kill a member, restart it with the same data and ports, find the leader, stop them all.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { request } from 'undici';
import { waitFor } from '../lib/util/wait.js';
import { STORE, storeClientURL, storePeerURL } from './components.js';
import { ClusterContext } from './context.js';
import { Launcher, type Instance } from './launcher.js';

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
  readonly name: string;
  readonly clientURL: string;
  readonly peerURL: string;
  readonly dataDir: string;
  /** The running process, undefined while the member is down. */
  readonly proc: ChildProcess | undefined;
  /** Resolves with the exit code of the current process. */
  readonly exited: Promise<number | null> | undefined;
}

function memberOf(inst: Instance, clientURL: string, peerURL: string, dataDir: string): StoreMemberProcess {
  return {
    name: inst.name,
    clientURL,
    peerURL,
    dataDir,
    get proc() {
      return inst.process.proc;
    },
    get exited() {
      return inst.process.running ? inst.process.waitExit() : undefined;
    },
  };
}

export class StoreCluster {
  private constructor(
    private readonly launcher: Launcher,
    readonly members: StoreMemberProcess[],
    /** Stop the launcher (and remove this temp dir) on stop(): it was started for this cluster alone. */
    private readonly owned: { tempRoot: string | undefined } | undefined,
  ) {}

  static async start(opts: StoreClusterOptions): Promise<StoreCluster> {
    const tempRoot = opts.dataRoot ? undefined : await mkdtemp(join(tmpdir(), 'k8ts-store-'));
    const ports: Record<string, number> = {};
    for (let i = 0; i < opts.size; i++) {
      if (opts.clientPorts?.[i] !== undefined) ports[`store-${i}/client`] = opts.clientPorts[i]!;
      if (opts.peerPorts?.[i] !== undefined) ports[`store-${i}/peer`] = opts.peerPorts[i]!;
    }
    const ctx = new ClusterContext({
      storeDataRoot: opts.dataRoot ?? tempRoot!,
      replicas: { store: opts.size },
      ports,
      ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}),
      ...(opts.electionMs !== undefined ? { electionMs: opts.electionMs } : {}),
      ...(opts.token !== undefined ? { storeToken: opts.token } : {}),
      extraArgs: { store: opts.extraArgs ?? [] },
    });
    let launcher: Launcher;
    try {
      launcher = await Launcher.start({ rows: [STORE], ctx, ...(opts.logDir ? { logDir: opts.logDir } : {}), readyTimeoutMs: 20_000 });
    } catch (err) {
      if (tempRoot) await rm(tempRoot, { recursive: true, force: true });
      throw err;
    }
    return new StoreCluster(launcher, await StoreCluster.membersOf(launcher, ctx), { tempRoot });
  }

  /** The store members of a launched control plane; stopping stays the control plane's job. */
  static async within(launcher: Launcher, ctx: ClusterContext): Promise<StoreCluster> {
    return new StoreCluster(launcher, await StoreCluster.membersOf(launcher, ctx), undefined);
  }

  private static async membersOf(launcher: Launcher, ctx: ClusterContext): Promise<StoreMemberProcess[]> {
    return Promise.all(
      launcher.instancesOf('store').map(async (inst) => memberOf(inst, await storeClientURL(ctx, inst.index), await storePeerURL(ctx, inst.index), join(ctx.storeDataRoot, inst.name))),
    );
  }

  endpoints(): string[] {
    return this.members.map((m) => m.clientURL);
  }

  member(name: string): StoreMemberProcess {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  /** Every running member answers /readyz (has a leader, caught up). */
  async waitReady(timeoutMs = 20_000): Promise<void> {
    const running = this.members.filter((m) => m.proc).map((m) => m.name);
    await this.launcher.waitReady(running, timeoutMs);
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

  /** Kills a member (SIGKILL by default) and waits for it to exit; it stays down until restart(). */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.member(name);
    await this.launcher.kill(name, signal);
  }

  /** Starts a member again with its data and ports (stopping it gracefully first if it runs). */
  async restart(name: string): Promise<void> {
    this.member(name);
    await this.launcher.restart(name);
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.members.map((m) => [m.name, m.proc?.pid]));
  }

  async stop(): Promise<void> {
    if (!this.owned) throw new Error('this store is part of a control plane: stop the control plane');
    await this.launcher.stop();
    if (this.owned.tempRoot) await rm(this.owned.tempRoot, { recursive: true, force: true });
  }
}
