// The processes of a cluster, written down once as data: what to run, with which arguments,
// how to tell it is ready, what it waits for and whether the supervisor restarts it. npm start,
// the test helpers and the benchmarks all launch these rows (launcher.ts). A new component —
// the scheduler, say — is one more row.
import { join } from 'node:path';
import type { ClusterContext } from './context.js';

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface ComponentRow {
  /** Row name: `store`, `apiserver`; instances are `<name>-<i>`, or `<name>` when there is one and !indexed. */
  name: string;
  /** Compiled entry point, relative to dist/. */
  entry: string;
  /** Name instances `<name>-<i>` even when there is only one (store members: data dirs store-0, …). */
  indexed?: boolean;
  args(ctx: ClusterContext, i: number, instance: string): Promise<string[]>;
  /** A URL that answers 200 once the instance is ready. */
  readiness(ctx: ClusterContext, i: number, instance: string): Promise<string>;
  restart: RestartPolicy;
  /** Rows whose every instance must be ready before this row starts (and stopped after it). */
  dependsOn: readonly string[];
}

export function instanceName(row: ComponentRow, i: number, count: number): string {
  return count === 1 && !row.indexed ? row.name : `${row.name}-${i}`;
}

const url = (port: number) => `http://127.0.0.1:${port}`;

/** A store member's client URL (what the apiserver talks to). */
export async function storeClientURL(ctx: ClusterContext, i: number): Promise<string> {
  return url(await ctx.port(`store-${i}/client`));
}

export async function storePeerURL(ctx: ClusterContext, i: number): Promise<string> {
  return url(await ctx.port(`store-${i}/peer`));
}

export async function storeEndpoints(ctx: ClusterContext): Promise<string[]> {
  return Promise.all(Array.from({ length: ctx.replicas('store') }, (_, i) => storeClientURL(ctx, i)));
}

/** Where clients reach apiserver `i` (the only one: `apiserver/port`). */
export async function apiserverURL(ctx: ClusterContext, i: number): Promise<string> {
  return url(await ctx.port(ctx.replicas('apiserver') === 1 ? 'apiserver/port' : `apiserver-${i}/port`));
}

export const STORE: ComponentRow = {
  name: 'store',
  entry: 'store/main.js',
  indexed: true,
  async args(ctx, i, name) {
    const members = await Promise.all(Array.from({ length: ctx.replicas('store') }, async (_, j) => `store-${j}=${await storePeerURL(ctx, j)}`));
    return [
      '--name', name,
      '--data-dir', join(ctx.storeDataRoot, name),
      '--listen-client-urls', await storeClientURL(ctx, i),
      '--listen-peer-urls', await storePeerURL(ctx, i),
      '--initial-cluster', members.join(','),
      '--heartbeat-interval', String(ctx.heartbeatMs),
      '--election-timeout', String(ctx.electionMs),
      ...(ctx.storeToken ? ['--initial-cluster-token', ctx.storeToken] : []),
      ...ctx.extraArgs('store'),
    ];
  },
  // Ready = has a leader and has caught up.
  readiness: async (ctx, i) => `${await storeClientURL(ctx, i)}/readyz`,
  restart: 'always',
  dependsOn: [],
};

export const APISERVER: ComponentRow = {
  name: 'apiserver',
  entry: 'apiserver/main.js',
  async args(ctx, i) {
    const port = new URL(await apiserverURL(ctx, i)).port;
    return ['--store-endpoints', (await storeEndpoints(ctx)).join(','), '--port', port, ...ctx.extraArgs('apiserver')];
  },
  readiness: async (ctx, i) => `${await apiserverURL(ctx, i)}/readyz`,
  restart: 'always',
  dependsOn: ['store'],
};

/** Node i (from 0) of the cluster: its name, address, pod CIDR and where its files live. */
export function nodeOf(ctx: ClusterContext, i: number) {
  const n = ctx.nodeIndexBase + i;
  if (n > 254) throw new RangeError(`node ${n}: at most 254 nodes fit 127.0.10.0/24`);
  const name = `node-${n}`;
  const dir = join(ctx.nodesRoot, name);
  return { name, ip: `127.0.10.${n}`, podCIDR: `127.244.${n}.0/24`, dir, socket: join(dir, 'runtime.sock') };
}

/** The kubelet API's port: 10250 as on a real node when fixed (npm start), else a free one. */
export async function kubeletPort(ctx: ClusterContext, i: number): Promise<number> {
  return ctx.port(`kubelet-${i}/port`);
}

/** The mock runtime of node i (our containerd): its containers live in this process. */
export const RUNTIME: ComponentRow = {
  name: 'runtime',
  entry: 'kubelet/runtime/main.js',
  indexed: true,
  async args(ctx, i) {
    const node = nodeOf(ctx, i);
    return [
      '--socket', node.socket,
      '--root-dir', join(node.dir, 'runtime'),
      '--node-ip', node.ip,
      '--pod-cidr', node.podCIDR,
      '--bind-address', node.ip,
      '--port', String(await ctx.port(`runtime-${i}/ops`)),
      ...ctx.extraArgs('runtime'),
    ];
  },
  readiness: async (ctx, i) => `http://${nodeOf(ctx, i).ip}:${await ctx.port(`runtime-${i}/ops`)}/readyz`,
  restart: 'always',
  dependsOn: [],
};

/** The kubelet of node i: registers node-N and runs its pods through runtime i. */
export const KUBELET: ComponentRow = {
  name: 'kubelet',
  entry: 'kubelet/main.js',
  indexed: true,
  async args(ctx, i) {
    const node = nodeOf(ctx, i);
    const apiservers = await Promise.all(Array.from({ length: ctx.replicas('apiserver') }, (_, j) => apiserverURL(ctx, j)));
    return [
      '--node-name', node.name,
      '--node-ip', node.ip,
      '--pod-cidr', node.podCIDR,
      '--container-runtime-endpoint', `unix://${node.socket}`,
      '--root-dir', join(node.dir, 'kubelet'),
      '--pod-logs-dir', join(node.dir, 'pod-logs'),
      '--pod-manifest-path', join(node.dir, 'manifests'),
      '--master', apiservers.join(','),
      '--port', String(await kubeletPort(ctx, i)),
      ...ctx.extraArgs('kubelet'),
    ];
  },
  // Ready = serving, the runtime answers and the Node is registered.
  readiness: async (ctx, i) => `http://${nodeOf(ctx, i).ip}:${await kubeletPort(ctx, i)}/readyz`,
  restart: 'always',
  dependsOn: ['apiserver', 'runtime'],
};

/** A control plane, in start order. */
export const CONTROL_PLANE: readonly ComponentRow[] = [STORE, APISERVER];

/** Each node: a runtime and a kubelet (instances by index: runtime-0 and kubelet-0 are node-<base>). */
export const NODE: readonly ComponentRow[] = [RUNTIME, KUBELET];
