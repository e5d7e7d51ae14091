// What the component table's rows compute their arguments from: where data lives, how many of
// each component run, tuning, and ports — fixed ones (npm start's 2379/6443) or free loopback
// ports picked on first use and kept for the cluster's life, so a restarted process gets the
// same address.
import { freePort } from './ports.js';

export interface ClusterContextOptions {
  /** Parent of the store members' data dirs (<storeDataRoot>/store-0, …). */
  storeDataRoot: string;
  /** Parent of the nodes' dirs (<nodesRoot>/node-1/{runtime.sock,runtime,kubelet,pod-logs}); default beside the store's. */
  nodesRoot?: string;
  /**
   * Node i (from 0) is node-(base+i) with IP 127.0.10.(base+i) and pod CIDR 127.244.(base+i).0/24.
   * 1 for npm start; tests pick another base so clusters running side by side never share addresses.
   */
  nodeIndexBase?: number;
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
  readonly nodesRoot: string;
  readonly nodeIndexBase: number;
  private readonly replicaCounts: Record<string, number>;
  private readonly extra: Record<string, readonly string[]>;
  private readonly ports = new Map<string, Promise<number>>();

  constructor(opts: ClusterContextOptions) {
    this.storeDataRoot = opts.storeDataRoot;
    this.heartbeatMs = opts.heartbeatMs ?? 100;
    this.electionMs = opts.electionMs ?? 1000;
    this.storeToken = opts.storeToken;
    this.nodesRoot = opts.nodesRoot ?? `${opts.storeDataRoot.replace(/\/+$/, '')}-nodes`;
    this.nodeIndexBase = opts.nodeIndexBase ?? 1;
    if (!(Number.isInteger(this.nodeIndexBase) && this.nodeIndexBase >= 1 && this.nodeIndexBase <= 254)) throw new RangeError(`nodeIndexBase must be an integer in 1..254, got ${this.nodeIndexBase}`);
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
