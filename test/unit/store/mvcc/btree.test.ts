import t from 'tap';
import { BPlusTree } from '../../../../store/mvcc/btree.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function scanAll<V>(tree: BPlusTree<V>, start: string, end?: string): string[] {
  const out: string[] = [];
  tree.scan(start, end, (k) => {
    out.push(k);
  });
  return out;
}

t.test('random inserts and deletes match a reference map, invariants hold', async (t) => {
  const rand = rng(42);
  const tree = new BPlusTree<number>();
  const ref = new Map<string, number>();
  const keyOf = () => `k${Math.floor(rand() * 5000).toString().padStart(4, '0')}`;
  let problems = 0;
  for (let step = 0; step < 40_000; step++) {
    const key = keyOf();
    if (rand() < 0.6) {
      const isNew = tree.set(key, step);
      if (isNew === ref.has(key)) problems++;
      ref.set(key, step);
    } else {
      const removed = tree.delete(key);
      if (removed !== ref.delete(key)) problems++;
    }
    if (step % 5000 === 0) tree.checkInvariants();
  }
  t.equal(problems, 0, 'set/delete return values match the reference');
  tree.checkInvariants();
  t.equal(tree.size, ref.size);
  const sorted = [...ref.keys()].sort();
  t.same(scanAll(tree, ''), sorted, 'full scan is the sorted key set');
  t.same(scanAll(tree, 'k1000', 'k2000'), sorted.filter((k) => k >= 'k1000' && k < 'k2000'), 'bounded scan');
  t.same(scanAll(tree, 'k4999z'), [], 'scan past the end is empty');
  let mismatched = 0;
  for (const [k, v] of ref) if (tree.get(k) !== v) mismatched++;
  t.equal(mismatched, 0, 'get returns the latest value of every key');
  t.equal(tree.get('nope'), undefined);
});

t.test('deleting everything shrinks back to an empty root', async (t) => {
  const tree = new BPlusTree<number>();
  for (let i = 0; i < 10_000; i++) tree.set(`key-${i}`, i);
  tree.checkInvariants();
  for (let i = 0; i < 10_000; i += 2) tree.delete(`key-${i}`);
  tree.checkInvariants();
  for (let i = 1; i < 10_000; i += 2) tree.delete(`key-${i}`);
  tree.checkInvariants();
  t.equal(tree.size, 0);
  t.same(scanAll(tree, ''), []);
  tree.set('again', 1);
  t.equal(tree.get('again'), 1, 'usable after emptying');
});

t.test('scan stops when the visitor returns false', async (t) => {
  const tree = new BPlusTree<number>();
  for (let i = 0; i < 1000; i++) tree.set(`k${String(i).padStart(4, '0')}`, i);
  const seen: number[] = [];
  tree.scan('k0100', undefined, (_k, v) => {
    seen.push(v);
    return seen.length < 3;
  });
  t.same(seen, [100, 101, 102]);
});

t.test('fromSorted builds a valid tree for many sizes', async (t) => {
  for (const n of [0, 1, 31, 32, 57, 64, 65, 100, 3000, 20_000]) {
    const keys = Array.from({ length: n }, (_, i) => `k${String(i).padStart(6, '0')}`);
    const tree = BPlusTree.fromSorted(keys, keys.map((_, i) => i));
    tree.checkInvariants();
    t.equal(tree.size, n, `size ${n}`);
    if (n > 0) t.equal(tree.get(keys[n - 1]!), n - 1);
    // Still updatable after bulk load.
    tree.set('k', -1);
    tree.delete(keys[0] ?? 'x');
    tree.checkInvariants();
  }
  t.throws(() => BPlusTree.fromSorted(['b', 'a'], [1, 2]), /ascending/);
});

t.test('1M inserts (timing printed, not asserted)', async (t) => {
  const n = 1_000_000;
  const tree = new BPlusTree<number>();
  // Pseudo-random order, as names in a real cluster arrive.
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const j = (i * 7919) % n;
    tree.set(`/registry/pods/ns-${j % 100}/pod-${j}`, j);
  }
  const insertMs = performance.now() - start;
  const scanStart = performance.now();
  let count = 0;
  tree.forEach(() => {
    count++;
  });
  const scanMs = performance.now() - scanStart;
  t.comment(`B+tree: ${n} inserts in ${insertMs.toFixed(0)} ms, full ordered scan in ${scanMs.toFixed(0)} ms`);
  t.equal(tree.size, n);
  t.equal(count, n);
  t.equal(tree.get('/registry/pods/ns-7/pod-7'), 7);
  t.equal(tree.get('/registry/pods/ns-8/pod-7'), undefined);
  t.ok(tree.has('/registry/pods/ns-99/pod-999999'));
});
