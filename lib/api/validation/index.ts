// validateObject: Kubernetes' semantic validation of a new object, dispatched by apiVersion and
// kind. It checks what the OpenAPI schema (../schema.ts) cannot: names, label syntax, selectors
// matching templates, uniqueness, ranges, cross-field rules. Like Kubernetes' own validation it
// expects the object as the apiserver is about to store it. The create path is:
//   1. decode (../yaml.ts or JSON.parse),
//   2. applyDefaults (../defaults),
//   3. prepare: name from generateName, namespace from the URL, uid, and for Jobs the generated
//      selector (generateJobSelector),
//   4. validateSchema (../schema.ts); stop on its causes, since they mean wrong shapes,
//   5. validateObject (this file).
// It never throws on malformed input: wrongly typed fields read as unset.

import { fieldError, type StatusCause } from '../field-errors.js';
import { validateControllerRevision, validateDaemonSet, validateDeployment, validateReplicaSet, validateReplicationController, validateStatefulSet } from './apps.js';
import { validateHorizontalPodAutoscalerV1, validateHorizontalPodAutoscalerV2 } from './autoscaling.js';
import { validateCronJob, validateJob } from './batch.js';
import { validateEvent, validateLease, validateNamespace, validateNode, validateServiceAccount } from './cluster.js';
import { isObj, type Obj } from './common.js';
import { validateConfigMap, validateSecret } from './config.js';
import { validateEndpoints, validateEndpointSlice } from './endpoints.js';
import { validateIngress, validateNetworkPolicy } from './networking.js';
import { validatePod } from './pod.js';
import { validateLimitRange, validateResourceQuota } from './policy.js';
import { validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding } from './rbac.js';
import { validateService } from './service.js';
import { validatePersistentVolume, validatePersistentVolumeClaim, validateStorageClass } from './storage.js';
import { validateBinding, validateEviction, validateScale } from './subresources.js';

type Validator = (obj: Obj) => StatusCause[];

/** Keyed by `apiVersion/kind`. */
const VALIDATORS: ReadonlyMap<string, Validator> = new Map<string, Validator>([
  ['v1/Pod', validatePod],
  ['v1/Service', (o) => validateService(o)],
  ['v1/Namespace', validateNamespace],
  ['v1/Node', validateNode],
  ['v1/Endpoints', validateEndpoints],
  ['v1/ConfigMap', validateConfigMap],
  ['v1/Secret', validateSecret],
  ['v1/ServiceAccount', validateServiceAccount],
  ['v1/Event', validateEvent],
  ['v1/PersistentVolume', validatePersistentVolume],
  ['v1/PersistentVolumeClaim', validatePersistentVolumeClaim],
  ['v1/ReplicationController', validateReplicationController],
  ['v1/ResourceQuota', validateResourceQuota],
  ['v1/LimitRange', validateLimitRange],
  ['v1/Binding', validateBinding],
  ['apps/v1/Deployment', validateDeployment],
  ['apps/v1/ReplicaSet', validateReplicaSet],
  ['apps/v1/DaemonSet', validateDaemonSet],
  ['apps/v1/StatefulSet', validateStatefulSet],
  ['apps/v1/ControllerRevision', validateControllerRevision],
  ['batch/v1/Job', validateJob],
  ['batch/v1/CronJob', validateCronJob],
  ['coordination.k8s.io/v1/Lease', validateLease],
  ['discovery.k8s.io/v1/EndpointSlice', validateEndpointSlice],
  ['autoscaling/v2/HorizontalPodAutoscaler', validateHorizontalPodAutoscalerV2],
  ['autoscaling/v1/HorizontalPodAutoscaler', validateHorizontalPodAutoscalerV1],
  ['autoscaling/v1/Scale', validateScale],
  ['policy/v1/Eviction', validateEviction],
  ['rbac.authorization.k8s.io/v1/Role', validateRole],
  ['rbac.authorization.k8s.io/v1/ClusterRole', validateClusterRole],
  ['rbac.authorization.k8s.io/v1/RoleBinding', validateRoleBinding],
  ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', validateClusterRoleBinding],
  ['networking.k8s.io/v1/Ingress', validateIngress],
  ['networking.k8s.io/v1/NetworkPolicy', validateNetworkPolicy],
  ['storage.k8s.io/v1/StorageClass', validateStorageClass],
]);

export function validateObject(obj: unknown): StatusCause[] {
  if (!isObj(obj)) return [fieldError.invalid('', obj, 'must be an object')];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') return [fieldError.required('apiVersion')];
  if (typeof kind !== 'string' || kind === '') return [fieldError.required('kind')];
  const validate = VALIDATORS.get(`${apiVersion}/${kind}`);
  if (!validate) return [fieldError.invalid('kind', kind, `no kind "${kind}" is registered for version "${apiVersion}"`)];
  return validate(obj);
}

/** True when validateObject knows this apiVersion and kind. */
export function hasValidation(apiVersion: string, kind: string): boolean {
  return VALIDATORS.has(`${apiVersion}/${kind}`);
}

export { validatePodSpec, validatePodTemplateSpec } from './pod.js';
export { validateObjectMeta } from './meta.js';
export { parseCronSchedule, CronParseError, type CronSchedule } from './cron.js';
