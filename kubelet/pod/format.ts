// How the kubelet names pods and durations in messages, as upstream does (pkg/kubelet/util/format
// and Go's time.Duration.String), so event and status texts read exactly like a real node's.
import type { Pod } from '../../lib/api/types.js';

/** `name_namespace(uid)`: format.Pod. */
export function formatPod(pod: Pod): string {
  const m = pod.metadata ?? {};
  return `${m.name ?? ''}_${m.namespace ?? ''}(${m.uid ?? ''})`;
}

/** Go's Duration.String for a millisecond count: "201ms", "1.5s", "20s", "1m20s", "5m0s", "1h0m0s". */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) {
    out = `${trimFraction(rest)}ms`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    out = `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${trimFraction(rest / 1000)}s`;
  }
  return neg ? `-${out}` : out;
}

function trimFraction(n: number): string {
  return String(Number(n.toFixed(9)));
}

/** `spec.containers{web}` / `spec.initContainers{init}`: the fieldPath of a container's events. */
export function containerFieldPath(pod: Pod, name: string): string {
  if (pod.spec?.initContainers?.some((c) => c.name === name)) return `spec.initContainers{${name}}`;
  return `spec.containers{${name}}`;
}
