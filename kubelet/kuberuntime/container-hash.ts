// A hash of a container's spec, stored on the runtime container (io.kubernetes.container.hash):
// when the spec's hash differs from the running container's, the kubelet kills and recreates it,
// as upstream's HashContainer does. Resources are left out, as upstream leaves them out for
// in-place resize; keys are sorted so the same spec always hashes the same.
import type { Container } from '../../lib/api/types.js';

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stable(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** FNV-1a (32 bit) over UTF-8, as hex. */
function fnv1a32(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

export function hashContainer(container: Container): string {
  const { resources: _resources, ...rest } = container;
  return fnv1a32(stable(rest));
}
