// TypeScript shapes of every object k8ts serves, re-exported from `kubernetes-types` (generated
// from the Kubernetes OpenAPI definitions) so the rest of the code imports them from one place.
// Type-only: nothing here exists at runtime.

import type { ListMeta, ObjectMeta } from 'kubernetes-types/meta/v1.js';

export type {
  Condition,
  LabelSelector,
  LabelSelectorRequirement,
  ListMeta,
  ObjectMeta,
  OwnerReference,
  Status,
  StatusCause as MetaStatusCause,
  StatusDetails,
  Time,
  MicroTime,
} from 'kubernetes-types/meta/v1.js';
export type { Quantity } from 'kubernetes-types/api/resource.js';

// core/v1
export type {
  Binding,
  ConfigMap,
  ConfigMapList,
  Container,
  ContainerPort,
  ContainerStatus,
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Endpoints,
  EndpointsList,
  EnvVar,
  Event,
  EventList,
  LimitRange,
  LimitRangeItem,
  LimitRangeList,
  Namespace,
  NamespaceList,
  Node,
  NodeCondition,
  NodeList,
  PersistentVolume,
  PersistentVolumeClaim,
  PersistentVolumeClaimList,
  PersistentVolumeClaimSpec,
  PersistentVolumeList,
  Pod,
  PodCondition,
  PodList,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
  Probe,
  ReplicationController,
  ReplicationControllerList,
  ResourceQuota,
  ResourceQuotaList,
  ResourceRequirements,
  Secret,
  SecretList,
  Service,
  ServiceAccount,
  ServiceAccountList,
  ServiceList,
  ServicePort,
  ServiceSpec,
  Taint,
  Toleration,
  Volume,
  VolumeMount,
} from 'kubernetes-types/core/v1.js';

// apps/v1
export type {
  ControllerRevision,
  ControllerRevisionList,
  DaemonSet,
  DaemonSetList,
  DaemonSetSpec,
  Deployment,
  DeploymentList,
  DeploymentSpec,
  ReplicaSet,
  ReplicaSetList,
  ReplicaSetSpec,
  StatefulSet,
  StatefulSetList,
  StatefulSetSpec,
} from 'kubernetes-types/apps/v1.js';

// batch/v1
export type { CronJob, CronJobList, CronJobSpec, Job, JobList, JobSpec, JobTemplateSpec } from 'kubernetes-types/batch/v1.js';

// coordination.k8s.io/v1, discovery.k8s.io/v1
export type { Lease, LeaseList, LeaseSpec } from 'kubernetes-types/coordination/v1.js';
export type { Endpoint, EndpointSlice, EndpointSliceList } from 'kubernetes-types/discovery/v1.js';

// autoscaling: v2 is the preferred version; v1 types carry a V1 suffix.
export type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerList,
  HorizontalPodAutoscalerSpec,
} from 'kubernetes-types/autoscaling/v2.js';
export type {
  HorizontalPodAutoscaler as HorizontalPodAutoscalerV1,
  HorizontalPodAutoscalerList as HorizontalPodAutoscalerListV1,
  Scale,
} from 'kubernetes-types/autoscaling/v1.js';
export type { Eviction } from 'kubernetes-types/policy/v1.js';

// rbac.authorization.k8s.io/v1
export type {
  ClusterRole,
  ClusterRoleBinding,
  ClusterRoleBindingList,
  ClusterRoleList,
  PolicyRule,
  Role,
  RoleBinding,
  RoleBindingList,
  RoleList,
  RoleRef,
  Subject,
} from 'kubernetes-types/rbac/v1.js';

// networking.k8s.io/v1, storage.k8s.io/v1
export type { Ingress, IngressList, NetworkPolicy, NetworkPolicyList } from 'kubernetes-types/networking/v1.js';
export type { StorageClass, StorageClassList } from 'kubernetes-types/storage/v1.js';

/** What every stored object has: type meta and object meta. Specs and statuses vary by kind. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** A list as the API returns it: `PodList` etc. */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

/** A `kind: List` document as kubectl reads and writes it (items of any kind). */
export interface GenericList {
  apiVersion: 'v1';
  kind: 'List';
  metadata?: ListMeta;
  items: KubeObject[];
}
