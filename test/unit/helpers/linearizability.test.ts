import t from 'tap';
import { FakeClock } from '../../../lib/util/clock.js';
import {
  checkKvLinearizability,
  formatKvOperation,
  HistoryRecorder,
  InvalidHistoryError,
  type KvInput,
  type KvOperation,
  type KvOutput,
} from '../../helpers/linearizability.js';

// ---- builders --------------------------------------------------------------------------------

const put = (key: string, value: string): KvInput => ({ op: 'put', key, value });
const get = (key: string): KvInput => ({ op: 'get', key });
const cas = (key: string, expected: string | null, value: string): KvInput => ({ op: 'cas', key, expected, value });
const del = (key: string): KvInput => ({ op: 'delete', key });
const OK: KvOutput = { ok: true };
const read = (value: string | null): KvOutput => ({ ok: true, value });
const casFailed: KvOutput = { ok: false };

/** A completed operation: client, input, output, [call, return]. */
function op(clientId: number, input: KvInput, output: KvOutput, call: number, ret: number): KvOperation {
  return { clientId, input, output, call, return: ret };
}
/** An operation whose outcome the client never learned. */
function lost(clientId: number, input: KvInput, call: number): KvOperation {
  return { clientId, input, call, return: Infinity };
}

// ---- hand-made histories ---------------------------------------------------------------------

interface Case {
  name: string;
  history: KvOperation[];
  linearizable: boolean;
  options?: Parameters<typeof checkKvLinearizability>[1];
}

const cases: Case[] = [
  { name: 'empty history', history: [], linearizable: true },
  {
    name: 'sequential put then get',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(1, get('k'), read('a'), 2, 3)],
    linearizable: true,
  },
  {
    name: 'read of a key never written is absent',
    history: [op(1, get('k'), read(null), 0, 1)],
    linearizable: true,
  },
  {
    name: 'stale read after a completed write',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(2, put('k', 'b'), OK, 2, 3), op(3, get('k'), read('a'), 4, 5)],
    linearizable: false,
  },
  {
    name: 'read overlapping a write may see the old value',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(2, put('k', 'b'), OK, 2, 10), op(3, get('k'), read('a'), 4, 5)],
    linearizable: true,
  },
  {
    name: 'read of a value never written',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(2, get('k'), read('zzz'), 2, 3)],
    linearizable: false,
  },
  {
    name: 'lost acknowledged write',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(2, get('k'), read(null), 2, 3)],
    linearizable: false,
  },
  {
    name: 'two concurrent writes, later reads disagree on the order',
    history: [
      op(1, put('k', 'a'), OK, 0, 10),
      op(2, put('k', 'b'), OK, 0, 10),
      op(3, get('k'), read('a'), 11, 12),
      op(4, get('k'), read('b'), 13, 14),
    ],
    linearizable: false,
  },
  {
    name: 'two concurrent writes, later reads agree (b then a)',
    history: [
      op(1, put('k', 'a'), OK, 0, 10),
      op(2, put('k', 'b'), OK, 0, 10),
      op(3, get('k'), read('a'), 11, 12),
      op(4, get('k'), read('a'), 13, 14),
    ],
    linearizable: true,
  },
  {
    name: 'overlapping ops linearizable only in one order (b, read b, a)',
    history: [
      op(1, put('k', 'a'), OK, 0, 10),
      op(2, put('k', 'b'), OK, 0, 10),
      op(3, get('k'), read('b'), 5, 6),
      op(4, get('k'), read('a'), 11, 12),
    ],
    linearizable: true,
  },
  {
    name: 'concurrent reads flip-flop between two writes',
    history: [
      op(1, put('k', 'a'), OK, 0, 10),
      op(2, put('k', 'b'), OK, 0, 10),
      op(3, get('k'), read('a'), 1, 2),
      op(3, get('k'), read('b'), 3, 4),
      op(3, get('k'), read('a'), 5, 6),
    ],
    linearizable: false,
  },
  {
    name: 'a read cannot see a write that started after it returned',
    history: [op(1, get('k'), read('a'), 0, 1), op(2, put('k', 'a'), OK, 2, 3)],
    linearizable: false,
  },
  {
    name: 'touching intervals count as concurrent',
    history: [op(1, put('k', 'a'), OK, 0, 5), op(2, get('k'), read(null), 5, 6)],
    linearizable: true,
  },
  {
    name: 'cas succeeds on the expected value',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(1, cas('k', 'a', 'b'), OK, 2, 3), op(2, get('k'), read('b'), 4, 5)],
    linearizable: true,
  },
  {
    name: 'cas reports failure although the comparison held',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(1, cas('k', 'a', 'b'), casFailed, 2, 3)],
    linearizable: false,
  },
  {
    name: 'cas reports success although the value differed',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(1, cas('k', 'x', 'b'), OK, 2, 3)],
    linearizable: false,
  },
  {
    name: 'two concurrent cas from the same value both succeed',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(2, cas('k', 'a', 'b'), OK, 2, 5), op(3, cas('k', 'a', 'c'), OK, 3, 6)],
    linearizable: false,
  },
  {
    name: 'two concurrent cas from the same value, one wins',
    history: [
      op(1, put('k', 'a'), OK, 0, 1),
      op(2, cas('k', 'a', 'b'), casFailed, 2, 5),
      op(3, cas('k', 'a', 'c'), OK, 3, 6),
      op(1, get('k'), read('c'), 7, 8),
    ],
    linearizable: true,
  },
  {
    name: 'the losing cas saw the winner (reported value checked)',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(2, cas('k', 'a', 'b'), { ok: false, value: 'c' }, 2, 5), op(3, cas('k', 'a', 'c'), OK, 3, 6)],
    linearizable: true,
  },
  {
    name: 'the losing cas reports a value nobody wrote',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(2, cas('k', 'a', 'b'), { ok: false, value: 'z' }, 2, 5), op(3, cas('k', 'a', 'c'), OK, 3, 6)],
    linearizable: false,
  },
  {
    name: 'cas expecting absent creates the key once',
    history: [op(1, cas('k', null, 'a'), OK, 0, 4), op(2, cas('k', null, 'b'), casFailed, 1, 5), op(3, get('k'), read('a'), 6, 7)],
    linearizable: true,
  },
  {
    name: 'cas expecting absent fails on an existing key',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(2, cas('k', null, 'b'), OK, 2, 3)],
    linearizable: false,
  },
  {
    name: 'delete then read absent',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(1, del('k'), OK, 2, 3), op(2, get('k'), read(null), 4, 5)],
    linearizable: true,
  },
  {
    name: 'read after a completed delete sees the deleted value',
    history: [op(1, put('k', 'a'), OK, 0, 1), op(1, del('k'), OK, 2, 3), op(2, get('k'), read('a'), 4, 5)],
    linearizable: false,
  },
  {
    name: 'unknown write that took effect',
    history: [lost(1, put('k', 'a'), 0), op(2, get('k'), read('a'), 5, 6)],
    linearizable: true,
  },
  {
    name: 'unknown write that did not take effect',
    history: [lost(1, put('k', 'a'), 0), op(2, get('k'), read(null), 5, 6), op(2, get('k'), read(null), 7, 8)],
    linearizable: true,
  },
  {
    name: 'unknown write seen and then unseen',
    history: [lost(1, put('k', 'a'), 0), op(2, get('k'), read('a'), 5, 6), op(2, get('k'), read(null), 7, 8)],
    linearizable: false,
  },
  {
    name: 'unknown write cannot take effect before its call',
    history: [op(2, get('k'), read('a'), 0, 1), lost(1, put('k', 'a'), 2)],
    linearizable: false,
  },
  {
    name: 'unknown flag with a finite return time is still unknown',
    history: [{ clientId: 1, input: put('k', 'a'), call: 0, return: 1, unknown: true }, op(2, get('k'), read('a'), 5, 6)],
    linearizable: true,
  },
  {
    name: 'unknown cas may win later',
    history: [op(1, put('k', 'a'), OK, 0, 1), lost(2, cas('k', 'a', 'b'), 2), op(3, get('k'), read('a'), 3, 4), op(3, get('k'), read('b'), 5, 6)],
    linearizable: true,
  },
  {
    name: 'unknown cas whose comparison can never hold',
    history: [op(1, put('k', 'a'), OK, 0, 1), lost(2, cas('k', 'x', 'b'), 2), op(3, get('k'), read('b'), 5, 6)],
    linearizable: false,
  },
  {
    name: 'unknown delete that took effect',
    history: [op(1, put('k', 'a'), OK, 0, 1), lost(2, del('k'), 2), op(3, get('k'), read('a'), 3, 4), op(3, get('k'), read(null), 5, 6)],
    linearizable: true,
  },
  {
    name: 'two lost deletes both take effect',
    history: [
      op(1, put('k', 'a'), OK, 0, 1),
      lost(2, del('k'), 2),
      lost(3, del('k'), 2),
      op(1, get('k'), read(null), 3, 4),
      op(1, put('k', 'b'), OK, 5, 6),
      op(1, get('k'), read(null), 7, 8),
    ],
    linearizable: true,
  },
  {
    name: 'one lost delete cannot take effect twice',
    history: [
      op(1, put('k', 'a'), OK, 0, 1),
      lost(2, del('k'), 2),
      op(1, get('k'), read(null), 3, 4),
      op(1, put('k', 'b'), OK, 5, 6),
      op(1, get('k'), read(null), 7, 8),
    ],
    linearizable: false,
  },
  {
    name: 'two lost writes nobody reads explain two failed compares',
    history: [
      op(1, put('k', 'a'), OK, 0, 1),
      lost(2, put('k', 'x'), 2),
      lost(3, put('k', 'y'), 2),
      op(1, cas('k', 'a', 'z'), casFailed, 3, 4),
      op(1, put('k', 'a'), OK, 5, 6),
      op(1, cas('k', 'a', 'w'), casFailed, 7, 8),
    ],
    linearizable: true,
  },
  {
    name: 'one lost write nobody reads cannot explain two failed compares',
    history: [
      op(1, put('k', 'a'), OK, 0, 1),
      lost(2, put('k', 'x'), 2),
      op(1, cas('k', 'a', 'z'), casFailed, 3, 4),
      op(1, put('k', 'a'), OK, 5, 6),
      op(1, cas('k', 'a', 'w'), casFailed, 7, 8),
    ],
    linearizable: false,
  },
  {
    name: 'a chain of lost cas operations',
    history: [
      op(1, put('k', 'a'), OK, 0, 1),
      lost(2, cas('k', 'a', 'b'), 2),
      lost(3, cas('k', 'b', 'c'), 2),
      lost(4, cas('k', 'c', 'd'), 2),
      op(1, get('k'), read('d'), 5, 6),
    ],
    linearizable: true,
  },
  {
    name: 'a chain of lost cas operations cannot skip a link',
    history: [
      op(1, put('k', 'a'), OK, 0, 1),
      lost(2, cas('k', 'a', 'b'), 2),
      lost(4, cas('k', 'c', 'd'), 2),
      op(1, get('k'), read('d'), 5, 6),
    ],
    linearizable: false,
  },
  {
    name: 'unknown get is ignored whatever it holds',
    history: [{ clientId: 1, input: get('k'), output: read('garbage'), call: 0, return: Infinity }],
    linearizable: true,
  },
  {
    name: 'failed get and rejected put are ignored',
    history: [op(1, put('k', 'a'), { ok: false }, 0, 1), op(2, get('k'), { ok: false }, 2, 3), op(2, get('k'), read(null), 4, 5)],
    linearizable: true,
  },
  {
    name: 'keys are independent',
    history: [op(1, put('k1', 'a'), OK, 0, 1), op(2, get('k2'), read('a'), 2, 3)],
    linearizable: false,
  },
  {
    name: 'initial values are honoured',
    history: [op(1, get('k'), read('seed'), 0, 1)],
    linearizable: true,
    options: { initialValues: { k: 'seed' } },
  },
  {
    name: 'without the initial value the same read fails',
    history: [op(1, get('k'), read('seed'), 0, 1)],
    linearizable: false,
  },
];

t.test('hand-made histories', async (t) => {
  for (const c of cases) {
    const result = checkKvLinearizability(c.history, c.options);
    t.equal(result.ok, c.linearizable, c.name, { report: result.describe() });
  }
});

t.test('failure explanation for a stale read', async (t) => {
  const history = [
    op(1, put('k', 'a'), OK, 0, 1),
    op(2, put('k', 'b'), OK, 2, 3),
    op(1, put('other', 'x'), OK, 0, 1),
    op(3, get('k'), read('a'), 4, 5),
  ];
  const result = checkKvLinearizability(history);
  if (result.ok !== false) return t.fail(`expected a violation, got ${result.describe()}`);
  t.equal(result.key, 'k');
  t.same(result.failedKeys, ['k']);
  t.same(
    result.linearizedPrefix.map((s) => [s.index, s.stateAfter]),
    [
      [0, 'a'],
      [1, 'b'],
    ],
  );
  t.equal(result.stateAtFailure, 'b');
  t.equal(result.blockedOn.index, 3);
  t.same(
    result.unplaceable.map((u) => u.index),
    [3],
  );
  t.match(result.unplaceable[0]!.reason, 'read "a" but the value here is "b"');
  t.same(
    result.keyOperations.map((o) => o.index),
    [0, 1, 3],
  );
  const text = result.describe();
  t.match(text, 'NOT linearizable: key "k"');
  t.match(text, '#3 client 3  get("k") -> "a"  [4, 5]');
  t.match(text, 'then the value is "b"; #3 must be placed before everything invoked after its response');
  t.comment(text);
});

t.test('failure explanation lists every candidate with its reason', async (t) => {
  const history = [
    op(1, put('k', 'a'), OK, 0, 10),
    op(2, put('k', 'b'), OK, 0, 10),
    op(3, get('k'), read('a'), 11, 12),
    op(4, get('k'), read('b'), 13, 14),
  ];
  const result = checkKvLinearizability(history);
  if (result.ok !== false) return t.fail(`expected a violation, got ${result.describe()}`);
  t.same(
    result.linearizedPrefix.map((s) => s.index),
    [1, 0, 2],
  );
  t.equal(result.blockedOn.index, 3);
  t.match(result.unplaceable[0]!.reason, 'read "b" but the value here is "a"');
});

t.test('the prefix reports the real value after each operation, deletes included', async (t) => {
  const history = [
    op(1, put('k', 'a'), OK, 0, 1),
    op(1, del('k'), OK, 2, 3),
    lost(2, put('k', 'nobody-reads-this'), 4),
    op(1, cas('k', 'b', 'c'), casFailed, 5, 6),
    op(2, get('k'), read('a'), 7, 8),
  ];
  const result = checkKvLinearizability(history);
  if (result.ok !== false) return t.fail(`expected a violation, got ${result.describe()}`);
  t.same(
    result.linearizedPrefix.map((s) => [s.index, s.stateAfter]),
    [
      [0, 'a'],
      [1, null],
      [3, null],
    ],
  );
  t.equal(result.stateAtFailure, null);
  t.match(result.describe(), '#1 client 1  delete("k") -> ok  [2, 3]   => absent');
});

t.test('every concurrent candidate at the dead end gets a reason', async (t) => {
  const history = [op(1, put('k', 'a'), OK, 0, 1), op(2, get('k'), read('x'), 2, 10), op(3, get('k'), read('y'), 3, 10)];
  const result = checkKvLinearizability(history);
  if (result.ok !== false) return t.fail(`expected a violation, got ${result.describe()}`);
  t.same(
    result.linearizedPrefix.map((s) => s.index),
    [0],
  );
  t.equal(result.blockedOn.index, 1);
  t.same(
    result.unplaceable.map((u) => [u.index, u.reason]),
    [
      [1, 'read "x" but the value here is "a"'],
      [2, 'read "y" but the value here is "a"'],
    ],
  );
});

t.test('the explanation prefers known operations over guesses about unknown ones', async (t) => {
  const history = [
    op(1, put('k', 'a'), OK, 0, 1),
    op(2, put('k', 'b'), OK, 0, 10),
    lost(5, cas('k', 'b', 'z'), 2),
    op(3, get('k'), read('b'), 2, 3),
    op(4, get('k'), read('a'), 4, 5),
    op(1, del('k'), OK, 11, 12),
  ];
  const result = checkKvLinearizability(history);
  if (result.ok !== false) return t.fail(`expected a violation, got ${result.describe()}`);
  t.same(
    result.linearizedPrefix.map((s) => s.index),
    [0, 1, 3],
  );
  t.equal(result.stateAtFailure, 'b');
  t.equal(result.blockedOn.index, 4);
  t.same(
    result.unplaceable.map((u) => [u.index, u.reason]),
    [[4, 'read "a" but the value here is "b"']], // the lost cas is left out: nothing could need its value
  );
});

t.test('several failing keys are all reported', async (t) => {
  const history = [op(1, get('b'), read('x'), 0, 1), op(1, get('a'), read('x'), 2, 3), op(1, get('c'), read(null), 4, 5)];
  const result = checkKvLinearizability(history);
  if (result.ok !== false) return t.fail('expected a violation');
  t.equal(result.key, 'a');
  t.same(result.failedKeys, ['a', 'b']);
  t.match(result.describe(), 'other failing keys: "b"');
});

t.test('malformed histories give clear errors', async (t) => {
  const bad: [string, unknown, RegExp][] = [
    ['not an array', { length: 1 }, /history must be an array/],
    ['null operation', [null], /history\[0\]: operation must be an object/],
    ['missing clientId', [{ input: get('k'), output: read(null), call: 0, return: 1 }], /clientId/],
    ['unknown op', [{ clientId: 1, input: { op: 'incr', key: 'k' }, output: OK, call: 0, return: 1 }], /input.op must be one of/],
    ['non-string key', [{ clientId: 1, input: { op: 'get', key: 7 }, output: read(null), call: 0, return: 1 }], /input.key must be a string/],
    ['put without value', [{ clientId: 1, input: { op: 'put', key: 'k' }, output: OK, call: 0, return: 1 }], /put input.value/],
    ['cas with bad expected', [{ clientId: 1, input: { op: 'cas', key: 'k', expected: 3, value: 'v' }, output: OK, call: 0, return: 1 }], /cas input.expected/],
    ['NaN call', [{ clientId: 1, input: get('k'), output: read(null), call: NaN, return: 1 }], /call must be a finite number/],
    ['return before call', [op(1, get('k'), read(null), 5, 4)], /return \(4\) is before call \(5\)/],
    ['missing output', [{ clientId: 1, input: get('k'), call: 0, return: 1 }], /output must be an object/],
    ['get without value', [op(1, get('k'), { ok: true }, 0, 1)], /successful get needs output.value/],
    ['ok not boolean', [{ clientId: 1, input: get('k'), output: { ok: 'yes' }, call: 0, return: 1 }], /output.ok must be a boolean/],
    ['second op bad', [op(1, get('k'), read(null), 0, 1), { clientId: 1, input: get('k'), output: read(null), call: 0 }], /history\[1\]: return must be a number/],
  ];
  for (const [name, history, message] of bad) {
    t.throws(() => checkKvLinearizability(history as KvOperation[]), { name: 'InvalidHistoryError', message }, name);
  }
  t.throws(() => checkKvLinearizability([], { initialValues: { k: 5 as unknown as string } }), InvalidHistoryError);
});

// Fourteen concurrent puts followed by a read of a value none of them wrote: disproving it means
// exploring every order of the puts, far beyond the small budgets below.
function expensiveHistory(): KvOperation[] {
  const history: KvOperation[] = [];
  for (let i = 0; i < 14; i++) history.push(op(i, put('k', `v${i}`), OK, 0, 100));
  history.push(op(99, get('k'), read('never'), 200, 201));
  return history;
}

t.test('a step limit turns a long search into unknown', async (t) => {
  const result = checkKvLinearizability(expensiveHistory(), { maxStepsPerKey: 5_000 });
  t.equal(result.ok, 'unknown');
  if (result.ok !== 'unknown') return;
  t.same(result.unknownKeys, ['k']);
  t.match(result.reason, 'exceeded 5000 steps');
  t.match(result.describe(), 'linearizability unknown');
});

t.test('a time budget turns a long search into unknown', async (t) => {
  let fakeMs = 0;
  const now = () => (fakeMs += 50); // every reading moves time on: deterministic, no sleeping
  const history = [...expensiveHistory(), op(1, put('later', 'x'), OK, 0, 1)];
  const result = checkKvLinearizability(history, { timeBudgetMs: 120, now });
  t.equal(result.ok, 'unknown');
  if (result.ok !== 'unknown') return;
  t.same(result.unknownKeys, ['k', 'later']);
  t.match(result.reason, 'time budget exhausted');
});

t.test('a configuration limit turns a long search into unknown', async (t) => {
  const result = checkKvLinearizability(expensiveHistory(), { maxCachedStatesPerKey: 1_000 });
  t.equal(result.ok, 'unknown');
  if (result.ok === 'unknown') t.match(result.reason, 'more than 1000 configurations');
});

t.test('a definite violation elsewhere beats an unknown key', async (t) => {
  const history = [...expensiveHistory(), op(1, get('other'), read('x'), 0, 1)];
  const result = checkKvLinearizability(history, { maxStepsPerKey: 5_000 });
  t.equal(result.ok, false);
  if (result.ok === false) t.equal(result.key, 'other');
});

t.test('formatKvOperation', async (t) => {
  const rows: [KvOperation, string][] = [
    [op(1, put('k', 'v'), OK, 1, 2), 'client 1  put("k", "v") -> ok  [1, 2]'],
    [op(2, get('k'), read(null), 1, 2), 'client 2  get("k") -> absent  [1, 2]'],
    [op(3, cas('k', null, 'v'), casFailed, 1, 2), 'client 3  cas("k", absent -> "v") -> compare failed  [1, 2]'],
    [op(3, cas('k', 'a', 'v'), { ok: false, value: 'b' }, 1, 2), 'client 3  cas("k", "a" -> "v") -> compare failed (saw "b")  [1, 2]'],
    [lost(4, del('k'), 7), 'client 4  delete("k") -> ? (outcome unknown)  [7, ∞)'],
  ];
  for (const [operation, text] of rows) t.equal(formatKvOperation(operation), text);
});

// ---- randomized histories from a real sequential execution -----------------------------------

function mulberry(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

interface GenerateOptions {
  seed: number;
  operations: number;
  keys: number;
  clients: number;
  /** Chance that a write's outcome is lost (half of those still take effect). */
  unknownRate: number;
}

/**
 * Runs random operations against a sequential map, giving each a linearization point strictly
 * inside a random [call, return] window, with each client issuing one operation at a time. Every
 * written value is unique, so the generated history is linearizable by construction.
 */
function generateHistory(o: GenerateOptions): KvOperation[] {
  const random = mulberry(o.seed);
  const int = (n: number) => Math.floor(random() * n);
  const store = new Map<string, string>();
  const busyUntil: number[] = new Array(o.clients).fill(-1);
  const history: KvOperation[] = [];
  let now = 0;
  let written = 0;
  for (let guard = 0; history.length < o.operations && guard < o.operations * 100; guard++) {
    now += 1 + int(3);
    const ready = busyUntil.map((until, c) => (until < now ? c : -1)).filter((c) => c >= 0);
    if (ready.length === 0) continue;
    const clientId = ready[int(ready.length)]!;
    const key = `key-${int(o.keys)}`;
    const call = now - int(Math.min(10, now - busyUntil[clientId]! - 1) + 1);
    const ret = now + int(10);
    busyUntil[clientId] = ret;
    const current = store.get(key) ?? null;
    const roll = random();
    let input: KvInput;
    if (roll < 0.4) input = get(key);
    else if (roll < 0.7) input = put(key, `v${written++}`);
    else if (roll < 0.9) input = cas(key, random() < 0.6 ? current : random() < 0.5 ? null : `v${int(written + 1)}`, `v${written++}`);
    else input = del(key);

    if (input.op !== 'get' && random() < o.unknownRate) {
      if (random() < 0.5) apply(store, input);
      history.push(lost(clientId, input, call));
      continue;
    }
    let output: KvOutput;
    if (input.op === 'get') output = read(current);
    else if (input.op === 'cas') output = current === input.expected ? OK : casFailed;
    else output = OK;
    if (output.ok) apply(store, input);
    history.push(op(clientId, input, output, call, ret));
  }
  return history;
}

function apply(store: Map<string, string>, input: KvInput): void {
  if (input.op === 'put') store.set(input.key, input.value);
  else if (input.op === 'delete') store.delete(input.key);
  else if (input.op === 'cas' && (store.get(input.key) ?? null) === input.expected) store.set(input.key, input.value);
}

const isKnownRead = (o: KvOperation) => o.input.op === 'get' && o.return !== Infinity;
const isKnownWrite = (o: KvOperation) => o.return !== Infinity && o.output!.ok && o.input.op !== 'get';

/**
 * Finds a read that can be made provably stale: a value written by W1, overwritten by W2 which
 * started after W1 finished and finished before the read started. Values are unique, so nothing
 * else could bring the old value back.
 */
function findStaleMutation(history: KvOperation[]): { index: number; value: string } | undefined {
  for (let r = history.length - 1; r >= 0; r--) {
    const reader = history[r]!;
    if (!isKnownRead(reader)) continue;
    const key = reader.input.key;
    for (const w2 of history) {
      if (w2.input.key !== key || !isKnownWrite(w2) || w2.return >= reader.call) continue;
      for (const w1 of history) {
        if (w1.input.key !== key || !isKnownWrite(w1) || w1.input.op === 'delete' || w1.return >= w2.call) continue;
        const value = (w1.input as { value: string }).value;
        if (value !== reader.output!.value) return { index: r, value };
      }
    }
  }
  return undefined;
}

function withRead(history: KvOperation[], index: number, value: string): KvOperation[] {
  return history.map((o, i) => (i === index ? { ...o, output: read(value) } : o));
}

t.test('randomized histories: real executions pass, mutated reads fail', async (t) => {
  let staleMutations = 0;
  let unknownOps = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const history = generateHistory({ seed, operations: 300, keys: 1 + (seed % 4), clients: 2 + (seed % 7), unknownRate: 0.03 });
    unknownOps += history.filter((o) => o.return === Infinity).length;
    const result = checkKvLinearizability(history);
    if (result.ok !== true) {
      t.fail(`seed ${seed}: generated history should be linearizable`, { description: result.describe() });
      continue;
    }

    const reads = history.map((o, i) => (isKnownRead(o) ? i : -1)).filter((i) => i >= 0);
    const target = reads[(seed * 7919) % reads.length]!;
    const neverWritten = checkKvLinearizability(withRead(history, target, 'never-written'));
    t.equal(neverWritten.ok, false, `seed ${seed}: read #${target} of a value never written`);
    if (neverWritten.ok === false) {
      t.equal(neverWritten.key, history[target]!.input.key);
      t.equal(neverWritten.blockedOn.index, target, 'the explanation points at the mutated read');
      t.match(neverWritten.unplaceable.find((u) => u.index === target)?.reason, 'read "never-written"');
    }

    const stale = findStaleMutation(history);
    if (stale) {
      staleMutations++;
      const staleResult = checkKvLinearizability(withRead(history, stale.index, stale.value));
      t.equal(staleResult.ok, false, `seed ${seed}: stale read #${stale.index} of ${stale.value}`);
    }
  }
  t.ok(staleMutations >= 30, `found stale mutations in most seeds (${staleMutations})`);
  t.ok(unknownOps > 0, `histories included unknown outcomes (${unknownOps})`);
});

/** Reference answer by exhaustive search over every order that respects real time. */
function bruteForceLinearizable(history: KvOperation[]): boolean {
  const unknown = (o: KvOperation) => o.return === Infinity || o.unknown === true;
  const ops = history.filter((o) => !(unknown(o) ? o.input.op === 'get' : !o.output!.ok && o.input.op !== 'cas'));
  const apply1 = (o: KvOperation, state: string | null): { legal: boolean; state: string | null } => {
    const input = o.input;
    const out = o.output;
    switch (input.op) {
      case 'get':
        return { legal: out!.value === state, state };
      case 'put':
        return { legal: true, state: input.value };
      case 'delete':
        return { legal: true, state: null };
      case 'cas':
        if (unknown(o)) return { legal: true, state: state === input.expected ? input.value : state };
        if (out!.ok) return { legal: state === input.expected, state: input.value };
        return { legal: state !== input.expected && (out!.value === undefined || out!.value === state), state };
    }
  };
  const byKey = new Map<string, KvOperation[]>();
  for (const o of ops) byKey.set(o.input.key, [...(byKey.get(o.input.key) ?? []), o]);
  const search = (remaining: KvOperation[], state: string | null): boolean => {
    if (remaining.every(unknown)) return true; // unknown writes may never take effect
    return remaining.some((o) => {
      if (remaining.some((r) => r !== o && !unknown(r) && r.return < o.call)) return false;
      const step = apply1(o, state);
      return step.legal && search(remaining.filter((r) => r !== o), step.state);
    });
  };
  return [...byKey.values()].every((list) => search(list, null));
}

const smallHistorySettings = [
  { name: 'few unknowns, few values', seed: 99, rounds: 1500, maxOps: 7, unknownRate: 0.15, values: ['a', 'b', 'c'] },
  { name: 'many unknowns', seed: 7, rounds: 1500, maxOps: 7, unknownRate: 0.5, values: ['a', 'b', 'c'] },
  { name: 'many distinct values', seed: 3, rounds: 1500, maxOps: 7, unknownRate: 0.3, values: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
  { name: 'longer, one value', seed: 11, rounds: 1000, maxOps: 8, unknownRate: 0.5, values: ['a'] },
];

for (const settings of smallHistorySettings) {
  t.test(`agrees with exhaustive search on small random histories: ${settings.name}`, async (t) => {
    const random = mulberry(settings.seed);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
    const values = settings.values;
    const maybe = [null, ...values];
    const verdicts = { linearizable: 0, violation: 0, disagreements: 0 };
    for (let round = 0; round < settings.rounds; round++) {
      const history: KvOperation[] = [];
      const count = 3 + int(settings.maxOps - 2);
      for (let i = 0; i < count; i++) {
        const key = pick(['x', 'x', 'y']);
        const call = int(20);
        const ret = call + int(8);
        const kind = int(4);
        const input = kind === 0 ? get(key) : kind === 1 ? put(key, pick(values)) : kind === 2 ? cas(key, pick(maybe), pick(values)) : del(key);
        if (input.op !== 'get' && random() < settings.unknownRate) history.push(lost(i, input, call));
        else if (input.op === 'get') history.push(op(i, input, read(pick(maybe)), call, ret));
        else if (input.op === 'cas') history.push(op(i, input, random() < 0.5 ? OK : random() < 0.5 ? casFailed : { ok: false, value: pick(maybe) }, call, ret));
        else history.push(op(i, input, OK, call, ret));
      }
      const expected = bruteForceLinearizable(history);
      const actual = checkKvLinearizability(history).ok;
      if (actual !== expected) {
        verdicts.disagreements++;
        if (verdicts.disagreements <= 3) t.fail(`round ${round}: checker says ${actual}, exhaustive search says ${expected}`, { history });
      } else if (expected) verdicts.linearizable++;
      else verdicts.violation++;
    }
    t.equal(verdicts.disagreements, 0, 'no disagreements');
    t.ok(verdicts.linearizable > 100 && verdicts.violation > 100, `both verdicts exercised: ${JSON.stringify(verdicts)}`);
  });
}

t.test('performance: 5000 operations, 20 keys, 8 clients', async (t) => {
  const history = generateHistory({ seed: 2024, operations: 5_000, keys: 20, clients: 8, unknownRate: 0.01 });
  t.equal(history.length, 5_000);
  const started = performance.now();
  const result = checkKvLinearizability(history, { timeBudgetMs: 60_000 });
  const elapsed = performance.now() - started;
  t.equal(result.ok, true, result.describe());
  t.comment(`checked ${history.length} ops in ${elapsed.toFixed(1)} ms (${result.stats.steps} steps)`);

  const stale = findStaleMutation(history);
  if (!stale) return t.fail('expected a stale mutation candidate');
  const mutatedStarted = performance.now();
  const mutated = checkKvLinearizability(withRead(history, stale.index, stale.value), { timeBudgetMs: 60_000 });
  t.equal(mutated.ok, false);
  t.match(mutated.describe(), /earlier operations\n/, 'a long prefix is abbreviated');
  t.comment(`disproved the mutated history in ${(performance.now() - mutatedStarted).toFixed(1)} ms`);
});

t.test('performance: one hot key, 8 clients, 1000 operations', async (t) => {
  const history = generateHistory({ seed: 7, operations: 1_000, keys: 1, clients: 8, unknownRate: 0.01 });
  const started = performance.now();
  const result = checkKvLinearizability(history, { timeBudgetMs: 60_000 });
  t.equal(result.ok, true, result.describe());
  t.comment(`checked ${history.length} ops on one key in ${(performance.now() - started).toFixed(1)} ms (${result.stats.steps} steps)`);
});

// ---- HistoryRecorder -------------------------------------------------------------------------

t.test('HistoryRecorder records interleaved clients with the injected clock', async (t) => {
  const clock = new FakeClock(1_000);
  const rec = new HistoryRecorder({ clock: () => clock.now() });
  const w = rec.invoke('c1', put('k', 'a'));
  clock.advance(5);
  const r = rec.invoke('c2', get('k'));
  clock.advance(5);
  rec.ok(w, OK);
  clock.advance(5);
  rec.ok(r, read('a'));
  const lostWrite = rec.invoke('c1', put('k', 'b'));
  rec.unknown(lostWrite);
  const rejected = rec.invoke('c3', put('k', 'c'));
  rec.rejected(rejected);
  rec.invoke('c3', del('k')); // never resolved: counts as unknown
  t.equal(rec.pendingCount, 1);

  t.same(rec.history(), [
    { clientId: 'c1', input: put('k', 'a'), output: OK, call: 1_000, return: 1_010 },
    { clientId: 'c2', input: get('k'), output: read('a'), call: 1_005, return: 1_015 },
    { clientId: 'c1', input: put('k', 'b'), call: 1_015, return: Infinity, unknown: true },
    { clientId: 'c3', input: del('k'), call: 1_015, return: Infinity, unknown: true },
  ]);
  t.equal(checkKvLinearizability(rec.history()).ok, true);
});

t.test('HistoryRecorder catches a violation end to end', async (t) => {
  const clock = new FakeClock();
  const rec = new HistoryRecorder({ clock }); // a Clock object works as well as a function
  const w = rec.invoke(1, put('k', 'a'));
  clock.advance(1);
  rec.ok(w, OK);
  clock.advance(1);
  const r = rec.invoke(2, get('k'));
  clock.advance(1);
  rec.ok(r, read(null));
  const result = checkKvLinearizability(rec.history());
  t.equal(result.ok, false);
  if (result.ok === false) t.equal(result.blockedOn.index, 1);
});

t.test('HistoryRecorder.run records outputs and turns errors into unknown outcomes', async (t) => {
  let ms = 0;
  const rec = new HistoryRecorder({ clock: () => ms++ });
  t.same(await rec.run(1, put('k', 'a'), async () => OK), OK);
  await t.rejects(
    rec.run(1, put('k', 'b'), async () => {
      throw new Error('connection reset');
    }),
    /connection reset/,
  );
  const history = rec.history();
  t.same(
    history.map((o) => [o.input.op, o.return]),
    [
      ['put', 1],
      ['put', Infinity],
    ],
  );
  t.equal(rec.pendingCount, 0);
});

t.test('HistoryRecorder rejects misuse with clear errors', async (t) => {
  let ms = 10;
  const rec = new HistoryRecorder({ clock: () => ms });
  const h = rec.invoke(1, get('k'));
  t.throws(() => rec.ok(h, { ok: true }), /successful get needs output.value/);
  rec.ok(h, read(null));
  t.throws(() => rec.ok(h, read(null)), /already recorded as ok/);
  t.throws(() => rec.unknown(h), /already recorded as ok/);
  t.throws(() => rec.invoke(1, { op: 'nope', key: 'k' } as unknown as KvInput), /invoke: input.op must be one of/);
  const other = new HistoryRecorder().invoke(1, get('k'));
  t.throws(() => rec.ok(other, read(null)), /not a handle from this recorder/);
  const late = rec.invoke(2, put('k', 'x'));
  ms = 5;
  t.throws(() => rec.ok(late, OK), /clock went backwards/);
});

t.test('the default clock is monotonic and relative', async (t) => {
  const rec = new HistoryRecorder();
  const a = rec.invoke(1, put('k', 'a'));
  rec.ok(a, OK);
  const [entry] = rec.history();
  t.ok(entry!.call >= 0 && entry!.return >= entry!.call, `call ${entry!.call} <= return ${entry!.return}`);
  t.ok(entry!.return < 60e9, 'times are measured from the recorder, not from boot');
});
