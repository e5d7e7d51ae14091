// The built-in admission plugins that shape new Pods:
//  - ServiceAccount: serviceAccountName defaults to "default", and a pod without
//    imagePullSecrets takes its service account's. The service account is not required to exist
//    (unlike upstream, which refuses the pod): nothing creates default service accounts yet.
//    Token volumes are not mounted (no token API).
//  - DefaultTolerationSeconds: pods tolerate not-ready and unreachable nodes for 300 s, after
//    which taint-based eviction moves them.
//  - Priority: spec.priority from the priority class; without one, 0 and PreemptLowerPriority.
//    PriorityClasses are not served, so only the two built-in system classes resolve.
import { child, isObj, type Obj } from '../../lib/api/objects.js';
import { status } from '../../lib/api/status.js';
import { ApiError } from '../../lib/api/errors.js';
import type { ResourceStore } from '../storage/interfaces.js';
import { MIRROR_POD_ANNOTATION, mirrorServiceAccount } from './pod.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const DEFAULT_TOLERATION_SECONDS = 300;

/** The PriorityClasses every cluster has (scheduling/v1 SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};
const DEFAULT_PREEMPTION_POLICY = 'PreemptLowerPriority';

function specOf(pod: Obj): Obj | undefined {
  return child(pod, 'spec');
}

function podName(pod: Obj): string | undefined {
  const name = child(pod, 'metadata')?.['name'];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function forbidden(pod: Obj, detail: string): ApiError {
  const name = podName(pod);
  return new ApiError(status.forbidden({ resource: 'pods', ...(name ? { name } : {}) }, detail));
}

function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status.code === 404;
}

export class PodAdmission {
  constructor(private readonly serviceAccounts: () => ResourceStore) {}

  async admitCreate(pod: Obj): Promise<void> {
    const spec = specOf(pod);
    if (!spec) return; // validation reports the missing spec
    await this.defaultServiceAccount(pod, spec);
    addDefaultTolerations(spec);
    resolvePriority(pod, spec);
  }

  /** Priority is set once at creation; an update that omits it keeps it. */
  admitUpdate(pod: Obj, old: Obj): void {
    const spec = specOf(pod);
    const oldSpec = specOf(old);
    if (!spec || !oldSpec) return;
    for (const k of ['priority', 'preemptionPolicy']) {
      if ((spec[k] === undefined || spec[k] === null) && oldSpec[k] !== undefined && oldSpec[k] !== null) spec[k] = oldSpec[k];
    }
  }

  private async defaultServiceAccount(pod: Obj, spec: Obj): Promise<void> {
    mirrorServiceAccount(spec);
    const annotations = child(child(pod, 'metadata'), 'annotations');
    if (annotations && MIRROR_POD_ANNOTATION in annotations) {
      // Mirror pods come from a kubelet's static manifests and must not depend on the API.
      if (typeof spec['serviceAccountName'] === 'string' && spec['serviceAccountName'] !== '') {
        throw forbidden(pod, 'a mirror pod may not reference service accounts');
      }
      return;
    }
    if (typeof spec['serviceAccountName'] !== 'string' || spec['serviceAccountName'] === '') spec['serviceAccountName'] = DEFAULT_SERVICE_ACCOUNT;
    mirrorServiceAccount(spec);
    const hasPullSecrets = Array.isArray(spec['imagePullSecrets']) && spec['imagePullSecrets'].length > 0;
    if (hasPullSecrets) return;
    const namespace = child(pod, 'metadata')?.['namespace'];
    if (typeof namespace !== 'string' || namespace === '') return;
    let sa: Obj;
    try {
      sa = (await this.serviceAccounts().get(namespace, spec['serviceAccountName'] as string)) as unknown as Obj;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    const secrets = Array.isArray(sa['imagePullSecrets']) ? sa['imagePullSecrets'].filter(isObj) : [];
    if (secrets.length > 0) spec['imagePullSecrets'] = secrets.map((s) => ({ name: s['name'] }));
  }
}

/** DefaultTolerationSeconds: unless the pod already tolerates them, tolerate not-ready and unreachable nodes for 300 s. */
export function addDefaultTolerations(spec: Obj): void {
  const tolerations = Array.isArray(spec['tolerations']) ? spec['tolerations'].filter(isObj) : [];
  const tolerates = (taint: string) =>
    tolerations.some((t) => {
      const key = t['key'] ?? '';
      const effect = t['effect'] ?? '';
      return (key === taint || key === '') && (effect === 'NoExecute' || effect === '');
    });
  const added: Obj[] = [];
  for (const taint of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
    if (!tolerates(taint)) added.push({ key: taint, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  if (added.length > 0) spec['tolerations'] = [...(Array.isArray(spec['tolerations']) ? spec['tolerations'] : []), ...added];
}

/** Priority admission for a new pod. */
export function resolvePriority(pod: Obj, spec: Obj): void {
  const className = typeof spec['priorityClassName'] === 'string' ? spec['priorityClassName'] : '';
  let priority = 0;
  if (className !== '') {
    const value = SYSTEM_PRIORITY_CLASSES[className];
    if (value === undefined) throw forbidden(pod, `no PriorityClass with name ${className} was found`);
    priority = value;
  }
  const given = spec['priority'];
  if (typeof given === 'number' && given !== priority) {
    throw forbidden(pod, `the integer value of priority (${given}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec['priority'] = priority;
  const policy = spec['preemptionPolicy'];
  if (typeof policy === 'string' && policy !== '' && policy !== DEFAULT_PREEMPTION_POLICY) {
    throw forbidden(pod, `the string value of PreemptionPolicy (${policy}) must not be provided in pod spec; priority admission controller computed ${DEFAULT_PREEMPTION_POLICY} from the given PriorityClass name`);
  }
  spec['preemptionPolicy'] = DEFAULT_PREEMPTION_POLICY;
}
