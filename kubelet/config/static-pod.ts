// A manifest file → the static Pod the kubelet runs (pkg/kubelet/config/common.go applyDefaults):
// API defaults, name `<name>-<node>`, namespace default, nodeName set, UID the MD5 of the pod plus
// `host:<node>` and `file:<path>` (stable for the same content on the same node, new when the file
// changes), `kubernetes.io/config.hash` = UID, `kubernetes.io/config.source: file`, and the
// toleration of every NoExecute taint so node problems never evict it.
import { createHash } from 'node:crypto';
import type { Pod } from '../../lib/api/types.js';
import { parseManifests } from '../../lib/api/yaml.js';
import { defaultPod } from '../../lib/api/defaults/pod.js';

export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';

/** JSON with sorted keys, so the hash depends on content, not on key order in the file. */
export function canonicalJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJSON(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Parses one manifest file into its static Pod; throws with a message naming the file. */
export function staticPodFromFile(text: string, path: string, nodeName: string, seenISO: string): Pod {
  const objs = parseManifests(text, path);
  if (objs.length !== 1) throw new Error(`${path}: want exactly one Pod, found ${objs.length} objects`);
  const obj = objs[0]!;
  if (obj.kind !== 'Pod' || obj.apiVersion !== 'v1') throw new Error(`${path}: want a v1 Pod, found ${obj.apiVersion} ${obj.kind}`);
  const pod = structuredClone(obj) as unknown as { metadata: Record<string, unknown>; spec: Record<string, unknown>; status?: unknown };
  if (!pod.metadata?.name) throw new Error(`${path}: metadata.name is required`);
  if (!pod.spec) throw new Error(`${path}: spec is required`);
  defaultPod(pod as never);
  const md = pod.metadata as { name: string; namespace?: string; uid?: string; annotations?: Record<string, string> };
  if (!md.uid) {
    const h = createHash('md5');
    h.update(canonicalJSON(pod));
    h.update(`host:${nodeName}`);
    h.update(`file:${path}`);
    md.uid = h.digest('hex');
  }
  md.name = `${md.name}-${nodeName.toLowerCase()}`;
  md.namespace ||= 'default';
  pod.spec.nodeName = nodeName;
  md.annotations = { ...(md.annotations ?? {}), [CONFIG_HASH_ANNOTATION]: md.uid, [CONFIG_SOURCE_ANNOTATION]: 'file', [CONFIG_SEEN_ANNOTATION]: seenISO };
  const tolerations = (pod.spec.tolerations as Array<Record<string, unknown>> | undefined) ?? [];
  if (!tolerations.some((t) => t.operator === 'Exists' && t.effect === 'NoExecute' && !t.key)) tolerations.push({ operator: 'Exists', effect: 'NoExecute' });
  pod.spec.tolerations = tolerations;
  pod.status = { phase: 'Pending' };
  return pod as unknown as Pod;
}

/** The mirror pod for the API: the static pod with config.mirror = its hash, owned by the Node. */
export function mirrorPodFor(pod: Pod, node: { name: string; uid: string }): Pod {
  const hash = pod.metadata?.annotations?.[CONFIG_HASH_ANNOTATION] ?? '';
  const { uid: _uid, resourceVersion: _rv, ...meta } = pod.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      annotations: { ...(pod.metadata?.annotations ?? {}), [CONFIG_MIRROR_ANNOTATION]: hash },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true }],
    },
    spec: pod.spec!,
  };
}

export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;
}
