import t from 'tap';
import {
  isKubernetesProtobufContentType,
  KUBERNETES_PROTOBUF_CONTENT_TYPE,
  supportedProtobufKinds,
} from '../../../../../lib/api/protobuf/index.js';
import { messageForKind, PROTOBUF_SCHEMAS } from '../../../../../lib/api/protobuf/kinds.js';
import { parseMessage, SchemaRegistry, type FieldSchema } from '../../../../../lib/api/protobuf/schema.js';
import { toInt32, toInt64, WireReader } from '../../../../../lib/api/protobuf/wire.js';
import { ProtobufDecodeError } from '../../../../../lib/api/protobuf/errors.js';

t.test('field tokens', async (t) => {
  const cases: Array<[string, Omit<FieldSchema, 'number'> & { number: number }]> = [
    ['name=1:string', { number: 1, jsonName: 'name', type: { kind: 'scalar', scalar: 'string' }, cardinality: 'single', zero: 'omitempty', inline: false }],
    ['replicas?=1:int32', { number: 1, jsonName: 'replicas', type: { kind: 'scalar', scalar: 'int32' }, cardinality: 'single', zero: 'pointer', inline: false }],
    ['port!=3:int32', { number: 3, jsonName: 'port', type: { kind: 'scalar', scalar: 'int32' }, cardinality: 'single', zero: 'required', inline: false }],
    ['command=3:[]string', { number: 3, jsonName: 'command', type: { kind: 'scalar', scalar: 'string' }, cardinality: 'repeated', zero: 'omitempty', inline: false }],
    ['hard=1:map<string,Quantity>', { number: 1, jsonName: 'hard', type: { kind: 'special', special: 'Quantity' }, cardinality: 'map', zero: 'omitempty', inline: false }],
    ['data=2:map<string,bytes>', { number: 2, jsonName: 'data', type: { kind: 'scalar', scalar: 'bytes' }, cardinality: 'map', zero: 'omitempty', inline: false }],
    ['~handler=1:ProbeHandler', { number: 1, jsonName: 'handler', type: { kind: 'message', message: 'ProbeHandler' }, cardinality: 'single', zero: 'omitempty', inline: true }],
    ['ports=6:[]ContainerPort', { number: 6, jsonName: 'ports', type: { kind: 'message', message: 'ContainerPort' }, cardinality: 'repeated', zero: 'omitempty', inline: false }],
    ['creationTimestamp=8:Time', { number: 8, jsonName: 'creationTimestamp', type: { kind: 'special', special: 'Time' }, cardinality: 'single', zero: 'omitempty', inline: false }],
  ];
  for (const [token, want] of cases) {
    t.strictSame(parseMessage('M', token).fields.get(want.number), want, token);
  }
});

t.test('bad tables are refused at load', async (t) => {
  const bad: Array<[string, string, RegExp]> = [
    ['no number', 'name:string', /cannot parse field "name:string"/],
    ['field number 0', 'name=0:string', /cannot parse/],
    ['unbalanced map', 'm=1:map<string,string', /unbalanced map/],
    ['inlined scalar', '~name=1:string', /only a single message field can be inlined/],
    ['inlined list', '~items=1:[]Thing', /only a single message field can be inlined/],
    ['number used twice', 'a=1:string b=1:string', /field number 1 used twice/],
    ['name used twice', 'a=1:string a=2:string', /JSON name a used twice/],
  ];
  for (const [name, text, message] of bad) t.throws(() => parseMessage('M', text), message, name);
  t.throws(() => new SchemaRegistry([{ A: 'b=1:Missing' }]), /A\.b: unknown message type Missing/);
  t.throws(() => new SchemaRegistry([{ A: 'x=1:string' }, { A: 'y=1:string' }]), /message A defined twice/);
});

t.test('every supported kind has a schema with ObjectMeta in field 1', async (t) => {
  const kinds = supportedProtobufKinds();
  t.strictSame(kinds, [
    'v1/Namespace', 'v1/ConfigMap', 'v1/Secret', 'v1/Service', 'v1/ServiceAccount', 'v1/ResourceQuota',
    'apps/v1/Deployment', 'apps/v1/ReplicaSet', 'batch/v1/Job', 'batch/v1/CronJob',
    'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
    'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
    'networking.k8s.io/v1/Ingress', 'policy/v1/PodDisruptionBudget', 'scheduling.k8s.io/v1/PriorityClass',
    'authentication.k8s.io/v1/TokenRequest',
  ]);
  for (const gvk of kinds) {
    const slash = gvk.lastIndexOf('/');
    const message = messageForKind(gvk.slice(0, slash), gvk.slice(slash + 1));
    t.ok(message !== undefined && PROTOBUF_SCHEMAS.has(message), gvk);
    const metadata = PROTOBUF_SCHEMAS.get(message!).fields.get(1);
    t.strictSame(metadata?.type, { kind: 'message', message: 'ObjectMeta' }, `${gvk} metadata`);
  }
  t.equal(messageForKind('v1', 'ObjectMeta'), undefined, 'a message that is not a kind');
  t.equal(messageForKind('constructor', 'Namespace'), undefined, 'no prototype lookups');
  t.equal(messageForKind('v1', 'toString'), undefined);
});

t.test('content type matching', async (t) => {
  const cases: Array<[string | undefined, boolean]> = [
    [KUBERNETES_PROTOBUF_CONTENT_TYPE, true],
    ['application/vnd.kubernetes.protobuf; charset=binary', true],
    ['Application/VND.Kubernetes.Protobuf', true],
    ['application/vnd.kubernetes.protobuf;stream=watch', true],
    ['application/json', false],
    ['application/vnd.kubernetes.protobuf+json', false],
    ['', false],
    [undefined, false],
  ];
  for (const [ct, want] of cases) t.equal(isKubernetesProtobufContentType(ct), want, String(ct));
});

t.test('varints and integer conversion', async (t) => {
  const cases: Array<[number[], bigint]> = [
    [[0x00], 0n],
    [[0x7f], 127n],
    [[0x80, 0x01], 128n],
    [[0xac, 0x02], 300n],
    [[0xff, 0xff, 0xff, 0xff, 0x0f], 0xffffffffn],
    [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 2n ** 64n - 1n],
  ];
  for (const [input, want] of cases) {
    const r = new WireReader(Uint8Array.from(input));
    t.equal(r.readVarint(), want, input.join(','));
    t.ok(r.done, 'consumed exactly');
  }
  t.equal(toInt32(2n ** 64n - 1n), -1);
  t.equal(toInt32(2n ** 32n + 5n), 5, 'int32 keeps the low 32 bits, as Go does');
  t.equal(toInt32(0x80000000n), -2147483648);
  t.equal(toInt64(2n ** 64n - 2n), -2);
  t.equal(toInt64(2n ** 53n - 1n), Number.MAX_SAFE_INTEGER);
  t.throws(() => toInt64(2n ** 53n), ProtobufDecodeError);
});
