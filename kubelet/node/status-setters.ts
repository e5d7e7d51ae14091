// The node status the kubelet reports (pkg/kubelet/nodestatus/setters.go), as pure functions of
// the current status and what the kubelet knows now. Heartbeat times always move; transition times
// move only when a condition's status changes; events are returned for the caller to record.
import type { Node, NodeCondition } from '../../lib/api/types.js';
import type { Image, RuntimeCondition } from '../runtime/types.js';
import type { MachineInfo } from './machine-info.js';
import type { ResourceList } from './resources.js';
import { canonicalJSON } from '../config/static-pod.js';

export const KUBELET_VERSION = 'v1.32.0';
export const MAX_NAMES_PER_IMAGE = 5;
export const MAX_IMAGES_IN_STATUS = 50;

export interface NodeEvent {
  type: 'Normal' | 'Warning';
  reason: string;
}

export interface StatusInput {
  nowISO: string;
  nodeIP: string;
  hostname: string;
  kubeletPort: number;
  machine: MachineInfo;
  capacity: ResourceList;
  allocatable: ResourceList;
  runtimeVersion: string;
  images: readonly Image[];
  /** Why the node is not ready (runtimeErrors); empty = ready. */
  notReadyReasons: readonly string[];
}

type Status = NonNullable<Node['status']>;

/** `RuntimeReady=false reason:X message:Y`, as the CRI condition prints in kubelet messages. */
function formatCondition(c: RuntimeCondition | undefined, type: string): string {
  return c ? `${c.type}=${c.status} reason:${c.reason} message:${c.message}` : `${type} condition missing`;
}

/** The kubelet's runtime-state errors from a Runtime.status() answer (undefined = the call failed). */
export function runtimeErrors(conditions: readonly RuntimeCondition[] | undefined): string[] {
  if (!conditions) return ['container runtime is down'];
  const errs: string[] = [];
  const runtime = conditions.find((c) => c.type === 'RuntimeReady');
  const network = conditions.find((c) => c.type === 'NetworkReady');
  if (!runtime?.status) errs.push(`container runtime not ready: ${formatCondition(runtime, 'RuntimeReady')}`);
  if (!network?.status) errs.push(`container runtime network not ready: ${formatCondition(network, 'NetworkReady')}`);
  return errs;
}

/** Images sorted by size, largest first, at most 50 with at most 5 names each (setters.go Images). */
export function nodeImages(images: readonly Image[]): Status['images'] {
  return [...images]
    .sort((a, b) => b.size - a.size)
    .slice(0, MAX_IMAGES_IN_STATUS)
    .map((img) => {
      const names = [...img.repoDigests, ...img.repoTags].slice(0, MAX_NAMES_PER_IMAGE);
      return { names, sizeBytes: img.size };
    })
    .filter((i) => i.names.length > 0);
}

const PRESSURE: Array<{ type: string; reason: string; message: string; event: string }> = [
  { type: 'MemoryPressure', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', event: 'NodeHasSufficientMemory' },
  { type: 'DiskPressure', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', event: 'NodeHasNoDiskPressure' },
  { type: 'PIDPressure', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', event: 'NodeHasSufficientPID' },
];

/** Sets one condition, keeping the transition time when the status is unchanged; true when it flipped or is new. */
function setCondition(conditions: NodeCondition[], next: NodeCondition): boolean {
  const i = conditions.findIndex((c) => c.type === next.type);
  if (i < 0) {
    conditions.push({ ...next, lastTransitionTime: next.lastHeartbeatTime! });
    return true;
  }
  const flipped = conditions[i]!.status !== next.status;
  conditions[i] = { ...next, lastTransitionTime: flipped ? next.lastHeartbeatTime! : conditions[i]!.lastTransitionTime! };
  return flipped;
}

/** The node's status after this round of setters, and the events upstream records for the changes. */
export function setNodeStatus(node: Node, s: StatusInput): { status: Status; events: NodeEvent[] } {
  const prev = node.status ?? {};
  const events: NodeEvent[] = [];
  const conditions: NodeCondition[] = (prev.conditions ?? []).map((c) => ({ ...c }));
  for (const p of PRESSURE) {
    // Pressure is not measured here: the node always reports none (no eviction manager yet).
    if (setCondition(conditions, { type: p.type, status: 'False', reason: p.reason, message: p.message, lastHeartbeatTime: s.nowISO })) {
      events.push({ type: 'Normal', reason: p.event });
    }
  }
  const ready = s.notReadyReasons.length === 0;
  const message = ready ? 'kubelet is posting ready status' : s.notReadyReasons.length === 1 ? s.notReadyReasons[0]! : `[${s.notReadyReasons.join(', ')}]`;
  const hadReady = conditions.some((c) => c.type === 'Ready');
  const flipped = setCondition(conditions, { type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', message, lastHeartbeatTime: s.nowISO });
  // Upstream records Ready changes only, not the first Ready condition.
  if (flipped && hadReady) events.push({ type: 'Normal', reason: ready ? 'NodeReady' : 'NodeNotReady' });

  const m = s.machine;
  return {
    events,
    status: {
      ...prev,
      capacity: { ...s.capacity },
      allocatable: { ...s.allocatable },
      conditions,
      addresses: [{ type: 'InternalIP', address: s.nodeIP }, { type: 'Hostname', address: s.hostname }],
      daemonEndpoints: { kubeletEndpoint: { Port: s.kubeletPort } },
      nodeInfo: {
        machineID: m.machineID,
        systemUUID: m.systemUUID,
        bootID: m.bootID,
        kernelVersion: m.kernelVersion,
        osImage: m.osImage,
        containerRuntimeVersion: s.runtimeVersion,
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: m.architecture,
      },
      images: nodeImages(s.images),
    },
  };
}

/** Whether two statuses differ in anything but condition heartbeats (nodeStatusHasChanged). */
export function statusChanged(a: Status | undefined, b: Status | undefined): boolean {
  const strip = (st: Status | undefined) => ({
    ...(st ?? {}),
    conditions: [...(st?.conditions ?? [])].map(({ lastHeartbeatTime: _h, ...rest }) => rest).sort((x, y) => x.type.localeCompare(y.type)),
  });
  return canonicalJSON(strip(a)) !== canonicalJSON(strip(b));
}
