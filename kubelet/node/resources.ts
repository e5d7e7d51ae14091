// Capacity and allocatable (pkg/kubelet/cm node allocatable): allocatable = capacity −
// kube-reserved − system-reserved − the hard eviction thresholds (memory.available 100Mi and
// nodefs.available 10% by default), never below zero.
import { canonical, newMilliQuantity, newQuantity, parseQuantity, milliValue, value } from '../../lib/api/quantity.js';

export type ResourceList = Record<string, string>;

/** `cpu=100m,memory=256Mi` as --kube-reserved/--system-reserved take it. */
export function parseResourceList(text: string): ResourceList {
  const out: ResourceList = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`invalid resource list entry "${part}": want name=quantity`);
    const name = part.slice(0, eq).trim();
    const q = part.slice(eq + 1).trim();
    parseQuantity(q); // throws with the quantity's message
    out[name] = q;
  }
  return out;
}

export interface CapacityInput {
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  maxPods: number;
}

export function nodeCapacity(c: CapacityInput): ResourceList {
  return {
    cpu: String(c.cpus),
    'ephemeral-storage': canonical(newQuantity(BigInt(Math.floor(c.ephemeralStorageBytes / 1024) * 1024), 'BinarySI')),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: canonical(newQuantity(BigInt(Math.floor(c.memoryBytes / 1024) * 1024), 'BinarySI')),
    pods: String(c.maxPods),
  };
}

export interface AllocatableInput {
  kubeReserved?: ResourceList;
  systemReserved?: ResourceList;
  /** memory.available hard eviction threshold (default 100Mi). */
  evictionMemory?: string;
  /** nodefs.available hard eviction threshold as a fraction of capacity (default 0.1). */
  evictionNodefsFraction?: number;
}

export function nodeAllocatable(capacity: ResourceList, o: AllocatableInput = {}): ResourceList {
  const out: ResourceList = {};
  for (const [name, cap] of Object.entries(capacity)) {
    const isCPU = name === 'cpu';
    const amount = (s: string | undefined) => (s ? (isCPU ? milliValue(parseQuantity(s)) : value(parseQuantity(s))) : 0n);
    let v = amount(cap) - amount(o.kubeReserved?.[name]) - amount(o.systemReserved?.[name]);
    if (name === 'memory') v -= amount(o.evictionMemory ?? '100Mi');
    if (name === 'ephemeral-storage') v -= BigInt(Math.ceil(Number(amount(cap)) * (o.evictionNodefsFraction ?? 0.1)));
    if (v < 0n) v = 0n;
    if (v === amount(cap)) out[name] = cap;
    else if (isCPU) out[name] = canonical(newMilliQuantity(v, 'DecimalSI'));
    else if (name === 'pods') out[name] = String(v);
    else out[name] = canonical(newQuantity(v, 'BinarySI'));
  }
  return out;
}
