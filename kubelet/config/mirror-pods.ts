// Mirror pods (pkg/kubelet/pod/mirror_client.go and the mirror handling in syncPod): each static
// pod has a copy in the API so kubectl sees it, annotated kubernetes.io/config.mirror with the
// static pod's hash and owned by the Node. A missing mirror pod is created again, one whose hash
// is stale (the file changed) or that is being deleted is replaced, and one with no static pod left
// is deleted (with its UID as precondition, grace period 0).
import type { Pod } from '../../lib/api/types.js';
import { isAlreadyExists, isConflict, isNotFound, type KubeClient } from '../../lib/client/index.js';
import type { Logger } from '../../lib/util/logger.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, isMirrorPod, mirrorPodFor } from './static-pod.js';

export interface MirrorPodApi {
  /** Pods bound to this node (every namespace). */
  listNodePods(nodeName: string): Promise<Pod[]>;
  createPod(pod: Pod): Promise<Pod>;
  deletePod(namespace: string, name: string, uid: string): Promise<void>;
}

export interface MirrorPodOptions {
  api: MirrorPodApi;
  nodeName: string;
  /** The Node's UID; mirror pods are only created once it is known (they must be owned by it). */
  nodeUID: () => string | undefined;
  logger?: Logger;
}

const key = (p: Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

export class MirrorPodManager {
  constructor(private readonly o: MirrorPodOptions) {}

  /** Brings mirror pods in line with the static pods; returns what it did (for logs and tests). */
  async sync(staticPods: readonly Pod[]): Promise<{ created: string[]; deleted: string[] }> {
    const done = { created: [] as string[], deleted: [] as string[] };
    const mirrors = new Map((await this.o.api.listNodePods(this.o.nodeName)).filter(isMirrorPod).map((p) => [key(p), p]));
    const wanted = new Map(staticPods.map((p) => [key(p), p]));
    for (const [k, mirror] of mirrors) {
      const pod = wanted.get(k);
      const stale = !pod || mirror.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== pod.metadata?.annotations?.[CONFIG_HASH_ANNOTATION] || !!mirror.metadata?.deletionTimestamp;
      if (!stale) continue;
      await this.delete(mirror);
      done.deleted.push(k);
      mirrors.delete(k);
    }
    const uid = this.o.nodeUID();
    if (!uid) return done;
    for (const [k, pod] of wanted) {
      if (mirrors.has(k)) continue;
      try {
        await this.o.api.createPod(mirrorPodFor(pod, { name: this.o.nodeName, uid }));
        done.created.push(k);
      } catch (err) {
        // Not yet deleted from a previous round: the next sync creates it.
        if (!isAlreadyExists(err)) this.o.logger?.warn({ pod: k, err: String(err) }, 'failed creating a mirror pod');
      }
    }
    return done;
  }

  private async delete(mirror: Pod): Promise<void> {
    try {
      await this.o.api.deletePod(mirror.metadata?.namespace ?? '', mirror.metadata?.name ?? '', mirror.metadata?.uid ?? '');
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}

/** MirrorPodApi over the API. */
export class KubeMirrorPodApi implements MirrorPodApi {
  constructor(private readonly client: KubeClient) {}
  async listNodePods(nodeName: string): Promise<Pod[]> {
    return (await this.client.resource<Pod>('pods').listAll({ fieldSelector: `spec.nodeName=${nodeName}` })).items;
  }
  createPod(pod: Pod): Promise<Pod> {
    return this.client.resource<Pod>('pods').create(pod, { namespace: pod.metadata?.namespace ?? 'default' });
  }
  async deletePod(namespace: string, name: string, uid: string): Promise<void> {
    await this.client.resource<Pod>('pods').delete(name, { namespace, gracePeriodSeconds: 0, preconditions: { uid } });
  }
}
