// Builds the Summary from the runtime: one entry per pod sandbox that is ready, its containers'
// latest stats (the running one of each name, else the newest), pod totals as sums, and node
// totals over every container (the root cgroup of a real node holds them all) with the file
// system the kubelet's directories live on.
import { statfs } from 'node:fs/promises';
import type { Clock } from '../../lib/util/clock.js';
import { CONTAINER_NAME, POD_NAME, POD_NAMESPACE, POD_UID } from '../runtime/labels.js';
import type { Container, ContainerStats, PodSandboxStatus, RuntimeService } from '../runtime/types.js';
import type { ContainerStatsSummary, CPUStats, FsStats, MemoryStats, PodStatsSummary, Summary } from './types.js';

export interface SummaryDeps {
  nodeName: string;
  runtime: Pick<RuntimeService, 'listPodSandbox' | 'listContainers' | 'listContainerStats'>;
  clock: Clock;
  /** When the node (kubelet) started, ms since the epoch. */
  nodeStartTimeMs: number;
  /** The node's memory capacity: availableBytes = capacity − working set. */
  memoryCapacityBytes: number;
  /** A directory on the file system that holds pod logs and volumes (statfs is taken of it). */
  fsPath: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** CRI timestamps are Unix nanoseconds as strings. */
function nanosToMs(ns: string): number {
  const n = Number(ns);
  return Number.isFinite(n) ? Math.floor(n / 1e6) : 0;
}

function cpu(time: string, stats: readonly ContainerStats[]): CPUStats {
  return {
    time,
    usageNanoCores: stats.reduce((s, c) => s + c.cpuUsageNanoCores, 0),
    usageCoreNanoSeconds: stats.reduce((s, c) => s + c.cpuUsageCoreNanoSeconds, 0),
  };
}

function memory(time: string, stats: readonly ContainerStats[], capacity?: number): MemoryStats {
  const ws = stats.reduce((s, c) => s + c.memoryWorkingSetBytes, 0);
  return { time, ...(capacity !== undefined ? { availableBytes: Math.max(0, capacity - ws) } : {}), usageBytes: ws, workingSetBytes: ws, rssBytes: ws, pageFaults: 0, majorPageFaults: 0 };
}

function used(time: string, bytes: number): FsStats {
  return { time, usedBytes: bytes };
}

async function fsOf(path: string, time: string, usedBytes: number): Promise<FsStats> {
  try {
    const s = await statfs(path);
    return {
      time,
      availableBytes: s.bavail * s.bsize,
      capacityBytes: s.blocks * s.bsize,
      usedBytes: (s.blocks - s.bfree) * s.bsize,
      inodesFree: s.ffree,
      inodes: s.files,
      inodesUsed: s.files - s.ffree,
    };
  } catch {
    return used(time, usedBytes);
  }
}

/** Each name's running container (the newest attempt if several) with its stats: what is using resources now. */
function currentPerName(containers: readonly Container[], stats: ReadonlyMap<string, ContainerStats>): Array<{ container: Container; stats: ContainerStats }> {
  const best = new Map<string, Container>();
  for (const c of containers) {
    if (c.state !== 'CONTAINER_RUNNING' || !stats.has(c.id)) continue;
    const name = c.labels[CONTAINER_NAME] ?? c.metadata.name;
    const prev = best.get(name);
    if (!prev || c.metadata.attempt > prev.metadata.attempt) best.set(name, c);
  }
  return [...best.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, c]) => ({ container: c, stats: stats.get(c.id)! }));
}

export async function buildSummary(deps: SummaryDeps): Promise<Summary> {
  const now = iso(deps.clock.now());
  const [sandboxes, containers, allStats] = await Promise.all([
    deps.runtime.listPodSandbox({ state: 'SANDBOX_READY' }),
    deps.runtime.listContainers(),
    deps.runtime.listContainerStats(),
  ]);
  const statsById = new Map(allStats.map((s) => [s.id, s]));
  const bySandbox = new Map<string, Container[]>();
  for (const c of containers) {
    const list = bySandbox.get(c.podSandboxId) ?? [];
    list.push(c);
    bySandbox.set(c.podSandboxId, list);
  }

  const pods: PodStatsSummary[] = [];
  const running: ContainerStats[] = [];
  for (const sb of sandboxes.sort(bySandboxName)) {
    const current = currentPerName(bySandbox.get(sb.id) ?? [], statsById);
    const stats = current.map((c) => c.stats);
    running.push(...stats);
    const containersOut: ContainerStatsSummary[] = current.map(({ container, stats: s }) => ({
      name: container.labels[CONTAINER_NAME] ?? container.metadata.name,
      startTime: iso(nanosToMs(container.createdAt)),
      cpu: cpu(now, [s]),
      memory: memory(now, [s]),
      rootfs: used(now, s.writableLayerUsedBytes),
      logs: used(now, 0),
    }));
    pods.push({
      podRef: { name: sb.labels[POD_NAME] ?? sb.metadata.name, namespace: sb.labels[POD_NAMESPACE] ?? sb.metadata.namespace, uid: sb.labels[POD_UID] ?? sb.metadata.uid },
      startTime: iso(nanosToMs(sb.createdAt)),
      containers: containersOut,
      cpu: cpu(now, stats),
      memory: memory(now, stats),
      'ephemeral-storage': used(now, stats.reduce((s, c) => s + c.writableLayerUsedBytes, 0)),
      process_stats: { process_count: stats.length },
    });
  }
  const fs = await fsOf(deps.fsPath, now, running.reduce((s, c) => s + c.writableLayerUsedBytes, 0));
  return {
    node: {
      nodeName: deps.nodeName,
      startTime: iso(deps.nodeStartTimeMs),
      cpu: cpu(now, running),
      memory: memory(now, running, deps.memoryCapacityBytes),
      fs,
      runtime: { imageFs: fs, containerFs: fs },
    },
    pods,
  };
}

function bySandboxName(a: PodSandboxStatus, b: PodSandboxStatus): number {
  const ka = `${a.metadata.namespace}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
