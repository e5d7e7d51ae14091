// What the component table's rows compute their arguments from: where data lives, how many of
// each component run, tuning, and ports — fixed ones (npm start's 2379/6443) or free loopback
// ports picked on first use and kept for the cluster's life, so a restarted process gets the
// same address.
import { freePort } from './ports.js';

export interface ClusterContextOptions {
  /** Parent of the store members' data dirs (<storeDataRoot>/store-0, …). */
  storeDataRoot: string;
  /** Instances per row name; rows absent here run one. */
  replicas?: Record<string, number>;
  /** Fixed ports by key (`store-0/client`, `store-0/peer`, `apiserver/port`, …); others are free ones. */
  ports?: Record<string, number>;
  heartbeatMs?: number;
  electionMs?: number;
  /** Extra flags per row name, appended to the row's own. */
  extraArgs?: Record<string, readonly string[]>;
  storeToken?: string;
}

export class ClusterContext {
  readonly storeDataRoot: string;
  readonly heartbeatMs: number;
  readonly electionMs: number;
  readonly storeToken: string | undefined;
  private readonly replicaCounts: Record<string, number>;
  private readonly extra: Record<string, readonly string[]>;
  private readonly ports = new Map<string, Promise<number>>();

  constructor(opts: ClusterContextOptions) {
    this.storeDataRoot = opts.storeDataRoot;
    this.heartbeatMs = opts.heartbeatMs ?? 100;
    this.electionMs = opts.electionMs ?? 1000;
    this.storeToken = opts.storeToken;
    this.replicaCounts = opts.replicas ?? {};
    this.extra = opts.extraArgs ?? {};
    for (const [key, port] of Object.entries(opts.ports ?? {})) this.ports.set(key, Promise.resolve(port));
  }

  replicas(row: string): number {
    return this.replicaCounts[row] ?? 1;
  }

  extraArgs(row: string): readonly string[] {
    return this.extra[row] ?? [];
  }

  /** The port for `key`: fixed, or a free one chosen once and then kept. */
  port(key: string): Promise<number> {
    let p = this.ports.get(key);
    if (!p) this.ports.set(key, (p = freePort()));
    return p;
  }
}
