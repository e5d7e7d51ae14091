import t from 'tap';
import { apiVersionOf, RESOURCES } from '../../../../../lib/api/registry.js';
import {
  childSchema,
  fieldPatchMeta,
  mergeSchemaFor,
  mergeSchemaKinds,
  NO_PATCH_META,
  type FieldPatchMeta,
  type MergeSchema,
} from '../../../../../lib/api/patch/index.js';

/** The metadata at a dotted field path, descending through objects and list elements alike. */
function metaAt(schema: MergeSchema, path: string): FieldPatchMeta {
  let s = schema;
  let meta: FieldPatchMeta = NO_PATCH_META;
  for (const field of path.split('.')) {
    meta = fieldPatchMeta(s, field);
    s = childSchema(meta);
  }
  return meta;
}

// The patchStrategy/patchMergeKey struct tags of k8s.io/api (as compiled into kubectl 1.32).
// [apiVersion, kind, field path, strategy, merge key, retainKeys]
const TAGS: Array<[string, string, string, string | undefined, string | undefined, boolean]> = [
  ['v1', 'Pod', 'metadata.finalizers', 'merge', undefined, false],
  ['v1', 'Pod', 'metadata.ownerReferences', 'merge', 'uid', false],
  ['v1', 'Pod', 'spec.containers', 'merge', 'name', false],
  ['v1', 'Pod', 'spec.initContainers', 'merge', 'name', false],
  ['v1', 'Pod', 'spec.ephemeralContainers', 'merge', 'name', false],
  ['v1', 'Pod', 'spec.containers.ports', 'merge', 'containerPort', false],
  ['v1', 'Pod', 'spec.containers.env', 'merge', 'name', false],
  ['v1', 'Pod', 'spec.containers.volumeMounts', 'merge', 'mountPath', false],
  ['v1', 'Pod', 'spec.containers.volumeDevices', 'merge', 'devicePath', false],
  ['v1', 'Pod', 'spec.initContainers.env', 'merge', 'name', false],
  ['v1', 'Pod', 'spec.ephemeralContainers.volumeMounts', 'merge', 'mountPath', false],
  ['v1', 'Pod', 'spec.volumes', 'merge', 'name', true],
  ['v1', 'Pod', 'spec.imagePullSecrets', 'merge', 'name', false],
  ['v1', 'Pod', 'spec.hostAliases', 'merge', 'ip', false],
  ['v1', 'Pod', 'spec.topologySpreadConstraints', 'merge', 'topologyKey', false],
  ['v1', 'Pod', 'spec.schedulingGates', 'merge', 'name', false],
  ['v1', 'Pod', 'spec.resourceClaims', 'merge', 'name', true],
  ['v1', 'Pod', 'status.conditions', 'merge', 'type', false],
  ['v1', 'Pod', 'status.podIPs', 'merge', 'ip', false],
  ['v1', 'Pod', 'status.hostIPs', 'merge', 'ip', false],
  ['v1', 'Pod', 'status.resourceClaimStatuses', 'merge', 'name', true],
  // untagged, so replaced whole
  ['v1', 'Pod', 'spec.tolerations', undefined, undefined, false],
  ['v1', 'Pod', 'spec.containers.envFrom', undefined, undefined, false],
  ['v1', 'Pod', 'spec.containers.command', undefined, undefined, false],
  ['v1', 'Pod', 'spec.containers.args', undefined, undefined, false],
  ['v1', 'Pod', 'spec.containers.resizePolicy', undefined, undefined, false],
  ['v1', 'Pod', 'spec.readinessGates', undefined, undefined, false],
  ['v1', 'Pod', 'status.containerStatuses', undefined, undefined, false],
  ['v1', 'Service', 'spec.ports', 'merge', 'port', false],
  ['v1', 'Service', 'status.conditions', 'merge', 'type', false],
  ['v1', 'Service', 'spec.externalIPs', undefined, undefined, false],
  ['v1', 'ServiceAccount', 'secrets', 'merge', 'name', false],
  ['v1', 'ServiceAccount', 'imagePullSecrets', undefined, undefined, false],
  ['v1', 'Node', 'spec.podCIDRs', 'merge', undefined, false],
  ['v1', 'Node', 'spec.taints', undefined, undefined, false],
  ['v1', 'Node', 'status.addresses', 'merge', 'type', false],
  ['v1', 'Node', 'status.conditions', 'merge', 'type', false],
  ['v1', 'Namespace', 'spec.finalizers', undefined, undefined, false],
  ['v1', 'Namespace', 'status.conditions', 'merge', 'type', false],
  ['v1', 'PersistentVolumeClaim', 'status.conditions', 'merge', 'type', false],
  ['v1', 'ReplicationController', 'spec.template.spec.containers', 'merge', 'name', false],
  ['v1', 'ReplicationController', 'status.conditions', 'merge', 'type', false],
  ['v1', 'Endpoints', 'subsets', undefined, undefined, false],
  ['v1', 'PodTemplate', 'template.spec.volumes', 'merge', 'name', true],
  ['apps/v1', 'Deployment', 'spec.template.spec.containers', 'merge', 'name', false],
  ['apps/v1', 'Deployment', 'spec.template.spec.containers.env', 'merge', 'name', false],
  ['apps/v1', 'Deployment', 'spec.template.metadata.finalizers', 'merge', undefined, false],
  ['apps/v1', 'Deployment', 'spec.strategy', undefined, undefined, true],
  ['apps/v1', 'Deployment', 'status.conditions', 'merge', 'type', false],
  ['apps/v1', 'ReplicaSet', 'spec.template.spec.initContainers', 'merge', 'name', false],
  ['apps/v1', 'ReplicaSet', 'status.conditions', 'merge', 'type', false],
  ['apps/v1', 'StatefulSet', 'spec.template.spec.containers.ports', 'merge', 'containerPort', false],
  ['apps/v1', 'StatefulSet', 'spec.volumeClaimTemplates', undefined, undefined, false],
  ['apps/v1', 'StatefulSet', 'status.conditions', 'merge', 'type', false],
  ['apps/v1', 'DaemonSet', 'spec.template.spec.volumes', 'merge', 'name', true],
  ['apps/v1', 'DaemonSet', 'spec.updateStrategy', undefined, undefined, false],
  ['apps/v1', 'DaemonSet', 'status.conditions', 'merge', 'type', false],
  ['batch/v1', 'Job', 'spec.template.spec.containers', 'merge', 'name', false],
  ['batch/v1', 'Job', 'status.conditions', 'merge', 'type', false],
  ['batch/v1', 'CronJob', 'spec.jobTemplate.spec.template.spec.containers.env', 'merge', 'name', false],
  ['batch/v1', 'CronJob', 'spec.jobTemplate.metadata.ownerReferences', 'merge', 'uid', false],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'status.conditions', 'merge', 'type', false],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'spec.metrics', undefined, undefined, false],
  ['policy/v1', 'PodDisruptionBudget', 'spec.selector', 'replace', undefined, false],
  ['policy/v1', 'PodDisruptionBudget', 'status.conditions', 'merge', 'type', false],
  ['discovery.k8s.io/v1', 'EndpointSlice', 'endpoints', undefined, undefined, false],
  ['discovery.k8s.io/v1', 'EndpointSlice', 'ports', undefined, undefined, false],
  ['discovery.k8s.io/v1', 'EndpointSlice', 'metadata.ownerReferences', 'merge', 'uid', false],
  ['networking.k8s.io/v1', 'Ingress', 'spec.rules', undefined, undefined, false],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'spec.ingress', undefined, undefined, false],
  ['rbac.authorization.k8s.io/v1', 'Role', 'rules', undefined, undefined, false],
  ['coordination.k8s.io/v1', 'Lease', 'metadata.finalizers', 'merge', undefined, false],
];

t.test('struct tags', async (t) => {
  for (const [apiVersion, kind, path, strategy, mergeKey, retainKeys] of TAGS) {
    const schema = mergeSchemaFor(apiVersion, kind);
    if (!schema) {
      t.fail(`no schema for ${apiVersion}/${kind}`);
      continue;
    }
    const meta = metaAt(schema, path);
    t.strictSame(
      { strategy: meta.strategy, mergeKey: meta.mergeKey, retainKeys: meta.retainKeys === true },
      { strategy, mergeKey, retainKeys },
      `${kind} ${path}`,
    );
  }
});

t.test('every served kind and patchable subresource kind has a schema', async (t) => {
  for (const res of RESOURCES) {
    const apiVersion = apiVersionOf(res);
    t.ok(mergeSchemaFor(apiVersion, res.kind), `${apiVersion}/${res.kind}`);
    for (const sub of res.subresources ?? []) {
      if (!sub.verbs.includes('patch')) continue;
      const subVersion = sub.group !== undefined && sub.version !== undefined ? apiVersionOf({ group: sub.group, version: sub.version }) : apiVersion;
      t.ok(mergeSchemaFor(subVersion, sub.kind), `${res.plural}/${sub.name}: ${subVersion}/${sub.kind}`);
    }
  }
});

t.test('unknown kinds and prototype keys', async (t) => {
  t.equal(mergeSchemaFor('example.com/v1', 'Widget'), undefined, 'custom resources have no schema');
  t.equal(mergeSchemaFor('v1', 'constructor'), undefined);
  const pod = mergeSchemaFor('v1', 'Pod')!;
  t.equal(fieldPatchMeta(pod, 'constructor'), NO_PATCH_META, 'inherited names are untagged fields');
  t.equal(fieldPatchMeta(pod, '__proto__'), NO_PATCH_META);
  t.ok(mergeSchemaKinds().includes('apps/v1/Deployment'));
  t.ok(Object.isFrozen(pod) && Object.isFrozen(pod.fields), 'schemas are immutable');
});
