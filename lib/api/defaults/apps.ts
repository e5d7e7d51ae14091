// Defaults of apps/v1 workloads (pkg/apis/apps/v1/defaults.go). Unlike the old extensions API,
// apps/v1 copies nothing from the template's labels: the selector is required.

import { defaultPodTemplate } from './pod.js';
import { defaultPersistentVolumeClaim } from './storage.js';
import { child, defaultIfEmpty, defaultIfUnset, ensureChild, objects, type Obj } from './util.js';

/** replicas 1; RollingUpdate 25%/25%; revisionHistoryLimit 10; progressDeadlineSeconds 600. */
export function defaultDeployment(d: Obj): void {
  const spec = child(d, 'spec');
  if (!spec) return;
  defaultIfUnset(spec, 'replicas', 1);
  const strategy = ensureChild(spec, 'strategy');
  if (strategy) {
    defaultIfEmpty(strategy, 'type', 'RollingUpdate');
    if (strategy['type'] === 'RollingUpdate') {
      const rolling = ensureChild(strategy, 'rollingUpdate');
      if (rolling) {
        defaultIfUnset(rolling, 'maxUnavailable', '25%');
        defaultIfUnset(rolling, 'maxSurge', '25%');
      }
    }
  }
  defaultIfUnset(spec, 'revisionHistoryLimit', 10);
  defaultIfUnset(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(child(spec, 'template'));
}

/** replicas 1. */
export function defaultReplicaSet(rs: Obj): void {
  const spec = child(rs, 'spec');
  if (!spec) return;
  defaultIfUnset(spec, 'replicas', 1);
  defaultPodTemplate(child(spec, 'template'));
}

/** updateStrategy RollingUpdate with maxUnavailable 1, maxSurge 0; revisionHistoryLimit 10. */
export function defaultDaemonSet(ds: Obj): void {
  const spec = child(ds, 'spec');
  if (!spec) return;
  const strategy = ensureChild(spec, 'updateStrategy');
  if (strategy) {
    defaultIfEmpty(strategy, 'type', 'RollingUpdate');
    if (strategy['type'] === 'RollingUpdate') {
      const rolling = ensureChild(strategy, 'rollingUpdate');
      if (rolling) {
        defaultIfUnset(rolling, 'maxUnavailable', 1);
        defaultIfUnset(rolling, 'maxSurge', 0);
      }
    }
  }
  defaultIfUnset(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(child(spec, 'template'));
}

/**
 * podManagementPolicy OrderedReady; updateStrategy RollingUpdate with partition 0 (only when the
 * type was defaulted or rollingUpdate was given, as in Kubernetes); PVC retention Retain/Retain;
 * replicas 1; revisionHistoryLimit 10; claim templates get PVC defaults.
 */
export function defaultStatefulSet(sts: Obj): void {
  const spec = child(sts, 'spec');
  if (!spec) return;
  defaultIfEmpty(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureChild(spec, 'updateStrategy');
  if (strategy) {
    if (strategy['type'] === undefined || strategy['type'] === null || strategy['type'] === '') {
      strategy['type'] = 'RollingUpdate';
      defaultIfUnset(strategy, 'rollingUpdate', {});
    }
    const rolling = child(strategy, 'rollingUpdate');
    if (strategy['type'] === 'RollingUpdate' && rolling) defaultIfUnset(rolling, 'partition', 0);
  }
  const retention = ensureChild(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    defaultIfEmpty(retention, 'whenDeleted', 'Retain');
    defaultIfEmpty(retention, 'whenScaled', 'Retain');
  }
  defaultIfUnset(spec, 'replicas', 1);
  defaultIfUnset(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(child(spec, 'template'));
  for (const claim of objects(spec, 'volumeClaimTemplates')) defaultPersistentVolumeClaim(claim);
}
