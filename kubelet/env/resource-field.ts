// resourceFieldRef values (pkg/api/v1/resource ExtractContainerResourceValue): a container's
// requests or limits divided by the divisor, rounded up. The kubelet first fills missing limits
// with the node's allocatable (defaultPodLimitsForDownwardAPI), so `limits.cpu` of a container
// without a limit is the node's CPU.
import type { Container } from '../../lib/api/types.js';
import { parseQuantity, milliValue, value, type Quantity } from '../../lib/api/quantity.js';

export type NodeAllocatable = Partial<Record<'cpu' | 'memory' | 'ephemeral-storage', string>>;

function q(s: string | undefined): Quantity {
  return parseQuantity(s ?? '0');
}

function ceilDiv(a: bigint, b: bigint): string {
  if (b === 0n) throw new Error('divisor must be non-zero');
  const d = a / b;
  return String(a % b === 0n || a < 0n ? d : d + 1n);
}

/** The container with every missing limit set to the node's allocatable. */
export function withDefaultLimits(container: Container, allocatable: NodeAllocatable): Container {
  const limits: Record<string, string> = { ...((container.resources?.limits ?? {}) as Record<string, string>) };
  for (const [k, v] of Object.entries(allocatable)) if (v !== undefined && limits[k] === undefined) limits[k] = v;
  return { ...container, resources: { ...(container.resources ?? {}), limits } };
}

export function containerResourceValue(container: Container, resource: string, divisorText: string | undefined): string {
  const divisor = divisorText === undefined || value(q(divisorText)) === 0n && milliValue(q(divisorText)) === 0n ? q('1') : q(divisorText);
  const [kind, name] = resource.split('.', 2) as [string, string | undefined];
  if ((kind === 'limits' || kind === 'requests') && name) {
    const list = (kind === 'limits' ? container.resources?.limits : container.resources?.requests) as Record<string, string> | undefined;
    const amount = q(list?.[name]);
    if (name === 'cpu') return ceilDiv(milliValue(amount), milliValue(divisor));
    if (name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-')) return ceilDiv(value(amount), value(divisor));
  }
  throw new Error(`unsupported container resource : ${resource}`);
}
