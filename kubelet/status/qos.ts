// The pod's QoS class (pkg/apis/core/v1/helper/qos): Guaranteed when every container has cpu and
// memory limits and its requests (defaulting to the limits) equal them; BestEffort when no container
// asks for or limits cpu or memory; Burstable otherwise.
import type { Container, Pod } from '../../lib/api/types.js';
import { compare, parseQuantity } from '../../lib/api/quantity.js';

const COMPUTE = ['cpu', 'memory'] as const;

type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

function nonZero(v: string | number | undefined): boolean {
  if (v === undefined) return false;
  try {
    return parseQuantity(String(v)).unscaled !== 0n;
  } catch {
    return false;
  }
}

function same(a: string | number, b: string | number): boolean {
  try {
    return compare(parseQuantity(String(a)), parseQuantity(String(b))) === 0;
  } catch {
    return false;
  }
}

export function podQOSClass(pod: Pod): QOSClass {
  const containers: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = (c.resources?.requests ?? {}) as Record<string, string | number>;
    const limits = (c.resources?.limits ?? {}) as Record<string, string | number>;
    for (const r of COMPUTE) {
      if (nonZero(requests[r]) || nonZero(limits[r])) any = true;
      const limit = limits[r];
      if (!nonZero(limit)) {
        guaranteed = false;
        continue;
      }
      const request = requests[r];
      if (request !== undefined && !same(request, limit!)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
