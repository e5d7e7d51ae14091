// A container's runtime mounts (kubelet_pods.go makeMounts): each volumeMount on its volume's host
// directory, subPath / subPathExpr created inside it, configMap/secret/downwardAPI/projected
// read-only as upstream mounts them, and the pod's managed /etc/hosts. mountPropagation is ignored
// (there are no mount namespaces to propagate between in the mock runtime).
import { existsSync, mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Container, Pod, Volume } from '../../lib/api/types.js';
import { ContainerConfigError } from '../pod-deps.js';
import type { Mount } from '../runtime/types.js';
import { expand } from '../env/expansion.js';
import { podFieldValue } from '../env/field-path.js';

const READ_ONLY_SOURCES = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;

/**
 * The variables subPathExpr can use here: literal values and pod-metadata fieldRefs (the common
 * `$(POD_NAME)`). containerMounts has no access to configMap/secret values or pod IPs.
 */
function subPathVars(pod: Pod, container: Container): Map<string, string> {
  const vars = new Map<string, string>();
  for (const e of container.env ?? []) {
    if (e.value !== undefined) vars.set(e.name, e.value);
    else if (e.valueFrom?.fieldRef) {
      try {
        vars.set(e.name, podFieldValue(pod, e.valueFrom.fieldRef.fieldPath, { podIPs: [], hostIPs: [] }));
      } catch {
        // not resolvable here: reported as missing if a subPathExpr uses it
      }
    }
  }
  return vars;
}

function expandSubPathExpr(expr: string, vars: Map<string, string>): string {
  const missing = new Set<string>();
  const out = expand(expr, (k) => {
    const v = vars.get(k);
    if (!v) missing.add(k);
    return v ?? '';
  });
  if (missing.size > 0) throw new ContainerConfigError(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

export interface MountContext {
  /** Host directory of a set-up volume, undefined when it is not set up. */
  volumePath(pod: Pod, volume: Volume): string | undefined;
  /** The pod's etc-hosts file, if written. */
  etcHostsPath(pod: Pod): string;
}

export function containerMounts(pod: Pod, container: Container, ctx: MountContext): Mount[] {
  const mounts: Mount[] = [];
  const volumes = pod.spec?.volumes ?? [];
  let vars: Map<string, string> | undefined;
  for (const vm of container.volumeMounts ?? []) {
    const volume = volumes.find((v) => v.name === vm.name);
    if (!volume) throw new ContainerConfigError(`cannot find volume "${vm.name}" to mount into container "${container.name}"`);
    let hostPath = ctx.volumePath(pod, volume);
    if (hostPath === undefined) throw new ContainerConfigError(`volume "${vm.name}" of container "${container.name}" is not set up`);
    let subPath = vm.subPath ?? '';
    if (vm.subPathExpr) subPath = expandSubPathExpr(vm.subPathExpr, (vars ??= subPathVars(pod, container)));
    if (subPath) {
      if (isAbsolute(subPath)) throw new ContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
      if (subPath.split('/').includes('..')) throw new ContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
      hostPath = join(hostPath, subPath);
      // Upstream creates a missing subPath as a directory.
      if (!existsSync(hostPath)) mkdirSync(hostPath, { recursive: true, mode: 0o755 });
    }
    const readOnlySource = READ_ONLY_SOURCES.some((k) => volume[k] !== undefined);
    mounts.push({ containerPath: vm.mountPath, hostPath, readonly: !!vm.readOnly || readOnlySource });
  }
  const etcHosts = ctx.etcHostsPath(pod);
  if (!mounts.some((m) => m.containerPath === '/etc/hosts') && existsSync(etcHosts)) {
    mounts.push({ containerPath: '/etc/hosts', hostPath: etcHosts, readonly: false });
  }
  return mounts;
}
