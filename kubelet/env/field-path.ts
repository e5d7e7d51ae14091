// Downward API field values (fieldpath.ExtractFieldPathAsString plus the kubelet's own
// status.* and spec.* paths in podFieldSelectorRuntimeValue), shared by env and the downwardAPI volume.
import type { Pod } from '../../lib/api/types.js';

/** Where the kubelet takes values that are not in the pod object it was given. */
export interface RuntimeFields {
  podIPs: readonly string[];
  hostIPs: readonly string[];
}

/** Go's %q for the strings that occur in labels and annotations (JSON's escaping is the same for them). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** `k="v"` lines sorted by key, as fieldpath.FormatMap prints labels and annotations. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k]!)}`)
    .join('\n');
}

const SUBSCRIPT = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/;

/** The value of fieldPath for the pod; throws with upstream's text for an unsupported path. */
export function podFieldValue(pod: Pod, fieldPath: string, rt: RuntimeFields): string {
  const sub = SUBSCRIPT.exec(fieldPath);
  if (sub) {
    const map = sub[1] === 'metadata.labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[sub[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name': return pod.metadata?.name ?? '';
    case 'metadata.namespace': return pod.metadata?.namespace ?? '';
    case 'metadata.uid': return pod.metadata?.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata?.labels);
    case 'metadata.annotations': return formatMap(pod.metadata?.annotations);
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP': return rt.hostIPs[0] ?? '';
    case 'status.hostIPs': return rt.hostIPs.join(',');
    case 'status.podIP': return rt.podIPs[0] ?? '';
    case 'status.podIPs': return rt.podIPs.join(',');
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}
