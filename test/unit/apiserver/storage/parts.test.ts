// Small pieces of the storage layer: continue tokens, the stored encoding, lease reuse.
import t from 'tap';
import { decodeContinue, encodeContinue } from '../../../../apiserver/storage/continue-token.js';
import { decodeObject, encodeObject, parseResourceVersion } from '../../../../apiserver/storage/codec.js';
import { LeaseManager } from '../../../../apiserver/storage/lease-manager.js';
import { Predicate } from '../../../../apiserver/storage/predicate.js';
import { ApiError } from '../../../../lib/api/errors.js';
import { parseSelector, nothing } from '../../../../lib/api/labels.js';
import { parseFieldSelector } from '../../../../lib/api/fields.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { pod } from './fixtures.js';

t.test('continue tokens round-trip in Kubernetes\' shape', async (t) => {
  const token = encodeContinue({ rv: 42, start: 'default/p1\0' });
  t.same(JSON.parse(Buffer.from(token, 'base64').toString()), { v: 'meta.k8s.io/v1', rv: 42, start: 'default/p1\0' });
  t.same(decodeContinue(token), { rv: 42, start: 'default/p1\0' });
  t.same(decodeContinue(encodeContinue({ rv: -1, start: 'x' })), { rv: -1, start: 'x' });
  const urlSafe = token.replace(/\+/g, '-').replace(/\//g, '_');
  t.same(decodeContinue(urlSafe), { rv: 42, start: 'default/p1\0' });
});

t.test('stored encoding drops resourceVersion; decoding sets it; bad values are 500s', async (t) => {
  const base = pod('default', 'a');
  const p = { ...base, metadata: { ...base.metadata, resourceVersion: '7' } };
  const text = encodeObject(p);
  t.notMatch(text, /resourceVersion/);
  t.equal(p.metadata.resourceVersion, '7', 'the input is not changed');
  t.equal(decodeObject('/k', text, 12).metadata.resourceVersion, '12');
  for (const bad of ['{not json', '[1,2]', 'null']) {
    const e = t.throws(() => decodeObject('/registry/pods/default/a', bad, 1)) as unknown;
    t.ok(e instanceof ApiError && e.status.code === 500 && e.status.message.includes('/registry/pods/default/a'), `500 for ${bad}`);
  }
  t.same(decodeObject('/k', '{"kind":"X"}', 3).metadata, { resourceVersion: '3' }, 'missing metadata is tolerated');
});

t.test('parseResourceVersion', async (t) => {
  const table: Array<[string | undefined, number | undefined | 'error']> = [
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['123', 123],
    ['-1', 'error'],
    ['1.5', 'error'],
    ['abc', 'error'],
    ['99999999999999999', 'error'],
  ];
  for (const [input, want] of table) {
    if (want === 'error') t.throws(() => parseResourceVersion(input), ApiError, String(input));
    else t.equal(parseResourceVersion(input), want, String(input));
  }
});

t.test('predicate: labels and fields, empty selectors match everything', async (t) => {
  const p = pod('default', 'a', { labels: { app: 'web' }, nodeName: 'n1' });
  const table: Array<[string, ConstructorParameters<typeof Predicate>[0], boolean, boolean]> = [
    ['none', {}, true, true],
    ['empty selectors', { labelSelector: parseSelector(''), fieldSelector: parseFieldSelector('') }, true, true],
    ['label match', { labelSelector: parseSelector('app=web') }, false, true],
    ['label miss', { labelSelector: parseSelector('app!=web') }, false, false],
    ['nothing', { labelSelector: nothing() }, false, false],
    ['field match', { fieldSelector: parseFieldSelector('spec.nodeName=n1,metadata.name=a') }, false, true],
    ['field miss', { fieldSelector: parseFieldSelector('spec.nodeName=n2') }, false, false],
  ];
  for (const [what, opts, empty, match] of table) {
    const pred = new Predicate(opts, 'Pod');
    t.equal(pred.empty, empty, `${what}: empty`);
    t.equal(pred.matches(p), match, `${what}: matches`);
  }
});

t.test('lease manager: reuse within 5% of the TTL (max 60 s), never a lease that ends too soon', async (t) => {
  const clock = new FakeClock(0);
  const grants: number[] = [];
  let id = 0;
  const lm = new LeaseManager({ leaseGrant: async (ttl: number) => (grants.push(ttl), { id: ++id, ttl, header: { revision: 1, memberId: 'x', raftTerm: 1 } }) }, clock);
  const a = await lm.leaseFor(3600);
  t.same(grants, [3660], 'granted with the 60 s reuse margin (5% of 3600 = 180, capped at 60)');
  clock.advance(59_000);
  t.equal(await lm.leaseFor(3600), a, 'reused inside the margin');
  clock.advance(2_000);
  const b = await lm.leaseFor(3600);
  t.not(b, a, 'a fresh one once the old would expire too early');
  t.equal(await lm.leaseFor(7200), b + 1, 'a longer TTL needs a new lease');
  lm.forget(b + 1);
  t.equal(await lm.leaseFor(7200), b + 2, 'a forgotten lease is not handed out again');
  const short = await lm.leaseFor(10);
  t.equal(grants[grants.length - 1], 10, 'short TTLs get no margin');
  t.not(await lm.leaseFor(10), short, '…and are never reused');
});
