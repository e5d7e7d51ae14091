import t from 'tap';
import { MvccError } from '../../../../store/mvcc/errors.js';
import { RANGE_END_ALL } from '../../../../store/mvcc/keys.js';
import { MvccStore } from '../../../../store/mvcc/store.js';
import type { Command, Compare } from '../../../../store/mvcc/types.js';
import { codeOf, del, mustApply, newStore, put, rng } from './helpers.js';

const keysOf = (kvs: { key: string }[]) => kvs.map((kv) => kv.key);

t.test('revisions: create/mod/version, delete, recreate', async (t) => {
  const { store } = newStore();
  t.equal(store.currentRevision, 1, 'an empty store is at revision 1 (as etcd)');
  t.equal(put(store, 'a', 'v1').header.revision, 2);
  t.same(store.get('a'), { key: 'a', value: 'v1', createRevision: 2, modRevision: 2, version: 1, lease: 0 });
  put(store, 'a', 'v2');
  t.same(store.get('a'), { key: 'a', value: 'v2', createRevision: 2, modRevision: 3, version: 2, lease: 0 });
  put(store, 'b', 'x');
  const d = del(store, 'a');
  t.equal(d.deleted, 1);
  t.equal(d.header.revision, 5);
  t.equal(store.get('a'), undefined, 'deleted key is gone');
  put(store, 'a', 'v3');
  t.same(store.get('a'), { key: 'a', value: 'v3', createRevision: 6, modRevision: 6, version: 1, lease: 0 }, 'recreate starts a new generation');
  const none = del(store, 'missing');
  t.equal(none.deleted, 0);
  t.equal(none.header.revision, 6, 'deleting nothing does not bump the revision');
  t.equal(store.currentRevision, 6);
  put(store, 'a', 'v3');
  t.equal(store.get('a')!.version, 2, 'a put with an unchanged value is still a new version');
});

t.test('range at a past revision', async (t) => {
  const { store } = newStore();
  put(store, 'k', 'one'); // 2
  put(store, 'k', 'two'); // 3
  del(store, 'k'); // 4
  put(store, 'k', 'three'); // 5
  const at = (revision: number) => store.range({ key: 'k', revision }).kvs.map((kv) => kv.value);
  t.same(at(1), []);
  t.same(at(2), ['one']);
  t.same(at(3), ['two']);
  t.same(at(4), [], 'deleted at 4');
  t.same(at(5), ['three']);
  t.same(at(0), ['three'], 'revision 0 = current');
  t.equal(store.range({ key: 'k', revision: 3 }).header.revision, 5, 'header carries the current revision');
  t.throws(() => store.range({ key: 'k', revision: 6 }), { code: 'futureRevision' });
  t.equal(store.get('k', 3)!.value, 'two');
});

t.test('limit, count, more, countOnly, keysOnly, sorting', async (t) => {
  const { store } = newStore();
  for (let i = 9; i >= 0; i--) put(store, `/p/${i}`, `value-${i}`);
  put(store, '/q', 'outside');
  const page = store.range({ key: '/p/', prefix: true, limit: 3 });
  t.same(keysOf(page.kvs), ['/p/0', '/p/1', '/p/2']);
  t.equal(page.count, 10);
  t.equal(page.more, true);
  const all = store.range({ key: '/p/', prefix: true, limit: 10 });
  t.equal(all.kvs.length, 10);
  t.equal(all.more, false, 'limit equal to count is not "more"');
  const unlimited = store.range({ key: '/p/', prefix: true });
  t.equal(unlimited.kvs.length, 10);
  t.equal(unlimited.more, false);
  const counted = store.range({ key: '/p/', prefix: true, countOnly: true });
  t.same(counted.kvs, []);
  t.equal(counted.count, 10);
  t.equal(counted.more, false);
  const keysOnly = store.range({ key: '/p/', prefix: true, keysOnly: true, limit: 2 });
  t.same(keysOnly.kvs.map((kv) => kv.value), ['', '']);
  t.equal(keysOnly.kvs[0]!.modRevision, 11, 'keysOnly keeps the metadata');
  const desc = store.range({ key: '/p/', prefix: true, sortOrder: 'descend', limit: 2 });
  t.same(keysOf(desc.kvs), ['/p/9', '/p/8'], 'descending by key, then limited');
  t.equal(desc.more, true);
  const byMod = store.range({ key: '/p/', prefix: true, sortOrder: 'ascend', sortTarget: 'modRevision', limit: 2 });
  t.same(keysOf(byMod.kvs), ['/p/9', '/p/8'], 'oldest writes first');
  // Paging as the apiserver does it: continue from the last key + "\0" at a fixed revision.
  const rev = store.currentRevision;
  put(store, '/p/5', 'changed after the list started');
  const seen: string[] = [];
  let from = '/p/';
  for (let pages = 0; pages < 10; pages++) {
    const res = store.range({ key: from, rangeEnd: '/p0', limit: 4, revision: rev });
    seen.push(...res.kvs.map((kv) => kv.value));
    if (!res.more) break;
    from = res.kvs[res.kvs.length - 1]!.key + '\0';
  }
  t.equal(seen.length, 10);
  t.notOk(seen.includes('changed after the list started'), 'pages read a consistent past revision');
});

t.test('prefix and rangeEnd semantics', async (t) => {
  const { store } = newStore();
  for (const k of ['/a', '/a/1', '/a/2', '/a0', '/b', 'z']) put(store, k, k);
  const r = (req: Parameters<MvccStore['range']>[0]) => keysOf(store.range(req).kvs);
  t.same(r({ key: '/a/', prefix: true }), ['/a/1', '/a/2']);
  t.same(r({ key: '/a', prefix: true }), ['/a', '/a/1', '/a/2', '/a0']);
  t.same(r({ key: '/a/', rangeEnd: '/b' }), ['/a/1', '/a/2', '/a0']);
  t.same(r({ key: '/a0', rangeEnd: RANGE_END_ALL }), ['/a0', '/b', 'z'], "rangeEnd '\\0' = every key >= key");
  t.same(r({ key: '\0', rangeEnd: RANGE_END_ALL }), ['/a', '/a/1', '/a/2', '/a0', '/b', 'z'], 'all keys');
  t.same(r({ key: '', prefix: true }), ['/a', '/a/1', '/a/2', '/a0', '/b', 'z'], 'empty prefix = all keys');
  t.same(r({ key: '/b', rangeEnd: '/a' }), [], 'rangeEnd below key is an empty range');
  t.same(r({ key: '/a' }), ['/a'], 'no rangeEnd = the single key');
  t.throws(() => store.range({ key: '' }), { code: 'emptyKey' });
  const d = del(store, '/a/', { prefix: true, prevKv: true });
  t.equal(d.deleted, 2);
  t.same(keysOf(d.prevKvs!), ['/a/1', '/a/2'], 'prevKvs in key order');
  t.same(d.prevKvs!.map((kv) => kv.value), ['/a/1', '/a/2']);
  t.equal(d.header.revision, 8, 'a multi-key delete is one revision');
  t.same(r({ key: '/a', prefix: true }), ['/a', '/a0']);
});

t.test('put and delete with prevKv', async (t) => {
  const { store } = newStore();
  t.equal(put(store, 'k', 'a', { prevKv: true }).prevKv, undefined, 'no previous version on create');
  const p = put(store, 'k', 'b', { prevKv: true });
  t.same(p.prevKv, { key: 'k', value: 'a', createRevision: 2, modRevision: 2, version: 1, lease: 0 });
  t.equal(put(store, 'k', 'c').prevKv, undefined, 'not returned unless asked');
  const d = del(store, 'k', { prevKv: true });
  t.same(d.prevKvs, [{ key: 'k', value: 'c', createRevision: 2, modRevision: 4, version: 3, lease: 0 }]);
  t.same(del(store, 'k', { prevKv: true }).prevKvs, [], 'deleting a deleted key returns nothing');
});

t.test('ignoreValue and ignoreLease', async (t) => {
  const { store } = newStore();
  mustApply(store, { type: 'leaseGrant', id: 7, ttl: 60 });
  put(store, 'k', 'keep me', { lease: 7 });
  mustApply(store, { type: 'put', key: 'k', value: '', ignoreValue: true, ignoreLease: true });
  t.same(store.get('k'), { key: 'k', value: 'keep me', createRevision: 2, modRevision: 3, version: 2, lease: 7 }, 'lease grants do not bump the revision');
  mustApply(store, { type: 'put', key: 'k', value: 'new', ignoreLease: true });
  t.equal(store.get('k')!.lease, 7);
  const table: Array<[string, Command, string]> = [
    ['ignoreValue on a missing key', { type: 'put', key: 'nope', value: '', ignoreValue: true }, 'keyNotFound'],
    ['ignoreLease on a missing key', { type: 'put', key: 'nope', value: 'v', ignoreLease: true }, 'keyNotFound'],
    ['ignoreValue with a value', { type: 'put', key: 'k', value: 'x', ignoreValue: true }, 'valueProvided'],
    ['ignoreLease with a lease', { type: 'put', key: 'k', value: 'x', lease: 7, ignoreLease: true }, 'leaseProvided'],
  ];
  for (const [name, cmd, code] of table) t.equal(codeOf(store.apply(cmd)), code, name);
});

t.test('txn semantics', async (t) => {
  t.test('compare on mod revision: compare-and-swap, one revision for all writes', async (t) => {
    const { store } = newStore();
    put(store, '/obj', 'v1'); // 2
    put(store, '/other', 'o'); // 3
    const mod = store.get('/obj')!.modRevision;
    const ok = mustApply(store, {
      type: 'txn',
      compare: [{ key: '/obj', target: 'modRevision', op: '=', value: mod }],
      success: [
        { type: 'put', key: '/obj', value: 'v2', prevKv: true },
        { type: 'put', key: '/new', value: 'n' },
        { type: 'deleteRange', key: '/other', prevKv: true },
        { type: 'range', key: '/', prefix: true },
      ],
      failure: [{ type: 'range', key: '/obj' }],
    });
    t.equal(ok.succeeded, true);
    t.equal(ok.header.revision, 4, 'the whole txn is revision 4');
    t.equal(store.get('/obj')!.modRevision, 4);
    t.equal(store.get('/new')!.modRevision, 4, 'every write of the txn shares the revision');
    t.same(ok.responses.map((r) => r.type), ['put', 'put', 'deleteRange', 'range']);
    const [p, , d, r] = ok.responses;
    t.equal(p!.type === 'put' && p.prevKv?.value, 'v1', 'nested put response carries prevKv');
    t.equal(d!.type === 'deleteRange' && d.deleted, 1);
    t.same(r!.type === 'range' && r.kvs.map((kv) => `${kv.key}=${kv.value}@${kv.modRevision}`), ['/new=n@4', '/obj=v2@4'], 'a range in the txn sees its earlier writes');
    t.ok(ok.responses.every((x) => x.header.revision === 4), 'op headers carry the txn revision');
    // The same compare is now stale: failure branch, nothing written.
    const stale = mustApply(store, {
      type: 'txn',
      compare: [{ key: '/obj', target: 'modRevision', op: '=', value: mod }],
      success: [{ type: 'put', key: '/obj', value: 'lost update' }],
      failure: [{ type: 'range', key: '/obj' }],
    });
    t.equal(stale.succeeded, false);
    t.equal(stale.header.revision, 4, 'a read-only branch does not bump the revision');
    t.equal(stale.responses[0]!.type === 'range' && stale.responses[0].kvs[0]!.value, 'v2', 'failure branch returns the current object');
  });

  t.test('compare kinds and operators', async (t) => {
    const { store } = newStore();
    put(store, 'x', 'bbb'); // 2
    put(store, 'x', 'bbb'); // 3, version 2
    put(store, '/r/1', 'a'); // 4
    put(store, '/r/2', 'a'); // 5
    const holds = (compare: Compare) =>
      mustApply(store, { type: 'txn', compare: [compare], success: [], failure: [] }).succeeded;
    const table: Array<[string, Compare, boolean]> = [
      ['version =', { key: 'x', target: 'version', op: '=', value: 2 }, true],
      ['version >', { key: 'x', target: 'version', op: '>', value: 2 }, false],
      ['version <', { key: 'x', target: 'version', op: '<', value: 3 }, true],
      ['version !=', { key: 'x', target: 'version', op: '!=', value: 2 }, false],
      ['createRevision =', { key: 'x', target: 'createRevision', op: '=', value: 2 }, true],
      ['modRevision >', { key: 'x', target: 'modRevision', op: '>', value: 2 }, true],
      ['value =', { key: 'x', target: 'value', op: '=', value: 'bbb' }, true],
      ['value <', { key: 'x', target: 'value', op: '<', value: 'c' }, true],
      ['value > (byte order)', { key: 'x', target: 'value', op: '>', value: 'bb' }, true],
      ['value !=', { key: 'x', target: 'value', op: '!=', value: 'bbb' }, false],
      ['lease = 0', { key: 'x', target: 'lease', op: '=', value: 0 }, true],
      ['missing key: createRevision = 0 (create-if-absent)', { key: 'nope', target: 'createRevision', op: '=', value: 0 }, true],
      ['missing key: version > 0', { key: 'nope', target: 'version', op: '>', value: 0 }, false],
      ['missing key: modRevision < 5', { key: 'nope', target: 'modRevision', op: '<', value: 5 }, true],
      ['missing key: any value compare fails', { key: 'nope', target: 'value', op: '!=', value: 'z' }, false],
      ['range: every key has value a', { key: '/r/', prefix: true, target: 'value', op: '=', value: 'a' }, true],
      ['range: every key has modRevision > 4', { key: '/r/', prefix: true, target: 'modRevision', op: '>', value: 4 }, false],
      ['range: rangeEnd form', { key: '/r/2', rangeEnd: '/r/9', target: 'modRevision', op: '=', value: 5 }, true],
      ['empty range counts as a missing key', { key: '/none/', prefix: true, target: 'version', op: '=', value: 0 }, true],
    ];
    for (const [name, compare, expected] of table) t.equal(holds(compare), expected, name);
    const both = mustApply(store, {
      type: 'txn',
      compare: [
        { key: 'x', target: 'version', op: '=', value: 2 },
        { key: 'x', target: 'value', op: '=', value: 'nope' },
      ],
      success: [],
      failure: [],
    });
    t.equal(both.succeeded, false, 'all compares must hold');
    t.equal(mustApply(store, { type: 'txn', compare: [], success: [], failure: [] }).succeeded, true, 'no compares = success');
  });

  t.test('a failing op aborts the whole txn before anything is written', async (t) => {
    const { store } = newStore();
    put(store, 'a', '1');
    const rev = store.currentRevision;
    const res = store.apply({
      type: 'txn',
      compare: [],
      success: [
        { type: 'put', key: 'b', value: '2' },
        { type: 'put', key: 'c', value: '3', lease: 99 },
      ],
      failure: [],
    });
    t.equal(codeOf(res), 'leaseNotFound');
    t.equal(store.currentRevision, rev);
    t.equal(store.get('b'), undefined, 'the earlier put of the branch was not applied');
    const future = store.apply({ type: 'txn', compare: [], success: [{ type: 'put', key: 'b', value: '2' }, { type: 'range', key: 'a', revision: 99 }], failure: [] });
    t.equal(codeOf(future), 'futureRevision');
    t.equal(store.get('b'), undefined);
  });

  t.test('duplicate writes in a branch are refused', async (t) => {
    const { store } = newStore();
    const table: Array<[string, Command & { type: 'txn' }]> = [
      ['put twice', { type: 'txn', compare: [], success: [{ type: 'put', key: 'k', value: '1' }, { type: 'put', key: 'k', value: '2' }], failure: [] }],
      ['put inside a deleted range', { type: 'txn', compare: [], success: [{ type: 'deleteRange', key: 'a', rangeEnd: 'z' }, { type: 'put', key: 'k', value: '1' }], failure: [] }],
      ['even in the branch not taken', { type: 'txn', compare: [], success: [], failure: [{ type: 'put', key: 'k', value: '1' }, { type: 'deleteRange', key: 'k' }] }],
    ];
    for (const [name, cmd] of table) t.equal(codeOf(store.apply(cmd)), 'duplicateKey', name);
    t.equal(store.currentRevision, 1);
    const overlappingDeletes = store.apply({ type: 'txn', compare: [], success: [{ type: 'deleteRange', key: 'a', rangeEnd: 'm' }, { type: 'deleteRange', key: 'c', rangeEnd: 'z' }], failure: [] });
    t.equal(codeOf(overlappingDeletes), 'ok', 'overlapping deletes are allowed (as etcd)');
  });
});

t.test('bad input gives error results, never throws, never changes state', async (t) => {
  const { store } = newStore({ limits: { maxKeyBytes: 64 } });
  put(store, 'existing', 'v');
  const rev = store.currentRevision;
  const big = 'x'.repeat(1.5 * 1024 * 1024 + 1);
  const table: Array<[string, unknown, string]> = [
    ['null', null, 'invalidArgument'],
    ['array', [], 'invalidArgument'],
    ['number', 42, 'invalidArgument'],
    ['unknown type', { type: 'frobnicate' }, 'invalidArgument'],
    ['put without value', { type: 'put', key: 'k' }, 'invalidArgument'],
    ['put with object key', { type: 'put', key: { evil: true }, value: 'v' }, 'invalidArgument'],
    ['put with empty key', { type: 'put', key: '', value: 'v' }, 'emptyKey'],
    ['put with lone surrogate', { type: 'put', key: 'k\ud800', value: 'v' }, 'invalidArgument'],
    ['key over the limit', { type: 'put', key: 'k'.repeat(65), value: 'v' }, 'keyTooLarge'],
    ['value over the request limit', { type: 'put', key: 'k', value: big }, 'requestTooLarge'],
    ['txn over the request limit in total', { type: 'txn', compare: [], success: [{ type: 'put', key: 'a', value: big.slice(0, 800_000) }, { type: 'put', key: 'b', value: big.slice(0, 800_000) }], failure: [] }, 'requestTooLarge'],
    ['lease id not an integer', { type: 'put', key: 'k', value: 'v', lease: 1.5 }, 'invalidArgument'],
    ['lease not found', { type: 'put', key: 'k', value: 'v', lease: 12345 }, 'leaseNotFound'],
    ['txn with too many ops', { type: 'txn', compare: [], success: Array.from({ length: 129 }, (_, i) => ({ type: 'put', key: `k${i}`, value: '' })), failure: [] }, 'tooManyOps'],
    ['txn op of unknown type', { type: 'txn', compare: [], success: [{ type: 'txn' }], failure: [] }, 'invalidArgument'],
    ['compare with bad operator', { type: 'txn', compare: [{ key: 'k', target: 'version', op: '>=', value: 1 }], success: [], failure: [] }, 'invalidArgument'],
    ['compare value of wrong type', { type: 'txn', compare: [{ key: 'k', target: 'version', op: '=', value: '1' }], success: [], failure: [] }, 'invalidArgument'],
    ['compact to a future revision', { type: 'compact', revision: 99 }, 'futureRevision'],
    ['compact with negative revision', { type: 'compact', revision: -1 }, 'invalidArgument'],
    ['lease grant with ttl 0', { type: 'leaseGrant', id: 1, ttl: 0 }, 'invalidLeaseTtl'],
    ['lease grant with id 0', { type: 'leaseGrant', id: 0, ttl: 10 }, 'invalidArgument'],
    ['revoke unknown lease', { type: 'leaseRevoke', id: 5 }, 'leaseNotFound'],
    ['range with negative limit', { type: 'txn', compare: [], success: [{ type: 'range', key: 'k', limit: -1 }], failure: [] }, 'invalidArgument'],
    ['range with bad sort order', { type: 'txn', compare: [], success: [{ type: 'range', key: 'k', sortOrder: 'sideways' }], failure: [] }, 'invalidArgument'],
  ];
  for (const [name, input, code] of table) {
    const res = store.apply(input);
    t.equal(codeOf(res), code, name);
    t.equal(res.header.revision, rev, `${name}: header is the unchanged revision`);
  }
  t.equal(store.currentRevision, rev, 'no bad command changed the revision');
  t.same(store.get('existing')!.value, 'v');
  t.throws(() => store.range({ key: 'k', limit: 'ten' }), MvccError, 'range() throws typed errors');
});

t.test('results are JSON-safe and deterministic across replicas', async (t) => {
  const commands: Command[] = [
    { type: 'leaseGrant', id: 3, ttl: 30 },
    { type: 'put', key: 'b', value: '1', lease: 3 },
    { type: 'put', key: 'a', value: '2' },
    { type: 'txn', compare: [{ key: 'a', target: 'version', op: '=', value: 1 }], success: [{ type: 'put', key: 'c', value: '3', prevKv: true }, { type: 'deleteRange', key: 'a' }], failure: [] },
    { type: 'leaseRevoke', id: 3 },
    { type: 'compact', revision: 3 },
  ];
  const run = () => {
    const s = new MvccStore();
    return commands.map((c) => JSON.parse(JSON.stringify(s.apply(JSON.parse(JSON.stringify(c))))));
  };
  const first = run();
  t.same(run(), first, 'two replicas produce identical results');
  t.ok(first.every((r) => r.type !== 'error'), 'all commands succeeded');
});

t.test('matches a naive model over random operations, at every past revision', async (t) => {
  const { store } = newStore();
  const rand = rng(5);
  type Live = { value: string; createRevision: number; modRevision: number; version: number };
  const model = new Map<string, Live>();
  const history: string[] = ['[]']; // history[rev - 1] = model dump at rev
  const dump = () => JSON.stringify([...model.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, v]) => ({ key, value: v.value, createRevision: v.createRevision, modRevision: v.modRevision, version: v.version, lease: 0 })));
  const keys = Array.from({ length: 30 }, (_, i) => `m/${String.fromCharCode(97 + (i % 26))}${i}`);
  let wrongDeleteCounts = 0;
  let wrongRevisions = 0;
  let wrongKeyCounts = 0;
  for (let step = 0; step < 800; step++) {
    const key = keys[Math.floor(rand() * keys.length)]!;
    const rev = store.currentRevision + 1;
    if (rand() < 0.65) {
      put(store, key, `s${step}`);
      const prev = model.get(key);
      model.set(key, { value: `s${step}`, createRevision: prev ? prev.createRevision : rev, modRevision: rev, version: prev ? prev.version + 1 : 1 });
    } else {
      const end = keys[Math.floor(rand() * keys.length)]!;
      const res = del(store, key, { rangeEnd: end });
      let deleted = 0;
      for (const k of [...model.keys()]) if (k >= key && k < end) (model.delete(k), deleted++);
      if (res.deleted !== deleted) wrongDeleteCounts++;
    }
    if (store.currentRevision === history.length + 1) history.push(dump());
    if (store.currentRevision !== history.length) wrongRevisions++;
    if (store.keyCount !== model.size) wrongKeyCounts++;
  }
  t.equal(wrongKeyCounts, 0, 'keyCount always equals the number of live keys');
  t.equal(wrongDeleteCounts, 0, 'delete counts match the model');
  t.equal(wrongRevisions, 0, 'exactly one revision per change, none for no-op deletes');
  t.ok(store.currentRevision > 400, `enough history to be meaningful (${store.currentRevision} revisions)`);
  let mismatches = 0;
  for (let rev = 1; rev <= store.currentRevision; rev++) {
    if (JSON.stringify(store.range({ key: 'm/', prefix: true, revision: rev }).kvs) !== history[rev - 1]) mismatches++;
  }
  t.equal(mismatches, 0, 'every past revision reads exactly as the model recorded it');
});
