// PodVolumes for the kubelet: sets up each volume of a pod under <root-dir>/pods/<uid>/volumes
// (emptyDir, configMap, secret, downwardAPI, projected), checks hostPath volumes, resolves
// persistentVolumeClaims to their bound PV's hostPath/local path, writes the pod's /etc/hosts, and
// maps volumeMounts to runtime mounts. Called on every sync, so configMap/secret changes reach
// running containers through the atomic ..data swap.
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Container, Pod, Volume } from '../../lib/api/types.js';
import type { Clock } from '../../lib/util/clock.js';
import { realClock } from '../../lib/util/clock.js';
import type { NodeAllocatable } from '../env/resource-field.js';
import type { ObjectSource } from '../env/sources.js';
import { podDir, podEtcHostsPath, podVolumeDir } from '../paths.js';
import { VolumeMountError, type PodVolumes } from '../pod-deps.js';
import type { Mount } from '../runtime/types.js';
import { writeAtomically } from './atomic-writer.js';
import { containerMounts } from './container-mounts.js';
import { hostNetworkHostsFile, managedHostsFile } from './etc-hosts.js';
import { checkHostPathType } from './host-path.js';
import { configMapPayload, downwardAPIPayload, projectedPayload, secretPayload, type PayloadContext } from './payloads.js';
import { resolveClaimPath } from './persistent-volume-claim.js';
import { TokenManager, type TokenRequester } from './service-account-token.js';

export interface PodVolumesOptions {
  rootDir: string;
  source: ObjectSource;
  tokens: TokenRequester;
  allocatable: () => NodeAllocatable;
  clusterDomain?: string;
  /** The node's hosts file, copied for hostNetwork pods. */
  nodeHostsFile?: string;
  clock?: Clock;
}

/** Plugin names as upstream lays them out on disk. */
const PLUGIN = {
  emptyDir: 'kubernetes.io/empty-dir',
  configMap: 'kubernetes.io/configmap',
  secret: 'kubernetes.io/secret',
  downwardAPI: 'kubernetes.io/downward-api',
  projected: 'kubernetes.io/projected',
} as const;

const SUPPORTED = ['emptyDir', 'hostPath', 'configMap', 'secret', 'downwardAPI', 'projected', 'persistentVolumeClaim'] as const;

function sourceOf(v: Volume): string | undefined {
  return Object.keys(v).find((k) => k !== 'name');
}

export class KubeletPodVolumes implements PodVolumes {
  private readonly ctx: PayloadContext;
  private readonly tokens: TokenManager;
  private readonly clock: Clock;
  /** pod uid → volume name → resolved claim path (containerMounts is synchronous). */
  private readonly claimPaths = new Map<string, Map<string, string>>();

  constructor(private readonly o: PodVolumesOptions) {
    this.clock = o.clock ?? realClock;
    this.tokens = new TokenManager(o.tokens, this.clock);
    this.ctx = { source: o.source, tokens: this.tokens, allocatable: o.allocatable };
  }

  async mountPod(pod: Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    if (!uid) throw new VolumeMountError('pod has no uid');
    const errors: string[] = [];
    for (const v of pod.spec?.volumes ?? []) {
      try {
        await this.setUp(pod, v);
      } catch (err) {
        errors.push(`MountVolume.SetUp failed for volume "${v.name}" : ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const podIPs = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
    if (podIPs.length > 0 || pod.spec?.hostNetwork) await this.writeEtcHosts(pod, podIPs);
    if (errors.length > 0) throw new VolumeMountError(errors.join('; '));
  }

  /** Writes the pod's managed /etc/hosts; the pod workers call it once the sandbox has its IPs. */
  async writeEtcHosts(pod: Pod, podIPs: readonly string[]): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    const content = pod.spec?.hostNetwork
      ? hostNetworkHostsFile(pod, await readFile(this.o.nodeHostsFile ?? '/etc/hosts', 'utf8').catch(() => ''))
      : managedHostsFile(pod, podIPs, this.o.clusterDomain ?? 'cluster.local');
    await mkdir(podDir(this.o.rootDir, uid), { recursive: true });
    const path = podEtcHostsPath(this.o.rootDir, uid);
    const tmp = `${path}.tmp`;
    await writeFile(tmp, content, { mode: 0o644 });
    await rename(tmp, path);
  }

  private dir(pod: Pod, plugin: string, volume: string): string {
    return podVolumeDir(this.o.rootDir, pod.metadata?.uid ?? '', plugin, volume);
  }

  private async setUp(pod: Pod, v: Volume): Promise<void> {
    const now = new Date(this.clock.now());
    if (v.emptyDir) {
      // medium: Memory is a plain directory and sizeLimit is not enforced.
      const d = this.dir(pod, PLUGIN.emptyDir, v.name);
      await mkdir(d, { recursive: true });
      await chmod(d, 0o777);
    } else if (v.hostPath) {
      await checkHostPathType(v.hostPath.path, v.hostPath.type);
    } else if (v.configMap) {
      await writeAtomically(this.dir(pod, PLUGIN.configMap, v.name), await configMapPayload(pod, v.configMap, this.ctx), now);
    } else if (v.secret) {
      await writeAtomically(this.dir(pod, PLUGIN.secret, v.name), await secretPayload(pod, v.secret, this.ctx), now);
    } else if (v.downwardAPI) {
      await writeAtomically(this.dir(pod, PLUGIN.downwardAPI, v.name), downwardAPIPayload(pod, v.downwardAPI, this.ctx), now);
    } else if (v.projected) {
      await writeAtomically(this.dir(pod, PLUGIN.projected, v.name), await projectedPayload(pod, v.projected, this.ctx), now);
    } else if (v.persistentVolumeClaim) {
      const path = await resolveClaimPath(pod, v.persistentVolumeClaim.claimName, this.o.source);
      const uid = pod.metadata?.uid ?? '';
      let m = this.claimPaths.get(uid);
      if (!m) this.claimPaths.set(uid, (m = new Map()));
      m.set(v.name, path);
    } else {
      const src = sourceOf(v) ?? 'none';
      throw new Error(`no volume plugin matched: ${src} volumes are not supported by this kubelet (supported: ${SUPPORTED.join(', ')})`);
    }
  }

  /** Host directory of a volume, undefined when it cannot be known yet. */
  volumePath(pod: Pod, v: Volume): string | undefined {
    if (v.hostPath) return v.hostPath.path;
    if (v.persistentVolumeClaim) return this.claimPaths.get(pod.metadata?.uid ?? '')?.get(v.name);
    for (const key of Object.keys(PLUGIN) as Array<keyof typeof PLUGIN>) if (v[key]) return this.dir(pod, PLUGIN[key], v.name);
    return undefined;
  }

  containerMounts(pod: Pod, container: Container): Mount[] {
    return containerMounts(pod, container, {
      volumePath: (p, v) => this.volumePath(p, v),
      etcHostsPath: (p) => podEtcHostsPath(this.o.rootDir, p.metadata?.uid ?? ''),
    });
  }

  /** Removes the pod's volume directories and etc-hosts; hostPath and claim targets stay untouched. */
  async unmountPod(pod: Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    if (!uid) return;
    // rm does not follow symlinks, so nothing outside the pod directory is removed.
    await rm(join(podDir(this.o.rootDir, uid), 'volumes'), { recursive: true, force: true });
    await rm(podEtcHostsPath(this.o.rootDir, uid), { force: true });
    this.claimPaths.delete(uid);
    this.tokens.forgetPod(uid);
  }
}
