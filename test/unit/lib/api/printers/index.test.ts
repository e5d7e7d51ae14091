import t from 'tap';
import { PRINTED_KINDS, printerFor, tableFor, TablePrintError, TableOptionsError } from '../../../../../lib/api/printers/index.js';
import type { KubeObject } from '../../../../../lib/api/types.js';
import { cells, headers, HOUR, NOW, obj } from './fixtures.js';

// Every kind the apiserver serves, with the group it lives in.
const SERVED: Array<[string, string]> = [
  ['v1', 'Namespace'], ['v1', 'Node'], ['v1', 'Pod'], ['v1', 'Service'], ['v1', 'Endpoints'], ['v1', 'ConfigMap'],
  ['v1', 'Secret'], ['v1', 'ServiceAccount'], ['v1', 'Event'], ['v1', 'PersistentVolume'], ['v1', 'PersistentVolumeClaim'],
  ['v1', 'ReplicationController'], ['v1', 'ResourceQuota'], ['v1', 'LimitRange'],
  ['apps/v1', 'Deployment'], ['apps/v1', 'ReplicaSet'], ['apps/v1', 'DaemonSet'], ['apps/v1', 'StatefulSet'], ['apps/v1', 'ControllerRevision'],
  ['batch/v1', 'Job'], ['batch/v1', 'CronJob'], ['coordination.k8s.io/v1', 'Lease'], ['discovery.k8s.io/v1', 'EndpointSlice'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'],
  ['rbac.authorization.k8s.io/v1', 'Role'], ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding'], ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ['networking.k8s.io/v1', 'Ingress'], ['networking.k8s.io/v1', 'NetworkPolicy'], ['storage.k8s.io/v1', 'StorageClass'],
];

t.test('every served kind has its printer registered', async (t) => {
  t.strictSame([...PRINTED_KINDS].sort(), SERVED.map(([, kind]) => kind).sort());
});

t.test('every printer: a name column, well-formed definitions, one cell per column even for a bare object', async (t) => {
  for (const [apiVersion, kind] of SERVED) {
    const defs = printerFor(kind).columns;
    const name = defs.find((c) => c.name === 'Name');
    t.equal(name?.format, 'name', `${kind}: Name column has format "name"`);
    for (const c of defs) {
      t.ok(['string', 'integer', 'number', 'boolean', 'date'].includes(c.type), `${kind}.${c.name}: type ${c.type}`);
      t.ok(c.priority === 0 || c.priority === 1, `${kind}.${c.name}: priority ${c.priority}`);
      t.ok(c.description.length > 0, `${kind}.${c.name}: has a description`);
    }
    const bare: KubeObject = { apiVersion, kind, metadata: { name: 'bare' } };
    const row = cells(kind, bare);
    t.equal(row.length, defs.length, `${kind}: cells match columns`);
    t.ok(row.every((c) => ['string', 'number', 'boolean'].includes(typeof c)), `${kind}: cells are scalars`);
  }
});

t.test('wide-only columns are marked priority 1 and always filled (kubectl hides them without -o wide)', async (t) => {
  const wide = (kind: string) => headers(kind).filter((h) => h.endsWith('*'));
  t.strictSame(wide('Deployment'), ['Containers*', 'Images*', 'Selector*']);
  t.strictSame(wide('Service'), ['Selector*']);
  t.strictSame(wide('Namespace'), []);
  t.strictSame(wide('Pod'), ['IP*', 'Node*', 'Nominated Node*', 'Readiness Gates*']);
});

t.test('unknown kinds get the default table convertor: NAME and CREATED AT', async (t) => {
  const widget = obj('example.com/v1', 'Widget', 'w', {}, 2 * HOUR);
  const table = tableFor('Widget', [widget], { now: NOW, resourceVersion: '9' });
  t.strictSame(table.columnDefinitions.map((c) => [c.name, c.type, c.format]), [['Name', 'string', 'name'], ['Created At', 'date', '']]);
  t.strictSame(table.rows[0]!.cells, ['w', '2025-06-01T10:00:00Z']);
  t.strictSame(cells('Widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'no-time' } }), ['no-time', '0001-01-01T00:00:00Z']);
});

t.test('tableFor: rows in order, list resourceVersion, includeObject, noHeaders', async (t) => {
  const a = obj('v1', 'ConfigMap', 'a', { data: { k: 'v' } });
  const b = obj('v1', 'ConfigMap', 'b', { metadata: { namespace: 'kube-system', labels: { x: 'y' } } });
  const table = tableFor('ConfigMap', [a, b], { now: NOW, resourceVersion: '107' });
  t.equal(table.kind, 'Table');
  t.equal(table.apiVersion, 'meta.k8s.io/v1');
  t.strictSame(table.metadata, { resourceVersion: '107' });
  t.strictSame(table.rows.map((r) => r.cells), [['a', 1, '5m'], ['b', 0, '5m']]);
  t.strictSame(table.rows[1]!.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: b.metadata });

  t.strictSame(tableFor('ConfigMap', [a], { now: NOW, includeObject: 'Object' }).rows[0]!.object, a);
  t.equal(tableFor('ConfigMap', [a], { now: NOW, includeObject: 'None' }).rows[0]!.object, null);
  const watchEvent = tableFor('ConfigMap', [a], { now: NOW, noHeaders: true });
  t.strictSame(watchEvent.columnDefinitions, []);
  t.strictSame(watchEvent.rows[0]!.cells, ['a', 1, '5m']);
  t.strictSame(tableFor('Pod', [], { now: NOW, resourceVersion: '3' }).rows, []);
  t.throws(() => tableFor('ConfigMap', [a], { now: NOW, includeObject: 'Everything' as 'None' }), TableOptionsError);
});

t.test('the table serialises to the JSON kubectl reads', async (t) => {
  const json = JSON.parse(JSON.stringify(tableFor('Secret', [obj('v1', 'Secret', 's', { type: 'Opaque', data: { a: 'YQ==' } })], { now: NOW, resourceVersion: '5' })));
  t.strictSame(json.rows[0].cells, ['s', 'Opaque', 1, '5m']);
  t.strictSame(json.columnDefinitions[0], { name: 'Name', type: 'string', format: 'name', description: json.columnDefinitions[0].description, priority: 0 });
});

t.test('bad input: a clear error naming the object, never a crash', async (t) => {
  t.throws(() => tableFor('Pod', [null as unknown as KubeObject], { now: NOW }), new TablePrintError('cannot print Pod #0: not an object'));
  t.throws(() => tableFor('Pod', 'nope' as unknown as KubeObject[], { now: NOW }), TablePrintError);
  t.throws(() => tableFor('Pod', [], { now: Number.NaN }), TablePrintError);

  const exploding = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'boom', namespace: 'ns' } } as KubeObject;
  Object.defineProperty(exploding, 'spec', {
    get() {
      throw new Error('spec unreadable');
    },
  });
  t.throws(() => tableFor('Pod', [exploding], { now: NOW }), new TablePrintError('cannot print Pod ns/boom: spec unreadable'));

  // Objects with fields of the wrong shape either print or fail with a TablePrintError.
  const weird: unknown[] = [
    { spec: 'x', status: 5 },
    { spec: { containers: 'x', initContainers: [null] }, status: { containerStatuses: [null], conditions: 'no' } },
    { metadata: { name: 7, labels: 'x', creationTimestamp: 'yesterday' } },
    { status: { conditions: [{}], addresses: [{}], nodeInfo: 3 } },
    { spec: { ports: [{ port: 'eighty' }], selector: { matchLabels: 'x' } } },
  ];
  for (const [apiVersion, kind] of SERVED) {
    for (const [i, fields] of weird.entries()) {
      const o = { apiVersion, kind, metadata: { name: 'w', namespace: 'ns' }, ...(fields as object) } as KubeObject;
      try {
        const table = tableFor(kind, [o], { now: NOW });
        t.equal(table.rows[0]!.cells.length, table.columnDefinitions.length, `${kind} weird #${i} printed`);
      } catch (err) {
        t.type(err, TablePrintError, `${kind} weird #${i}: ${(err as Error).message}`);
        t.match((err as Error).message, new RegExp(`^cannot print ${kind} `));
      }
    }
  }
});
