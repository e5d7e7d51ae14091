import t from 'tap';
import {
  applyPatchOfType,
  applyStrategicMergePatch,
  EMPTY_MERGE_SCHEMA,
  mergeSchemaFor,
  PatchError,
  type JsonObject,
  type JsonValue,
  type MergeSchema,
} from '../../../../../lib/api/patch/index.js';

// Every `want` in ROWS is what apimachinery's strategicpatch package produces for the same object
// and patch (recorded with `kubectl patch --local --type=strategic`, kubectl 1.32), so these rows
// pin k8ts to the real apiserver's merge rules, element order included.

const DEP: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    labels: { app: 'web', tier: 'fe' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}\n' },
    finalizers: ['example.com/a', 'example.com/b'],
    ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o1', uid: 'u1' }],
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            command: ['nginx', '-g', 'daemon off;'],
            args: ['--a'],
            ports: [
              { containerPort: 80, name: 'http' },
              { containerPort: 443, name: 'https' },
            ],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            volumeMounts: [
              { name: 'data', mountPath: '/data' },
              { name: 'cfg', mountPath: '/etc/cfg', readOnly: true },
            ],
          },
          { name: 'sidecar', image: 'busybox' },
        ],
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'cfg', configMap: { name: 'cfg' } },
        ],
        tolerations: [{ key: 'a', operator: 'Exists' }],
      },
    },
  },
  status: {
    conditions: [
      { type: 'Available', status: 'True' },
      { type: 'Progressing', status: 'True' },
    ],
  },
};

const SVC: JsonObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: {
    selector: { app: 'web' },
    ports: [
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 8443 },
    ],
  },
};

const NODE: JsonObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1' },
  spec: { podCIDRs: ['10.0.0.0/24'], taints: [{ key: 'a', effect: 'NoSchedule' }] },
  status: {
    conditions: [
      { type: 'Ready', status: 'False' },
      { type: 'MemoryPressure', status: 'False' },
    ],
    addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
  },
};

interface Row {
  name: string;
  target: JsonObject;
  patch: JsonObject;
  /** Dotted path of the part of the result to compare ("" = all of it). */
  at: string;
  want: JsonValue;
}

function schemaOf(obj: JsonObject): MergeSchema {
  const s = mergeSchemaFor(obj.apiVersion as string, obj.kind as string);
  if (!s) throw new Error(`no schema for ${String(obj.kind)}`);
  return s;
}

function at(value: JsonValue, path: string): JsonValue | undefined {
  let cur: JsonValue | undefined = value;
  for (const part of path === '' ? [] : path.split('.')) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (cur !== null && typeof cur === 'object') cur = cur[part];
    else return undefined;
  }
  return cur;
}

const ROWS: Row[] = [
  {
    name: 'kubectl set image (kubectl-wire §8)',
    target: DEP,
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.28', name: 'web' }] } } } },
    at: 'spec.template.spec.containers',
    want: [{ args: ['--a'], command: ['nginx', '-g', 'daemon off;'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], image: 'nginx:1.28', name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }], volumeMounts: [{ mountPath: '/data', name: 'data' }, { mountPath: '/etc/cfg', name: 'cfg', readOnly: true }] }, { image: 'busybox', name: 'sidecar' }],
  },
  {
    name: 'set image of the second container keeps both',
    target: DEP,
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ image: 'busybox:2', name: 'sidecar' }] } } } },
    at: 'spec.template.spec.containers',
    want: [{ args: ['--a'], command: ['nginx', '-g', 'daemon off;'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], image: 'nginx:1.27', name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }], volumeMounts: [{ mountPath: '/data', name: 'data' }, { mountPath: '/etc/cfg', name: 'cfg', readOnly: true }] }, { image: 'busybox:2', name: 'sidecar' }],
  },
  {
    name: 'add an env var (no order directive: new first)',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'C', value: '3' }] }] } } } },
    at: 'spec.template.spec.containers.0.env',
    want: [{ name: 'C', value: '3' }, { name: 'A', value: '1' }, { name: 'B', value: '2' }],
  },
  {
    name: 'add an env var with $setElementOrder',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'web', '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }, { name: 'C' }], env: [{ name: 'C', value: '3' }] }] } } } },
    at: 'spec.template.spec.containers.0.env',
    want: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'C', value: '3' }],
  },
  {
    name: 'change an env var value by name',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'B', value: 'two' }] }] } } } },
    at: 'spec.template.spec.containers.0.env',
    want: [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }],
  },
  {
    name: 'remove an env var with $patch: delete',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'A', '$patch': 'delete' }] }] } } } },
    at: 'spec.template.spec.containers.0.env',
    want: [{ name: 'B', value: '2' }],
  },
  {
    name: 'env: null in an element deletes its value field',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'A', value: null, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] } } } },
    at: 'spec.template.spec.containers.0.env',
    want: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'B', value: '2' }],
  },
  {
    name: 'delete a container with $patch: delete',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'sidecar', '$patch': 'delete' }] } } } },
    at: 'spec.template.spec.containers',
    want: [{ args: ['--a'], command: ['nginx', '-g', 'daemon off;'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], image: 'nginx:1.27', name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }], volumeMounts: [{ mountPath: '/data', name: 'data' }, { mountPath: '/etc/cfg', name: 'cfg', readOnly: true }] }],
  },
  {
    name: 'delete every element with that key, and an absent one is fine',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'nope', '$patch': 'delete' }, { name: 'web', '$patch': 'delete' }] } } } },
    at: 'spec.template.spec.containers',
    want: [{ image: 'busybox', name: 'sidecar' }],
  },
  {
    name: 'null deletes a label',
    target: DEP,
    patch: { metadata: { labels: { tier: null } } },
    at: 'metadata.labels',
    want: { app: 'web' },
  },
  {
    name: 'null deletes an absent key quietly',
    target: DEP,
    patch: { metadata: { labels: { nope: null } } },
    at: 'metadata.labels',
    want: { app: 'web', tier: 'fe' },
  },
  {
    name: 'ports merge by containerPort',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 443, protocol: 'TCP' }, { containerPort: 8080, name: 'alt' }] }] } } } },
    at: 'spec.template.spec.containers.0.ports',
    want: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https', protocol: 'TCP' }, { containerPort: 8080, name: 'alt' }],
  },
  {
    name: 'service ports merge by port',
    target: SVC,
    patch: { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 8443, name: 'alt' }] } },
    at: 'spec.ports',
    want: [{ name: 'http', port: 80, targetPort: 9090 }, { name: 'alt', port: 8443 }, { name: 'https', port: 443, targetPort: 8443 }],
  },
  {
    name: 'service port deleted by port',
    target: SVC,
    patch: { spec: { ports: [{ port: 80, '$patch': 'delete' }] } },
    at: 'spec.ports',
    want: [{ name: 'https', port: 443, targetPort: 8443 }],
  },
  {
    name: 'volumeMounts merge by mountPath',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'web', volumeMounts: [{ mountPath: '/data', readOnly: true }, { mountPath: '/cache', name: 'cache' }] }] } } } },
    at: 'spec.template.spec.containers.0.volumeMounts',
    want: [{ mountPath: '/data', name: 'data', readOnly: true }, { mountPath: '/cache', name: 'cache' }, { mountPath: '/etc/cfg', name: 'cfg', readOnly: true }],
  },
  {
    name: 'command is replaced whole',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'web', command: ['sh'] }] } } } },
    at: 'spec.template.spec.containers.0.command',
    want: ['sh'],
  },
  {
    name: 'args are replaced whole',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'web', args: ['--b', '--c'] }] } } } },
    at: 'spec.template.spec.containers.0.args',
    want: ['--b', '--c'],
  },
  {
    name: 'tolerations have no merge key: replaced',
    target: DEP,
    patch: { spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } } },
    at: 'spec.template.spec.tolerations',
    want: [{ key: 'b', operator: 'Exists' }],
  },
  {
    name: 'volumes merge by name, $retainKeys switches the source',
    target: DEP,
    patch: { spec: { template: { spec: { volumes: [{ name: 'data', '$retainKeys': ['hostPath', 'name'], hostPath: { path: '/srv' } }] } } } },
    at: 'spec.template.spec.volumes',
    want: [{ hostPath: { path: '/srv' }, name: 'data' }, { configMap: { name: 'cfg' }, name: 'cfg' }],
  },
  {
    name: '$retainKeys on the deployment strategy',
    target: DEP,
    patch: { spec: { strategy: { '$retainKeys': ['type'], type: 'Recreate' } } },
    at: 'spec.strategy',
    want: { type: 'Recreate' },
  },
  {
    name: 'without $retainKeys the old strategy fields stay',
    target: DEP,
    patch: { spec: { strategy: { type: 'Recreate' } } },
    at: 'spec.strategy',
    want: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'Recreate' },
  },
  {
    name: '$retainKeys: [] clears the object',
    target: DEP,
    patch: { spec: { selector: { '$retainKeys': [] } } },
    at: 'spec.selector',
    want: {},
  },
  {
    name: '$setElementOrder reorders containers',
    target: DEP,
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }] } } } },
    at: 'spec.template.spec.containers',
    want: [{ image: 'busybox', name: 'sidecar' }, { args: ['--a'], command: ['nginx', '-g', 'daemon off;'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], image: 'nginx:1.27', name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }], volumeMounts: [{ mountPath: '/data', name: 'data' }, { mountPath: '/etc/cfg', name: 'cfg', readOnly: true }] }],
  },
  {
    name: '$setElementOrder places a new container',
    target: DEP,
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'log' }, { name: 'sidecar' }], containers: [{ name: 'log', image: 'fluent' }] } } } },
    at: 'spec.template.spec.containers',
    want: [{ args: ['--a'], command: ['nginx', '-g', 'daemon off;'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], image: 'nginx:1.27', name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }], volumeMounts: [{ mountPath: '/data', name: 'data' }, { mountPath: '/etc/cfg', name: 'cfg', readOnly: true }] }, { image: 'fluent', name: 'log' }, { image: 'busybox', name: 'sidecar' }],
  },
  {
    name: '$setElementOrder with a deletion',
    target: DEP,
    patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'log' }], containers: [{ name: 'log', image: 'fluent' }, { name: 'web', '$patch': 'delete' }, { name: 'sidecar', '$patch': 'delete' }] } } } },
    at: 'spec.template.spec.containers',
    want: [{ image: 'fluent', name: 'log' }],
  },
  {
    name: 'new container without order directive goes first',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'log', image: 'fluent' }] } } } },
    at: 'spec.template.spec.containers',
    want: [{ image: 'fluent', name: 'log' }, { args: ['--a'], command: ['nginx', '-g', 'daemon off;'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], image: 'nginx:1.27', name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }], volumeMounts: [{ mountPath: '/data', name: 'data' }, { mountPath: '/etc/cfg', name: 'cfg', readOnly: true }] }, { image: 'busybox', name: 'sidecar' }],
  },
  {
    name: 'finalizers merge as a set (new first)',
    target: DEP,
    patch: { metadata: { finalizers: ['example.com/c'] } },
    at: 'metadata.finalizers',
    want: ['example.com/c', 'example.com/a', 'example.com/b'],
  },
  {
    name: 'finalizers merge as a set (duplicates collapse)',
    target: DEP,
    patch: { metadata: { finalizers: ['example.com/b', 'example.com/c', 'example.com/c'] } },
    at: 'metadata.finalizers',
    want: ['example.com/a', 'example.com/b', 'example.com/c'],
  },
  {
    name: '$deleteFromPrimitiveList removes a finalizer',
    target: DEP,
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/a'] } },
    at: 'metadata.finalizers',
    want: ['example.com/b'],
  },
  {
    name: '$setElementOrder on finalizers',
    target: DEP,
    patch: { metadata: { '$setElementOrder/finalizers': ['example.com/b', 'example.com/c'], finalizers: ['example.com/c'], '$deleteFromPrimitiveList/finalizers': ['example.com/a'] } },
    at: 'metadata.finalizers',
    want: ['example.com/b', 'example.com/c'],
  },
  {
    name: 'finalizers: [] changes nothing, null removes them',
    target: DEP,
    patch: { metadata: { finalizers: null } },
    at: 'metadata',
    want: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}\n' }, labels: { app: 'web', tier: 'fe' }, name: 'web', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o1', uid: 'u1' }] },
  },
  {
    name: 'ownerReferences merge by uid',
    target: DEP,
    patch: { metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Y', name: 'o2', uid: 'u2' }] } },
    at: 'metadata.ownerReferences',
    want: [{ apiVersion: 'v1', kind: 'Y', name: 'o2', uid: 'u2' }, { apiVersion: 'v1', kind: 'X', name: 'o1', uid: 'u1' }],
  },
  {
    name: 'deployment conditions merge by type',
    target: DEP,
    patch: { status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'Stuck' }] } },
    at: 'status.conditions',
    want: [{ status: 'True', type: 'Available' }, { reason: 'Stuck', status: 'False', type: 'Progressing' }],
  },
  {
    name: 'node conditions merge by type, taints are replaced',
    target: NODE,
    patch: { spec: { taints: [{ key: 'b', effect: 'NoExecute' }], podCIDRs: ['10.0.1.0/24'] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    at: '',
    want: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDRs: ['10.0.1.0/24', '10.0.0.0/24'], taints: [{ effect: 'NoExecute', key: 'b' }] }, status: { addresses: [{ address: '10.0.0.1', type: 'InternalIP' }], conditions: [{ status: 'True', type: 'Ready' }, { status: 'False', type: 'MemoryPressure' }] } },
  },
  {
    name: 'kubectl cordon',
    target: NODE,
    patch: { spec: { unschedulable: true } },
    at: 'spec',
    want: { podCIDRs: ['10.0.0.0/24'], taints: [{ effect: 'NoSchedule', key: 'a' }], unschedulable: true },
  },
  {
    name: 'kubectl rollout restart',
    target: DEP,
    patch: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } } } } },
    at: 'spec.template.metadata',
    want: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' }, labels: { app: 'web' } },
  },
  {
    name: '$patch: replace on a map',
    target: DEP,
    patch: { metadata: { labels: { '$patch': 'replace', only: 'this' } } },
    at: 'metadata.labels',
    want: { only: 'this' },
  },
  {
    name: '$patch: replace element replaces the whole list',
    target: DEP,
    patch: { spec: { template: { spec: { containers: [{ name: 'solo', image: 'x' }, { '$patch': 'replace' }] } } } },
    at: 'spec.template.spec.containers',
    want: [{ image: 'x', name: 'solo' }],
  },
  {
    name: '$patch: delete on a map empties it',
    target: DEP,
    patch: { spec: { selector: { '$patch': 'delete' } } },
    at: 'spec.selector',
    want: {},
  },
  {
    name: 'a new key with directives is cleaned',
    target: DEP,
    patch: { spec: { template: { spec: { initContainers: [{ name: 'init', image: 'x', env: [{ name: 'E', '$patch': 'delete' }] }, { name: 'gone', '$patch': 'delete' }] } } } },
    at: 'spec.template.spec.initContainers',
    want: [{ env: [], image: 'x', name: 'init' }],
  },
  {
    name: 'a type change replaces the value',
    target: DEP,
    patch: { spec: { replicas: { weird: true } } },
    at: 'spec.replicas',
    want: { weird: true },
  },
  {
    name: 'scalars replace',
    target: DEP,
    patch: { spec: { replicas: 5 } },
    at: 'spec.replicas',
    want: 5,
  },
  {
    name: 'kubectl apply: annotation + replicas + image + new env, with order directives',
    target: DEP,
    patch: { metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' } }, spec: { replicas: 3, template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ name: 'web', image: 'nginx:1.28', '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }, { name: 'D' }], env: [{ name: 'D', value: '4' }] }] } } } },
    at: '',
    want: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' }, finalizers: ['example.com/a', 'example.com/b'], labels: { app: 'web', tier: 'fe' }, name: 'web', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o1', uid: 'u1' }] }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ args: ['--a'], command: ['nginx', '-g', 'daemon off;'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'D', value: '4' }], image: 'nginx:1.28', name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }], volumeMounts: [{ mountPath: '/data', name: 'data' }, { mountPath: '/etc/cfg', name: 'cfg', readOnly: true }] }, { image: 'busybox', name: 'sidecar' }], tolerations: [{ key: 'a', operator: 'Exists' }], volumes: [{ emptyDir: {}, name: 'data' }, { configMap: { name: 'cfg' }, name: 'cfg' }] } } }, status: { conditions: [{ status: 'True', type: 'Available' }, { status: 'True', type: 'Progressing' }] } },
  },
  {
    name: 'kubectl apply: removing a container and a label',
    target: DEP,
    patch: { metadata: { labels: { tier: null } }, spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ '$patch': 'delete', name: 'sidecar' }] } } } },
    at: '',
    want: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}\n' }, finalizers: ['example.com/a', 'example.com/b'], labels: { app: 'web' }, name: 'web', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o1', uid: 'u1' }] }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ args: ['--a'], command: ['nginx', '-g', 'daemon off;'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], image: 'nginx:1.27', name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }], volumeMounts: [{ mountPath: '/data', name: 'data' }, { mountPath: '/etc/cfg', name: 'cfg', readOnly: true }] }], tolerations: [{ key: 'a', operator: 'Exists' }], volumes: [{ emptyDir: {}, name: 'data' }, { configMap: { name: 'cfg' }, name: 'cfg' }] } } }, status: { conditions: [{ status: 'True', type: 'Available' }, { status: 'True', type: 'Progressing' }] } },
  },
];

t.test('strategic merge patch matches apimachinery', async (t) => {
  for (const row of ROWS) {
    const before = structuredClone(row.target);
    const patchBefore = structuredClone(row.patch);
    const out = applyStrategicMergePatch(row.target, row.patch, schemaOf(row.target));
    t.strictSame(at(out, row.at), row.want, row.name);
    t.strictSame(row.target, before, `${row.name}: target untouched`);
    t.strictSame(row.patch, patchBefore, `${row.name}: patch untouched`);
  }
});

// Where k8ts deliberately differs from Go: Go keeps directives and nulls of a value that has
// nothing to merge into (the typed decode later drops or rejects them); k8ts cleans them.
const CLEANED: Row[] = [
  {
    name: 'a new list element loses its nested directives and nulls',
    target: DEP,
    patch: {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'log', image: 'fluent', command: null, env: [{ name: 'E', $patch: 'delete' }, { name: 'F', value: null }] }],
          },
        },
      },
    },
    at: 'spec.template.spec.containers.0',
    want: { name: 'log', image: 'fluent', env: [{ name: 'F' }] },
  },
  {
    name: 'a new object with $patch: replace keeps its content',
    target: DEP,
    patch: { spec: { template: { spec: { dnsConfig: { $patch: 'replace', nameservers: ['1.1.1.1'] } } } } },
    at: 'spec.template.spec.dnsConfig',
    want: { nameservers: ['1.1.1.1'] },
  },
  {
    name: 'a new object with $retainKeys drops the directive',
    target: DEP,
    patch: { spec: { template: { spec: { securityContext: { runAsUser: 1, $retainKeys: ['runAsUser'] } } } } },
    at: 'spec.template.spec.securityContext',
    want: { runAsUser: 1 },
  },
  {
    name: 'a new object with $patch: delete is not added',
    target: DEP,
    patch: { spec: { template: { spec: { dnsConfig: { $patch: 'delete' } } } } },
    at: 'spec.template.spec.dnsConfig',
    want: null,
  },
  {
    name: '$patch: merge on an object is the default merge',
    target: DEP,
    patch: { metadata: { labels: { $patch: 'merge', track: 'canary' } } },
    at: 'metadata.labels',
    want: { app: 'web', tier: 'fe', track: 'canary' },
  },
  {
    name: 'deletions from a primitive list run after the merge, whatever the key order',
    target: DEP,
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/c'], finalizers: ['example.com/c'] } },
    at: 'metadata.finalizers',
    want: ['example.com/a', 'example.com/b'],
  },
];

t.test('documented differences from Go', async (t) => {
  for (const row of CLEANED) {
    const out = applyStrategicMergePatch(row.target, row.patch, schemaOf(row.target));
    t.strictSame(at(out, row.at) ?? null, row.want, row.name);
  }
});

// [name, target, patch, reason, message]
const ERRORS: Array<[string, JsonObject, JsonValue, string, string | RegExp]> = [
  ['unknown $patch on a map', DEP, { metadata: { labels: { $patch: 'bogus' } } }, 'BadRequest', 'unknown patch type: bogus in map: map[$patch:bogus]'],
  ['$patch: merge inside a list', DEP, { spec: { template: { spec: { containers: [{ $patch: 'merge' }] } } } }, 'BadRequest', 'merging lists cannot yet be specified in the patch'],
  ['unknown $patch inside a list', DEP, { spec: { template: { spec: { containers: [{ name: 'web', $patch: 'nope' }] } } } }, 'BadRequest', 'unknown patch type: nope in map: map[$patch:nope name:web]'],
  ['element without the merge key', DEP, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 'BadRequest', 'map: map[image:x] does not contain declared merge key: name'],
  ['delete directive without the merge key', DEP, { spec: { template: { spec: { containers: [{ $patch: 'delete' }] } } } }, 'BadRequest', 'map: map[$patch:delete] does not contain declared merge key: name'],
  ['$retainKeys not a list', DEP, { spec: { strategy: { $retainKeys: 'type' } } }, 'BadRequest', 'invalid patch format of retainKeys'],
  ['patched key missing from $retainKeys', DEP, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, 'BadRequest', 'invalid patch format of retainKeys'],
  ['$setElementOrder not a list', DEP, { spec: { template: { spec: { '$setElementOrder/containers': 'web' } } } }, 'BadRequest', 'expected a []interface {}, but received a string'],
  ['$setElementOrder element without merge key', DEP, { spec: { template: { spec: { '$setElementOrder/containers': [{ nam: 'web' }] } } } }, 'BadRequest', 'map: map[nam:web] does not contain declared merge key: name'],
  [
    'patch list out of $setElementOrder order',
    DEP,
    { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'web' }], containers: [{ name: 'web', image: 'a' }, { name: 'sidecar', image: 'b' }] } } } },
    'BadRequest',
    "the order in patch list:\n[map[image:a name:web] map[image:b name:sidecar]]\n doesn't match $setElementOrder list:\n[map[name:sidecar] map[name:web]]",
  ],
  ['patch list names an element $setElementOrder lacks', DEP, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ name: 'other', image: 'a' }] } } } }, 'BadRequest', /^the order in patch list/],
  ['malformed $deleteFromPrimitiveList key', DEP, { metadata: { $deleteFromPrimitiveListfinalizers: ['example.com/a'] } }, 'BadRequest', 'invalid patch format of primitive list'],
  ['malformed $setElementOrder key', DEP, { metadata: { $setElementOrderfinalizers: ['example.com/a'] } }, 'BadRequest', 'invalid patch format of setElementOrder list'],
  ['mixed element types', DEP, { metadata: { finalizers: ['x', 1] } }, 'BadRequest', 'list element types are not identical: [[example.com/a example.com/b] [x 1]]'],
  ['a list where objects are', DEP, { spec: { template: { spec: { containers: [{ name: 'web', ports: [[80]] }] } } } }, 'BadRequest', /^list element types are not identical/],
  ['null element in a merged list', DEP, { metadata: { finalizers: [null] } }, 'BadRequest', /^list element types are not identical: null/],
  ['lists of lists', { apiVersion: 'v1', kind: 'Pod', metadata: { finalizers: [] } }, { metadata: { finalizers: [['x']] } }, 'Invalid', 'lists of lists are not supported'],
  ['a list of objects on a set-merged field', { apiVersion: 'v1', kind: 'Pod', metadata: { finalizers: [{ a: 1 }] } }, { metadata: { finalizers: [{ a: 2 }] } }, 'BadRequest', 'cannot merge lists without merge key for Object'],
  ['patch is not an object', DEP, ['x'], 'BadRequest', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ['patch is null', DEP, null, 'BadRequest', 'json: cannot unmarshal null into Go value of type map[string]interface {}'],
];

t.test('malformed patches are rejected with the apiserver wording', async (t) => {
  for (const [name, target, patch, reason, message] of ERRORS) {
    t.throws(() => applyStrategicMergePatch(target, patch, schemaOf(target)), { name: 'PatchError', reason, message }, name);
  }
  const err = (() => {
    try {
      applyStrategicMergePatch(DEP, { metadata: { finalizers: [['x']] } }, schemaOf(DEP));
    } catch (e) {
      return e as PatchError;
    }
    return undefined;
  })();
  t.ok(err instanceof PatchError);
});

t.test('a schema-less merge behaves like a merge patch plus directives', async (t) => {
  const target = { a: { b: 1, c: [1, 2] }, d: ['x'] };
  const out = applyStrategicMergePatch(target, { a: { b: null, c: [3] }, d: [{ $patch: 'replace' }], e: 1 }, EMPTY_MERGE_SCHEMA);
  t.strictSame(out, { a: { c: [3] }, d: [], e: 1 });
  t.strictSame(applyStrategicMergePatch(undefined, { x: { y: null, z: 1 } }), { x: { z: 1 } }, 'no target is {}');
  t.throws(() => applyStrategicMergePatch([1], {}), { name: 'PatchError', reason: 'BadRequest' }, 'target must be an object');
});

t.test('through applyPatchOfType', async (t) => {
  const out = applyPatchOfType({
    type: 'strategic',
    live: SVC,
    patch: { spec: { ports: [{ port: 443, name: 'tls' }] } },
    schema: schemaOf(SVC),
  });
  t.strictSame(at(out, 'spec.ports'), [
    { name: 'http', port: 80, targetPort: 8080 },
    { name: 'tls', port: 443, targetPort: 8443 },
  ]);
});
