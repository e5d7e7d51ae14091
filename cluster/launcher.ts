// Starts the rows of the component table (components.ts) as processes: row by row in dependency
// order, each row's instances together, waiting until every one answers its readiness URL before
// the rows that depend on it start. Supervises them (restarts an instance that exits, per its
// row's policy, with backoff) and stops them by PID in reverse order.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Backoff } from '../lib/util/backoff.js';
import { ComponentProcess } from './component-process.js';
import { instanceName, type ComponentRow } from './components.js';
import type { ClusterContext } from './context.js';

const DIST = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
/** An instance that ran this long before exiting starts its backoff over. */
const STABLE_MS = 10_000;

export interface Instance {
  row: ComponentRow;
  index: number;
  name: string;
  readyURL: string;
  process: ComponentProcess;
}

export type LaunchEvent =
  | { kind: 'starting' | 'ready' | 'stopping' | 'stopped'; row: string; instances: string[] }
  | { kind: 'exited'; instance: string; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'restarting'; instance: string; inMs: number };

export interface LaunchOptions {
  rows: readonly ComponentRow[];
  ctx: ClusterContext;
  /** Each instance's output goes to `<logDir>/<instance>.log`; discarded when absent. */
  logDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Apply the rows' restart policies. Off: an instance that exits stays down (tests kill on purpose). */
  supervise?: boolean;
  readyTimeoutMs?: number;
  /** Progress, awaited in order (npm start prints it). */
  onEvent?: (e: LaunchEvent) => void | Promise<void>;
}

/** Rows ordered so that each comes after everything it depends on. */
export function startOrder(rows: readonly ComponentRow[]): ComponentRow[] {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const out: ComponentRow[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: ComponentRow, path: string[]) => {
    if (state.get(r.name) === 'done') return;
    if (state.get(r.name) === 'visiting') throw new Error(`component table: dependency cycle ${[...path, r.name].join(' → ')}`);
    state.set(r.name, 'visiting');
    for (const d of r.dependsOn) {
      const dep = byName.get(d);
      if (!dep) throw new Error(`component table: ${r.name} depends on ${d}, which is not launched`);
      visit(dep, [...path, r.name]);
    }
    state.set(r.name, 'done');
    out.push(r);
  };
  for (const r of rows) visit(r, []);
  return out;
}

export class Launcher {
  readonly instances: Instance[] = [];
  private readonly order: ComponentRow[];
  private readonly supervise: boolean;
  /** Instances that are down on purpose (killed by a test, or the cluster is stopping). */
  private readonly heldDown = new Set<string>();
  private readonly backoffs = new Map<string, Backoff>();
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  private stopping = false;

  private constructor(private readonly opts: LaunchOptions) {
    this.order = startOrder(opts.rows);
    this.supervise = opts.supervise ?? false;
  }

  /** Starts every row; on failure stops what it started and throws. */
  static async start(opts: LaunchOptions): Promise<Launcher> {
    const launcher = new Launcher(opts);
    try {
      for (const row of launcher.order) await launcher.startRow(row);
    } catch (err) {
      await launcher.stop();
      throw err;
    }
    return launcher;
  }

  instance(name: string): Instance {
    const inst = this.instances.find((i) => i.name === name);
    if (!inst) throw new Error(`no component instance ${name}`);
    return inst;
  }

  instancesOf(row: string): Instance[] {
    return this.instances.filter((i) => i.row.name === row);
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.instances.map((i) => [i.name, i.process.pid]));
  }

  /** Sends `signal` to an instance and waits for its exit; it stays down until startInstance(). */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.heldDown.add(name);
    this.cancelRestart(name);
    await this.instance(name).process.kill(signal);
  }

  /** Starts an instance that is down (same arguments, data and ports as before). */
  startInstance(name: string): void {
    this.heldDown.delete(name);
    this.cancelRestart(name);
    this.instance(name).process.start();
  }

  /** SIGTERM (graceful) then start again. */
  async restart(name: string): Promise<void> {
    await this.kill(name, 'SIGTERM');
    this.startInstance(name);
  }

  /** Waits until each named instance (all when absent) answers its readiness URL. */
  async waitReady(names?: readonly string[], timeoutMs = this.opts.readyTimeoutMs ?? 30_000): Promise<void> {
    const chosen = names ? names.map((n) => this.instance(n)) : this.instances;
    await Promise.all(chosen.map((i) => i.process.waitReady(i.readyURL, timeoutMs, !this.supervise)));
  }

  /** Stops everything by PID: rows in reverse start order, a row's instances together. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    for (const t of this.restartTimers.values()) clearTimeout(t);
    this.restartTimers.clear();
    for (const row of [...this.order].reverse()) {
      const instances = this.instancesOf(row.name);
      if (instances.length === 0) continue;
      const names = instances.map((i) => i.name);
      await this.emit({ kind: 'stopping', row: row.name, instances: names });
      await Promise.all(instances.map((i) => i.process.stop(graceMs)));
      await this.emit({ kind: 'stopped', row: row.name, instances: names });
    }
  }

  private async startRow(row: ComponentRow): Promise<void> {
    const { ctx } = this.opts;
    const count = ctx.replicas(row.name);
    const created: Instance[] = [];
    for (let i = 0; i < count; i++) {
      const name = instanceName(row, i, count);
      const process = new ComponentProcess({
        name,
        main: join(DIST, row.entry),
        args: await row.args(ctx, i, name),
        ...(this.opts.logDir ? { logFile: join(this.opts.logDir, `${name}.log`) } : {}),
        ...(this.opts.env ? { env: this.opts.env } : {}),
        onExit: (code, signal) => this.onExit(name, code, signal),
      });
      created.push({ row, index: i, name, readyURL: await row.readiness(ctx, i, name), process });
    }
    this.instances.push(...created);
    const names = created.map((i) => i.name);
    await this.emit({ kind: 'starting', row: row.name, instances: names });
    for (const inst of created) inst.process.start();
    await this.waitReady(names);
    await this.emit({ kind: 'ready', row: row.name, instances: names });
  }

  private onExit(name: string, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping || this.heldDown.has(name)) return;
    void this.emit({ kind: 'exited', instance: name, code, signal });
    const inst = this.instance(name);
    const policy = inst.row.restart;
    if (!this.supervise || policy === 'never' || (policy === 'on-failure' && code === 0)) return;
    let backoff = this.backoffs.get(name);
    if (!backoff) this.backoffs.set(name, (backoff = new Backoff({ initialMs: 500, capMs: 30_000 })));
    if (Date.now() - inst.process.startedAt > STABLE_MS) backoff.reset();
    const inMs = backoff.next();
    void this.emit({ kind: 'restarting', instance: name, inMs });
    this.restartTimers.set(
      name,
      setTimeout(() => {
        this.restartTimers.delete(name);
        if (!this.stopping && !this.heldDown.has(name)) inst.process.start();
      }, inMs),
    );
  }

  private cancelRestart(name: string): void {
    const t = this.restartTimers.get(name);
    if (t) clearTimeout(t);
    this.restartTimers.delete(name);
  }

  private async emit(e: LaunchEvent): Promise<void> {
    await this.opts.onEvent?.(e);
  }
}
