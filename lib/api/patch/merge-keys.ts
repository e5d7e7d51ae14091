// Strategic-merge-patch metadata: the `patchStrategy` / `patchMergeKey` struct tags of the
// Kubernetes API types (k8s.io/api, as compiled into kubectl 1.32), for the kinds k8ts serves.
// A field that is not listed has no tag: an object merges key by key, a list is replaced whole
// (e.g. tolerations, envFrom, command/args, Node taints, EndpointSlice endpoints, Ingress rules,
// StatefulSet volumeClaimTemplates, the container status lists).

export interface FieldPatchMeta {
  /**
   * `merge`: a list is merged — by `mergeKey` for lists of objects, as a set for lists of
   * primitives. `replace`: the value (object or list) is replaced whole. Absent: objects merge,
   * lists are replaced.
   */
  readonly strategy?: 'merge' | 'replace';
  /** The key that identifies an element of a merged list of objects (patchMergeKey). */
  readonly mergeKey?: string;
  /** The field also has the `retainKeys` strategy: clients send `$retainKeys` for it. */
  readonly retainKeys?: boolean;
  /** Metadata of the value (an object) or of each element (a list of objects). */
  readonly schema?: MergeSchema;
}

export interface MergeSchema {
  /** The Go type name, for error messages. */
  readonly name: string;
  readonly fields: Readonly<Record<string, FieldPatchMeta>>;
}

/** The metadata of an untagged field. */
export const NO_PATCH_META: FieldPatchMeta = Object.freeze({});

/** A schema without tags: strategic merge patch then behaves like a JSON merge patch plus directives. */
export const EMPTY_MERGE_SCHEMA: MergeSchema = schema('Object', {});

/** Metadata of `field` within `s` (own keys only, so "constructor" and friends are just untagged). */
export function fieldPatchMeta(s: MergeSchema, field: string): FieldPatchMeta {
  return Object.prototype.hasOwnProperty.call(s.fields, field) ? s.fields[field]! : NO_PATCH_META;
}

/** Schema of a field's value or list element; untagged nested objects get the empty schema. */
export function childSchema(meta: FieldPatchMeta): MergeSchema {
  return meta.schema ?? EMPTY_MERGE_SCHEMA;
}

function schema(name: string, fields: Record<string, FieldPatchMeta>): MergeSchema {
  return Object.freeze({ name, fields: Object.freeze(fields) });
}

function nested(s: MergeSchema): FieldPatchMeta {
  return { schema: s };
}

function mergeBy(mergeKey: string, s?: MergeSchema, retainKeys = false): FieldPatchMeta {
  const meta: { strategy: 'merge'; mergeKey: string; retainKeys?: boolean; schema?: MergeSchema } = {
    strategy: 'merge',
    mergeKey,
  };
  if (retainKeys) meta.retainKeys = true;
  if (s) meta.schema = s;
  return meta;
}

/** A list of primitives merged as a set (e.g. metadata.finalizers). */
const MERGE_SET: FieldPatchMeta = { strategy: 'merge' };

// ---- meta/v1 ----
const objectMeta = schema('ObjectMeta', {
  finalizers: MERGE_SET,
  ownerReferences: mergeBy('uid'),
});

// ---- core/v1 ----
const container = schema('Container', {
  ports: mergeBy('containerPort'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
});
const ephemeralContainer = schema('EphemeralContainer', container.fields);

const podSpec = schema('PodSpec', {
  volumes: mergeBy('name', undefined, true),
  initContainers: mergeBy('name', container),
  containers: mergeBy('name', container),
  ephemeralContainers: mergeBy('name', ephemeralContainer),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  schedulingGates: mergeBy('name'),
  resourceClaims: mergeBy('name', undefined, true),
});

const podStatus = schema('PodStatus', {
  conditions: mergeBy('type'),
  podIPs: mergeBy('ip'),
  hostIPs: mergeBy('ip'),
  resourceClaimStatuses: mergeBy('name', undefined, true),
});

const podTemplateSpec = schema('PodTemplateSpec', {
  metadata: nested(objectMeta),
  spec: nested(podSpec),
});

/** A status whose only tagged field is `conditions` (merged by `type`). */
function statusWithConditions(name: string): MergeSchema {
  return schema(name, { conditions: mergeBy('type') });
}

/** A top-level kind: `metadata` plus whatever its spec/status carry. */
function kind(name: string, fields: Record<string, FieldPatchMeta> = {}): MergeSchema {
  return schema(name, { metadata: nested(objectMeta), ...fields });
}

/** A workload whose spec holds a pod template. */
function workload(name: string, specFields: Record<string, FieldPatchMeta> = {}): MergeSchema {
  return kind(name, {
    spec: nested(schema(`${name}Spec`, { template: nested(podTemplateSpec), ...specFields })),
    status: nested(statusWithConditions(`${name}Status`)),
  });
}

const jobSpec = schema('JobSpec', { template: nested(podTemplateSpec) });

const SCHEMAS: ReadonlyMap<string, MergeSchema> = new Map<string, MergeSchema>([
  // core/v1
  ['v1/Pod', kind('Pod', { spec: nested(podSpec), status: nested(podStatus) })],
  ['v1/PodTemplate', kind('PodTemplate', { template: nested(podTemplateSpec) })],
  ['v1/ReplicationController', workload('ReplicationController')],
  [
    'v1/Service',
    kind('Service', {
      spec: nested(schema('ServiceSpec', { ports: mergeBy('port') })),
      status: nested(statusWithConditions('ServiceStatus')),
    }),
  ],
  ['v1/ServiceAccount', kind('ServiceAccount', { secrets: mergeBy('name') })],
  [
    'v1/Node',
    kind('Node', {
      spec: nested(schema('NodeSpec', { podCIDRs: MERGE_SET })),
      status: nested(schema('NodeStatus', { addresses: mergeBy('type'), conditions: mergeBy('type') })),
    }),
  ],
  ['v1/Namespace', kind('Namespace', { status: nested(statusWithConditions('NamespaceStatus')) })],
  [
    'v1/PersistentVolumeClaim',
    kind('PersistentVolumeClaim', { status: nested(statusWithConditions('PersistentVolumeClaimStatus')) }),
  ],
  ['v1/PersistentVolume', kind('PersistentVolume')],
  ['v1/ConfigMap', kind('ConfigMap')],
  ['v1/Secret', kind('Secret')],
  ['v1/Endpoints', kind('Endpoints')],
  ['v1/Event', kind('Event')],
  ['v1/LimitRange', kind('LimitRange')],
  ['v1/ResourceQuota', kind('ResourceQuota')],
  ['v1/Binding', kind('Binding')],
  // apps/v1
  ['apps/v1/Deployment', workload('Deployment', { strategy: { retainKeys: true } })],
  ['apps/v1/ReplicaSet', workload('ReplicaSet')],
  ['apps/v1/StatefulSet', workload('StatefulSet')],
  ['apps/v1/DaemonSet', workload('DaemonSet')],
  ['apps/v1/ControllerRevision', kind('ControllerRevision')],
  // batch/v1
  ['batch/v1/Job', kind('Job', { spec: nested(jobSpec), status: nested(statusWithConditions('JobStatus')) })],
  [
    'batch/v1/CronJob',
    kind('CronJob', {
      spec: nested(
        schema('CronJobSpec', {
          jobTemplate: nested(schema('JobTemplateSpec', { metadata: nested(objectMeta), spec: nested(jobSpec) })),
        }),
      ),
    }),
  ],
  // autoscaling
  ['autoscaling/v1/HorizontalPodAutoscaler', kind('HorizontalPodAutoscaler')],
  [
    'autoscaling/v2/HorizontalPodAutoscaler',
    kind('HorizontalPodAutoscaler', { status: nested(statusWithConditions('HorizontalPodAutoscalerStatus')) }),
  ],
  ['autoscaling/v1/Scale', kind('Scale')],
  // policy/v1
  [
    'policy/v1/PodDisruptionBudget',
    kind('PodDisruptionBudget', {
      spec: nested(schema('PodDisruptionBudgetSpec', { selector: { strategy: 'replace' } })),
      status: nested(statusWithConditions('PodDisruptionBudgetStatus')),
    }),
  ],
  ['policy/v1/Eviction', kind('Eviction')],
  // networking, discovery, rbac, storage, coordination: no tagged fields beyond metadata
  ['networking.k8s.io/v1/Ingress', kind('Ingress')],
  ['networking.k8s.io/v1/NetworkPolicy', kind('NetworkPolicy')],
  ['discovery.k8s.io/v1/EndpointSlice', kind('EndpointSlice')],
  ['rbac.authorization.k8s.io/v1/ClusterRole', kind('ClusterRole')],
  ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', kind('ClusterRoleBinding')],
  ['rbac.authorization.k8s.io/v1/Role', kind('Role')],
  ['rbac.authorization.k8s.io/v1/RoleBinding', kind('RoleBinding')],
  ['storage.k8s.io/v1/StorageClass', kind('StorageClass')],
  ['coordination.k8s.io/v1/Lease', kind('Lease')],
]);

/**
 * The strategic-merge metadata of a kind, e.g. mergeSchemaFor('apps/v1', 'Deployment'), or
 * undefined for a kind that is not a built-in type (the apiserver refuses strategic merge patch
 * for those, as Kubernetes does for custom resources).
 */
export function mergeSchemaFor(apiVersion: string, kindName: string): MergeSchema | undefined {
  return SCHEMAS.get(`${apiVersion}/${kindName}`);
}

/** Every apiVersion/kind with a schema, e.g. "apps/v1/Deployment". */
export function mergeSchemaKinds(): string[] {
  return [...SCHEMAS.keys()];
}
