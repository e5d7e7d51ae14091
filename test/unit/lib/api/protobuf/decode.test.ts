import t from 'tap';
import { decodeProtobufObject } from '../../../../../lib/api/protobuf/index.js';
import { bytes, entry, fixed32, fixed64, msg, varint, vint } from './encode.js';

/**
 * How protobuf fields become JSON: Go's zero-value rules, protobuf's merge rules, inlined structs,
 * and the apimachinery types with their own JSON forms. Inputs are built by hand.
 */

/** A Quantity message. */
const quantity = (field: number, s: string): Buffer => msg(field, bytes(1, s));
/** An IntOrString message holding a number. */
const intOrInt = (field: number, n: number): Buffer => msg(field, vint(1, 0), vint(2, n));
/** A container in a Deployment: spec.template.spec.containers[0]. */
const deploymentWithContainer = (...fields: Buffer[]): Buffer => msg(2, msg(3, msg(2, msg(2, bytes(1, 'c'), ...fields))));

interface Case {
  name: string;
  apiVersion: string;
  kind: string;
  raw: Buffer;
  /** The object without kind/apiVersion. */
  want: Record<string, unknown>;
  unknownFields?: string[];
}

const CASES: Case[] = [
  {
    name: 'omitempty drops zero scalars and keeps the rest',
    apiVersion: 'v1',
    kind: 'Namespace',
    raw: msg(1, bytes(1, 'ns'), bytes(2, ''), vint(7, 0), bytes(6, '42')),
    want: { metadata: { name: 'ns', resourceVersion: '42' } },
  },
  {
    name: 'a pointer field keeps its zero value',
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    raw: msg(2, vint(1, 0), vint(5, 0), vint(7, false)),
    want: { spec: { replicas: 0 } },
  },
  {
    name: 'a field without omitempty is printed, and filled in when absent',
    apiVersion: 'v1',
    kind: 'Service',
    raw: msg(2, msg(1, bytes(1, 'http')), msg(1, vint(3, 0), bytes(1, ''))),
    want: { spec: { ports: [{ name: 'http', port: 0 }, { port: 0 }] } },
  },
  {
    name: 'negative int32 in a 10-byte varint',
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    raw: msg(2, vint(1, -1)),
    want: { spec: { replicas: -1 } },
  },
  {
    name: 'the last scalar wins, and a last zero removes the value',
    apiVersion: 'v1',
    kind: 'Namespace',
    raw: msg(1, bytes(1, 'first'), bytes(1, 'second'), bytes(3, 'x'), bytes(3, '')),
    want: { metadata: { name: 'second' } },
  },
  {
    name: 'a message field seen twice merges',
    apiVersion: 'v1',
    kind: 'Namespace',
    raw: Buffer.concat([msg(1, bytes(1, 'a')), msg(1, bytes(3, 'ns'), entry(11, 'k', bytes(2, 'v')))]),
    want: { metadata: { name: 'a', namespace: 'ns', labels: { k: 'v' } } },
  },
  {
    name: 'repeated numbers packed and unpacked, required fields filled in nested messages',
    apiVersion: 'batch/v1',
    kind: 'Job',
    raw: msg(2, msg(11, msg(1, msg(2, bytes(3, Buffer.concat([varint(1), varint(42)])), vint(3, 7))))),
    want: { spec: { podFailurePolicy: { rules: [{ action: '', onExitCodes: { operator: '', values: [1, 42, 7] } }] } } },
  },
  {
    name: 'bytes map values print as base64; a missing value is the zero value; a repeated key overwrites',
    apiVersion: 'v1',
    kind: 'Secret',
    raw: Buffer.concat([
      entry(2, 'bin', bytes(2, Buffer.from([0x00, 0xff]))),
      entry(2, 'empty', Buffer.alloc(0)),
      entry(2, 'twice', bytes(2, 'one')),
      entry(2, 'twice', bytes(2, 'two')),
      bytes(3, 'Opaque'),
    ]),
    want: { data: { bin: 'AP8=', empty: '', twice: 'dHdv' }, type: 'Opaque' },
  },
  {
    name: 'inlined structs: LocalObjectReference, ProbeHandler, VolumeSource',
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    raw: Buffer.concat([
      deploymentWithContainer(
        msg(19, msg(2, msg(1, bytes(1, 'cfg')), vint(2, false))),
        msg(10, msg(1, msg(2, bytes(1, '/healthz'), intOrInt(2, 8080))), vint(4, 5)),
      ),
      msg(2, msg(3, msg(2, msg(1, bytes(1, 'scratch'), msg(2, msg(2, quantity(2, '1024Mi'))))))),
    ]),
    want: {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'c',
                envFrom: [{ configMapRef: { name: 'cfg', optional: false } }],
                livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
              },
            ],
            volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Gi' } }],
          },
        },
      },
    },
  },
  {
    name: 'Time: seconds print as RFC 3339 in UTC, an empty message is null',
    apiVersion: 'v1',
    kind: 'Namespace',
    raw: msg(1, msg(8, vint(1, 1_700_000_000), vint(2, 123)), msg(9)),
    want: { metadata: { creationTimestamp: '2023-11-14T22:13:20Z', deletionTimestamp: null } },
  },
  {
    name: 'Time at the edges of Go\'s range',
    apiVersion: 'v1',
    kind: 'Namespace',
    raw: msg(3, msg(2, bytes(1, 'a'), bytes(2, 'b'), msg(4, vint(1, -62135596800n))), msg(2, bytes(1, 'c'), bytes(2, 'd'), msg(4, vint(1, 253402300799n)))),
    want: {
      status: {
        conditions: [
          { type: 'a', status: 'b', lastTransitionTime: '0001-01-01T00:00:00Z' },
          { type: 'c', status: 'd', lastTransitionTime: '9999-12-31T23:59:59Z' },
        ],
      },
    },
  },
  {
    name: 'IntOrString as a string and as a number',
    apiVersion: 'v1',
    kind: 'Service',
    raw: msg(2, msg(1, vint(3, 80), msg(4, vint(1, 1), bytes(3, 'http'))), msg(1, vint(3, 81), intOrInt(4, 8081))),
    want: { spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }] } },
  },
  {
    name: 'Quantity prints canonically; an empty Quantity is "0"',
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    raw: msg(2, entry(1, 'cpu', quantity(2, '1500m')), entry(1, 'memory', quantity(2, '1048576Ki')), entry(1, 'pods', msg(2))),
    want: { spec: { hard: { cpu: '1500m', memory: '1Gi', pods: '0' } } },
  },
  {
    name: 'managedFields with FieldsV1 JSON',
    apiVersion: 'v1',
    kind: 'ConfigMap',
    raw: msg(1, msg(17, bytes(1, 'kubectl'), bytes(2, 'Update'), bytes(6, 'FieldsV1'), msg(7, bytes(1, '{"f:data":{".":{}}}')))),
    want: { metadata: { managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {} } } }] } },
  },
  {
    name: 'unknown fields of every wire type are skipped and reported',
    apiVersion: 'v1',
    kind: 'ConfigMap',
    raw: Buffer.concat([vint(99, 1), fixed32(98), fixed64(97), bytes(96, 'x'), msg(1, vint(50, 1), bytes(1, 'cm')), vint(4, true)]),
    want: { metadata: { name: 'cm' }, immutable: true },
    unknownFields: ['(root)#99', '(root)#98', '(root)#97', '(root)#96', 'metadata#50'],
  },
  {
    name: 'RBAC subjects and roleRef keep their required empty strings',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    raw: Buffer.concat([msg(2, bytes(1, 'User'), bytes(3, 'u')), msg(3, bytes(2, 'Role'))]),
    want: { subjects: [{ kind: 'User', name: 'u' }], roleRef: { apiGroup: '', kind: 'Role', name: '' } },
  },
];

for (const c of CASES) {
  t.test(c.name, async (t) => {
    const got = decodeProtobufObject(c.apiVersion, c.kind, c.raw);
    t.strictSame(got.object, { kind: c.kind, apiVersion: c.apiVersion, ...c.want });
    t.strictSame(got.unknownFields, c.unknownFields ?? []);
  });
}

t.test('a map key "__proto__" is an ordinary key, not a prototype', async (t) => {
  const got = decodeProtobufObject('v1', 'ConfigMap', Buffer.concat([entry(2, '__proto__', bytes(2, 'x')), entry(2, 'k', bytes(2, 'v'))]));
  const data = got.object.data as Record<string, unknown>;
  t.equal(Object.getPrototypeOf(data), Object.prototype);
  t.strictSame(Object.keys(data), ['__proto__', 'k']);
  t.equal(JSON.stringify(data), '{"__proto__":"x","k":"v"}');
  t.equal(({} as Record<string, unknown>).x, undefined, 'Object.prototype untouched');
});

t.test('decoded objects serialise to the same JSON kubectl would send', async (t) => {
  const got = decodeProtobufObject('scheduling.k8s.io/v1', 'PriorityClass', Buffer.concat([msg(1, bytes(1, 'pc')), vint(2, 0)]));
  t.equal(JSON.stringify(got.object), '{"kind":"PriorityClass","apiVersion":"scheduling.k8s.io/v1","metadata":{"name":"pc"},"value":0}');
});
