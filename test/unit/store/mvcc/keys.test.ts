import t from 'tap';
import { compareKeys, prefixEnd, RANGE_END_ALL, resolveSpan, spanContains, spansOverlap, toSortKey, isWellFormedText } from '../../../../store/mvcc/keys.js';

// Deterministic PRNG so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ALPHABET = ['a', 'b', 'z', '/', '\0', 'é', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '😀', '\u{10ffff}', '\u{10000}'];

function randomKey(rand: () => number): string {
  const n = Math.floor(rand() * 5);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

t.test('compareKeys and toSortKey agree with UTF-8 byte order', async (t) => {
  const rand = rng(7);
  let mismatches = 0;
  for (let i = 0; i < 20_000; i++) {
    const a = randomKey(rand);
    const b = randomKey(rand);
    const expected = sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    const native = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    if (sign(compareKeys(a, b)) !== expected || native(toSortKey(a), toSortKey(b)) !== expected) mismatches++;
  }
  t.equal(mismatches, 0, 'no ordering mismatches over 20000 random pairs');
  t.ok(compareKeys('\ue000', '😀') < 0, 'U+E000 (3 UTF-8 bytes) sorts before an astral char (4 bytes)');
  t.ok('\ue000' > '😀', 'while native UTF-16 order says the opposite');
  t.equal(toSortKey('/registry/pods/a'), '/registry/pods/a', 'ASCII keys are their own sort key');
});

t.test('prefixEnd', async (t) => {
  const cases: Array<[string, string]> = [
    ['abc', 'abd'],
    ['/registry/pods/', '/registry/pods0'],
    ['a\u{10ffff}', 'b'],
    ['\u{10ffff}\u{10ffff}', RANGE_END_ALL],
    ['', RANGE_END_ALL],
    ['x\ud7ff', 'x\ue000'],
    ['x😀', 'x😁'],
  ];
  for (const [prefix, end] of cases) t.equal(prefixEnd(prefix), end, `prefixEnd(${JSON.stringify(prefix)})`);
  // Every key with the prefix sorts below the end, the end itself does not have the prefix.
  const rand = rng(11);
  let bad = 0;
  for (let i = 0; i < 5000; i++) {
    const p = randomKey(rand) || 'a';
    const k = p + randomKey(rand);
    const end = prefixEnd(p);
    if (end !== RANGE_END_ALL && compareKeys(k, end) >= 0) bad++;
  }
  t.equal(bad, 0, 'all prefixed keys fall inside [prefix, prefixEnd)');
});

t.test('spans follow etcd range conventions', async (t) => {
  const single = resolveSpan('b');
  t.ok(spanContains(single, 'b'));
  t.notOk(spanContains(single, 'ba'));
  const half = resolveSpan('b', 'd');
  t.same(['a', 'b', 'c', 'cz', 'd'].map((k) => spanContains(half, k)), [false, true, true, true, false]);
  const open = resolveSpan('b', RANGE_END_ALL);
  t.ok(open.unbounded);
  t.same(['a', 'b', '\u{10ffff}'].map((k) => spanContains(open, k)), [false, true, true]);
  const all = resolveSpan('', undefined, true);
  t.ok(spanContains(all, '\0') && spanContains(all, 'zzz'), 'empty prefix = every key');
  const pre = resolveSpan('/a/', undefined, true);
  t.same(['/a', '/a/', '/a/x', '/a0', '/b'].map((k) => spanContains(pre, k)), [false, true, true, false, false]);
  t.ok(spansOverlap(resolveSpan('a', 'c'), resolveSpan('b')));
  t.notOk(spansOverlap(resolveSpan('a', 'c'), resolveSpan('c', 'e')), 'half-open ranges that touch do not overlap');
  t.ok(spansOverlap(resolveSpan('a', RANGE_END_ALL), resolveSpan('x', 'y')));
  t.notOk(spanContains(resolveSpan('d', 'b'), 'c'), 'rangeEnd below key is empty');
});

t.test('isWellFormedText rejects lone surrogates', async (t) => {
  t.ok(isWellFormedText('ok 😀'));
  t.notOk(isWellFormedText('bad \ud800'));
  t.notOk(isWellFormedText('\udc00bad'));
});
