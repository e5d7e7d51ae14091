// applyDefaults: fills in what Kubernetes' defaulting fills in when an object is decoded, by
// apiVersion and kind. Mutates and returns the object; kinds without defaults are left alone.
// Run it before semantic validation (../validation), which expects defaulted objects exactly as
// Kubernetes' validation does (e.g. a container's imagePullPolicy is required there).

import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps.js';
import { defaultHorizontalPodAutoscalerV1, defaultHorizontalPodAutoscalerV2 } from './autoscaling.js';
import { defaultCronJob, defaultJob } from './batch.js';
import {
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultReplicationController,
  defaultSecret,
} from './core.js';
import { defaultEndpointSlice, defaultNetworkPolicy } from './networking.js';
import { defaultPod } from './pod.js';
import { defaultRoleBinding } from './rbac.js';
import { defaultService } from './service.js';
import { defaultPersistentVolume, defaultPersistentVolumeClaim, defaultStorageClass } from './storage.js';
import { isObj, type Obj } from './util.js';

type Defaulter = (obj: Obj) => void;

/** Keyed by `apiVersion/kind`. */
const DEFAULTERS: ReadonlyMap<string, Defaulter> = new Map<string, Defaulter>([
  ['v1/Pod', defaultPod],
  ['v1/Service', defaultService],
  ['v1/Namespace', defaultNamespace],
  ['v1/Node', defaultNode],
  ['v1/Secret', defaultSecret],
  ['v1/Endpoints', defaultEndpoints],
  ['v1/LimitRange', defaultLimitRange],
  ['v1/ReplicationController', defaultReplicationController],
  ['v1/PersistentVolumeClaim', defaultPersistentVolumeClaim],
  ['v1/PersistentVolume', defaultPersistentVolume],
  ['apps/v1/Deployment', defaultDeployment],
  ['apps/v1/ReplicaSet', defaultReplicaSet],
  ['apps/v1/DaemonSet', defaultDaemonSet],
  ['apps/v1/StatefulSet', defaultStatefulSet],
  ['batch/v1/Job', defaultJob],
  ['batch/v1/CronJob', defaultCronJob],
  ['autoscaling/v2/HorizontalPodAutoscaler', defaultHorizontalPodAutoscalerV2],
  ['autoscaling/v1/HorizontalPodAutoscaler', defaultHorizontalPodAutoscalerV1],
  ['rbac.authorization.k8s.io/v1/RoleBinding', defaultRoleBinding],
  ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', defaultRoleBinding],
  ['networking.k8s.io/v1/NetworkPolicy', defaultNetworkPolicy],
  ['discovery.k8s.io/v1/EndpointSlice', defaultEndpointSlice],
  ['storage.k8s.io/v1/StorageClass', defaultStorageClass],
]);

export function applyDefaults<T>(obj: T): T {
  if (!isObj(obj)) return obj;
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return obj;
  DEFAULTERS.get(`${apiVersion}/${kind}`)?.(obj);
  return obj;
}

/** True when applyDefaults has something to do for this apiVersion and kind. */
export function hasDefaults(apiVersion: string, kind: string): boolean {
  return DEFAULTERS.has(`${apiVersion}/${kind}`);
}

export { generateJobSelector } from './batch.js';
export { defaultPullPolicy, parseImageReference } from './pod.js';
