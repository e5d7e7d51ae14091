import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeKubernetesProtobuf,
  ProtobufDecodeError,
  type ProtobufDecodeReason,
} from '../../../../../lib/api/protobuf/index.js';
import { decodeMessage, MAX_DEPTH } from '../../../../../lib/api/protobuf/decode-message.js';
import { SchemaRegistry } from '../../../../../lib/api/protobuf/schema.js';
import { WireReader } from '../../../../../lib/api/protobuf/wire.js';
import { bytes, envelope, entry, msg, tag, varint, vint } from './encode.js';
import { protobufTestdataDir } from './helpers.js';

/** Bad input of every kind must end in a ProtobufDecodeError that says what and where. */

const MAGIC = Buffer.from('k8s\0', 'latin1');

interface Case {
  name: string;
  body: Buffer;
  reason: ProtobufDecodeReason;
  message: RegExp;
  path?: string;
}

const ns = (raw: Buffer): Buffer => envelope('v1', 'Namespace', raw);

const CASES: Case[] = [
  { name: 'empty body', body: Buffer.alloc(0), reason: 'Malformed', message: /does not start with the "k8s\\0" prefix/ },
  { name: 'wrong magic', body: Buffer.concat([Buffer.from('k8s\x01', 'latin1'), msg(1)]), reason: 'Malformed', message: /prefix/ },
  { name: 'a JSON body', body: Buffer.from('{"kind":"Namespace"}'), reason: 'Malformed', message: /prefix/ },
  { name: 'magic only', body: MAGIC, reason: 'Malformed', message: /does not name the object's apiVersion and kind/ },
  {
    name: 'no apiVersion',
    body: Buffer.concat([MAGIC, msg(1, bytes(2, 'Namespace'))]),
    reason: 'Malformed',
    message: /apiVersion and kind/,
  },
  {
    name: 'varint longer than 10 bytes',
    body: Buffer.concat([MAGIC, Buffer.alloc(11, 0xff)]),
    reason: 'Malformed',
    message: /varint/,
  },
  {
    name: 'varint overflowing 64 bits',
    body: Buffer.concat([MAGIC, Buffer.alloc(9, 0xff), Buffer.from([0x02])]),
    reason: 'Malformed',
    message: /overflows 64 bits/,
  },
  {
    name: 'varint cut short',
    body: Buffer.concat([MAGIC, Buffer.from([0x80, 0x80])]),
    reason: 'Malformed',
    message: /truncated varint/,
  },
  {
    name: 'huge length',
    body: Buffer.concat([MAGIC, tag(2, 2), varint(2n ** 62n), Buffer.from('abc')]),
    reason: 'Malformed',
    message: /length 4611686018427387904 .* runs past the end \(3 bytes left\)/,
  },
  {
    name: 'length past the end of a nested message',
    body: envelope('apps/v1', 'Deployment', msg(2, tag(3, 2), varint(50), Buffer.from('abc'))),
    reason: 'Malformed',
    message: /runs past the end/,
    path: 'spec.template',
  },
  { name: 'field number 0', body: Buffer.concat([MAGIC, Buffer.from([0x00, 0x00])]), reason: 'Malformed', message: /illegal field number 0/ },
  { name: 'wire type 6', body: Buffer.concat([MAGIC, tag(9, 6)]), reason: 'Malformed', message: /illegal wire type 6/ },
  { name: 'a group', body: ns(Buffer.concat([tag(50, 3), tag(50, 4)])), reason: 'Malformed', message: /group/, path: '(root)' },
  {
    name: 'truncated fixed32 in an unknown field',
    body: ns(Buffer.concat([tag(50, 5), Buffer.from([1, 2])])),
    reason: 'Malformed',
    message: /truncated 4-byte value/,
  },
  { name: 'a message sent as a varint', body: ns(vint(1, 5)), reason: 'Malformed', message: /wrong wire type 0 for field 1 \(metadata\)/, path: 'metadata' },
  {
    name: 'a string sent as a varint, deep down',
    body: envelope('apps/v1', 'Deployment', msg(2, msg(3, msg(2, msg(2, vint(2, 1)))))),
    reason: 'Malformed',
    message: /wrong wire type 0 for field 2 \(image\)/,
    path: 'spec.template.spec.containers[0].image',
  },
  { name: 'typeMeta as a varint', body: Buffer.concat([MAGIC, vint(1, 1)]), reason: 'Malformed', message: /wrong wire type 0 for typeMeta/ },
  { name: 'unsupported kind', body: envelope('v1', 'Pod', Buffer.alloc(0)), reason: 'UnsupportedKind', message: /v1\/Pod is not supported; send JSON/ },
  {
    name: 'unsupported kind with a lookalike version',
    body: envelope('apps/v1beta1', 'Deployment', Buffer.alloc(0)),
    reason: 'UnsupportedKind',
    message: /apps\/v1beta1\/Deployment/,
  },
  {
    name: 'gzip content encoding',
    body: envelope('v1', 'Namespace', Buffer.alloc(0), [bytes(3, 'gzip')]),
    reason: 'UnsupportedEncoding',
    message: /content encoding "gzip"/,
  },
  {
    name: 'a JSON payload in the envelope',
    body: envelope('v1', 'Namespace', Buffer.from('{}'), [bytes(4, 'application/json')]),
    reason: 'UnsupportedEncoding',
    message: /"application\/json" is not protobuf/,
  },
  {
    name: 'an invalid quantity',
    body: envelope('v1', 'ResourceQuota', msg(2, entry(1, 'cpu', msg(2, bytes(1, 'lots'))))),
    reason: 'InvalidValue',
    message: /invalid quantity "lots"/,
    path: 'spec.hard["cpu"]',
  },
  {
    name: 'an IntOrString of type 2',
    body: envelope('v1', 'Service', msg(2, msg(1, msg(4, vint(1, 2))))),
    reason: 'InvalidValue',
    message: /IntOrString type 2/,
    path: 'spec.ports[0].targetPort',
  },
  {
    name: 'an int64 beyond what JSON numbers hold exactly',
    body: ns(msg(1, vint(7, 2n ** 60n))),
    reason: 'InvalidValue',
    message: /int64 value 1152921504606846976/,
    path: 'metadata.generation',
  },
  {
    name: 'a time after year 9999',
    body: ns(msg(1, msg(8, vint(1, 2n ** 40n)))),
    reason: 'InvalidValue',
    message: /outside years 0001-9999/,
    path: 'metadata.creationTimestamp',
  },
  {
    name: 'negative nanos',
    body: ns(msg(1, msg(8, vint(1, 1), vint(2, -1)))),
    reason: 'InvalidValue',
    message: /nanos -1/,
  },
  {
    name: 'FieldsV1 that is not JSON',
    body: ns(msg(1, msg(17, msg(7, bytes(1, '{not json'))))),
    reason: 'InvalidValue',
    message: /FieldsV1 does not hold valid JSON/,
    path: 'metadata.managedFields[0].fieldsV1',
  },
];

for (const c of CASES) {
  t.test(c.name, async (t) => {
    const err = t.throws(() => decodeKubernetesProtobuf(c.body)) as unknown;
    t.ok(err instanceof ProtobufDecodeError, 'a ProtobufDecodeError');
    if (!(err instanceof ProtobufDecodeError)) return;
    t.equal(err.reason, c.reason);
    t.match(err.message, c.message);
    if (c.path !== undefined) {
      t.equal(err.path, c.path);
      t.ok(err.message.startsWith(`${c.path}: `), 'the message names the field');
    }
  });
}

function fixtureBodies(): Array<[string, Buffer]> {
  const dir = protobufTestdataDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pb'))
    .sort()
    .map((f) => [f, readFileSync(join(dir, f))]);
}

/** Decodes, reporting anything but success or a ProtobufDecodeError as a test failure. */
function decodeOrDecodeError(body: Buffer): 'ok' | 'error' {
  try {
    decodeKubernetesProtobuf(body);
    return 'ok';
  } catch (e) {
    if (e instanceof ProtobufDecodeError) return 'error';
    throw e;
  }
}

t.test('every truncation of a real body is refused or decodes, and cuts inside raw are refused', async (t) => {
  for (const [name, body] of fixtureBodies()) {
    // Where the envelope's raw field lies: after the magic and the typeMeta field.
    const r = new WireReader(body, MAGIC.length);
    r.readTag();
    r.readLengthDelimited();
    const rawTagAt = r.offset;
    r.readTag();
    const raw = r.readLengthDelimited();
    const rawEnd = r.offset;
    t.ok(raw.length > 0, `${name} has a raw object`);
    let refused = 0;
    for (let len = 0; len < body.length; len++) {
      const outcome = decodeOrDecodeError(body.subarray(0, len));
      if (len > rawTagAt && len < rawEnd && outcome !== 'error') t.fail(`${name} cut at ${len} (inside raw) decoded`);
      if (outcome === 'error') refused++;
    }
    t.ok(refused >= rawEnd - rawTagAt - 1, `${name}: ${refused} of ${body.length} truncations refused`);
  }
});

t.test('random corruption of real bodies never escapes as another error', async (t) => {
  // A fixed-seed generator keeps the run reproducible.
  let seed = 0x9e3779b9;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed % n;
  };
  const bodies = fixtureBodies().map(([, b]) => b);
  const outcomes = { ok: 0, error: 0 };
  for (let i = 0; i < 3000; i++) {
    const body = Buffer.from(bodies[next(bodies.length)]!);
    const edits = 1 + next(4);
    for (let e = 0; e < edits; e++) {
      const at = MAGIC.length + next(body.length - MAGIC.length);
      body[at] = next(3) === 0 ? 0xff : next(256);
    }
    outcomes[decodeOrDecodeError(body)]++;
  }
  t.equal(outcomes.ok + outcomes.error, 3000, `${outcomes.ok} decoded, ${outcomes.error} refused`);
  t.ok(outcomes.error > 0, 'some corruptions are refused');
});

t.test('nesting deeper than MAX_DEPTH is refused', async (t) => {
  const registry = new SchemaRegistry([{ Node: 'child=1:Node value=2:int32' }]);
  const nest = (levels: number): Buffer => {
    let b = vint(2, 7);
    for (let i = 0; i < levels; i++) b = msg(1, b);
    return b;
  };
  const decode = (levels: number): unknown =>
    decodeMessage(nest(levels), registry.get('Node'), { registry, unknownFields: [] }, '', 0);

  let shallow = decode(MAX_DEPTH) as Record<string, unknown>;
  for (let i = 0; i < MAX_DEPTH; i++) shallow = shallow.child as Record<string, unknown>;
  t.strictSame(shallow, { value: 7 }, `${MAX_DEPTH} levels decode`);

  const err = t.throws(() => decode(MAX_DEPTH + 1)) as unknown;
  t.ok(err instanceof ProtobufDecodeError && err.reason === 'Malformed');
  t.match((err as Error).message, /nested deeper than 64 levels/);
});
