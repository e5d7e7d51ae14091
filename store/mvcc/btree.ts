// An in-memory B+tree from string keys to values: O(log n) insert, delete and seek, then ordered
// scans along linked leaves. This is the ordered half of the key index; a plain Map next to it
// answers point lookups in O(1).
//
// Keys are ordered by native string comparison (UTF-16 code units), the fastest comparison V8 has.
// The store feeds it keys mapped through toSortKey() so that this order is etcd's UTF-8 byte order.
//
// Invariants (checked by checkInvariants() in tests):
// - internal node: keys.length === children.length - 1, and every key in children[i] is
//   < keys[i] <= every key in children[i + 1];
// - every node but the root holds at least MIN entries (leaf keys / internal children);
// - all leaves are at the same depth and linked left to right through `next`.

const MAX = 64;
const MIN = MAX >> 1;
/** Leaf fill used by bulk loading: full enough to be compact, loose enough to absorb inserts. */
const BULK_FILL = 56;

function compareNative(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class Leaf<V> {
  constructor(
    public keys: string[],
    public vals: V[],
    public next: Leaf<V> | null = null,
  ) {}
}

class Internal<V> {
  constructor(
    public keys: string[],
    public children: Node<V>[],
  ) {}
}

type Node<V> = Leaf<V> | Internal<V>;

/** First index whose key is >= key. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > key: the child to descend into. */
function upperBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class BPlusTree<V> {
  private root: Node<V> = new Leaf<V>([], []);
  private count = 0;
  // Split results handed up the recursion without allocating a tuple per insert.
  private splitKey = '';
  private splitNode: Node<V> | null = null;

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const leaf = this.findLeaf(key);
    const i = lowerBound(leaf.keys, key);
    return i < leaf.keys.length && leaf.keys[i] === key ? leaf.vals[i] : undefined;
  }

  has(key: string): boolean {
    const leaf = this.findLeaf(key);
    const i = lowerBound(leaf.keys, key);
    return i < leaf.keys.length && leaf.keys[i] === key;
  }

  /** Inserts or replaces. Returns true when the key was new. */
  set(key: string, value: V): boolean {
    const before = this.count;
    this.insertInto(this.root, key, value);
    if (this.splitNode) {
      this.root = new Internal<V>([this.splitKey], [this.root, this.splitNode]);
      this.splitNode = null;
    }
    return this.count > before;
  }

  /** Removes the key. Returns true when it was present. */
  delete(key: string): boolean {
    const found = this.removeFrom(this.root, key);
    if (found) {
      this.count--;
      const root = this.root;
      if (root instanceof Internal && root.children.length === 1) this.root = root.children[0]!;
    }
    return found;
  }

  /**
   * Visits entries with start <= key (and key < end when end is given) in ascending order until
   * `visit` returns false. The tree must not be modified during the scan.
   */
  scan(start: string, end: string | undefined, visit: (key: string, value: V) => boolean | void): void {
    let leaf: Leaf<V> | null = this.findLeaf(start);
    let i = lowerBound(leaf.keys, start);
    while (leaf) {
      const keys = leaf.keys;
      for (; i < keys.length; i++) {
        const key = keys[i]!;
        if (end !== undefined && key >= end) return;
        if (visit(key, leaf.vals[i]!) === false) return;
      }
      leaf = leaf.next;
      i = 0;
    }
  }

  /** Visits every entry in ascending order until `visit` returns false. */
  forEach(visit: (key: string, value: V) => boolean | void): void {
    let leaf: Leaf<V> | null = this.leftmostLeaf();
    while (leaf) {
      for (let i = 0; i < leaf.keys.length; i++) if (visit(leaf.keys[i]!, leaf.vals[i]!) === false) return;
      leaf = leaf.next;
    }
  }

  /** Yields the leaves' value arrays left to right (cheap ordered iteration for snapshots). */
  *valueRuns(): Generator<readonly V[]> {
    for (let leaf: Leaf<V> | null = this.leftmostLeaf(); leaf; leaf = leaf.next) {
      if (leaf.vals.length > 0) yield leaf.vals;
    }
  }

  /** Builds a tree from already sorted, distinct keys in O(n) (used by snapshot restore). */
  static fromSorted<V>(keys: string[], vals: V[]): BPlusTree<V> {
    if (keys.length !== vals.length) throw new Error('fromSorted: keys and values differ in length');
    for (let i = 1; i < keys.length; i++) {
      if (compareNative(keys[i - 1]!, keys[i]!) >= 0) throw new Error(`fromSorted: keys not strictly ascending at ${i}`);
    }
    const tree = new BPlusTree<V>();
    tree.count = keys.length;
    if (keys.length === 0) return tree;
    let level: Node<V>[] = [];
    let prev: Leaf<V> | null = null;
    for (const [from, to] of evenSlices(keys.length, BULK_FILL)) {
      const leaf: Leaf<V> = new Leaf<V>(keys.slice(from, to), vals.slice(from, to));
      if (prev) prev.next = leaf;
      prev = leaf;
      level.push(leaf);
    }
    let firstKeys = level.map((n) => (n as Leaf<V>).keys[0]!);
    while (level.length > 1) {
      const parents: Node<V>[] = [];
      const parentFirstKeys: string[] = [];
      for (const [from, to] of evenSlices(level.length, BULK_FILL)) {
        parents.push(new Internal<V>(firstKeys.slice(from + 1, to), level.slice(from, to)));
        parentFirstKeys.push(firstKeys[from]!);
      }
      level = parents;
      firstKeys = parentFirstKeys;
    }
    tree.root = level[0]!;
    return tree;
  }

  /** Throws if a structural invariant is broken. For tests. */
  checkInvariants(): void {
    let leafDepth = -1;
    let seen = 0;
    const walk = (node: Node<V>, depth: number, lo: string | undefined, hi: string | undefined, isRoot: boolean): void => {
      const size = node instanceof Leaf ? node.keys.length : node.children.length;
      if (!isRoot && size < MIN) throw new Error(`node underflow: ${size} < ${MIN}`);
      if (size > MAX) throw new Error(`node overflow: ${size} > ${MAX}`);
      for (let i = 1; i < node.keys.length; i++) {
        if (compareNative(node.keys[i - 1]!, node.keys[i]!) >= 0) throw new Error('keys out of order');
      }
      for (const k of node.keys) {
        if (lo !== undefined && compareNative(k, lo) < 0) throw new Error('key below its subtree bound');
        if (hi !== undefined && compareNative(k, hi) >= 0) throw new Error('key above its subtree bound');
      }
      if (node instanceof Leaf) {
        if (node.vals.length !== node.keys.length) throw new Error('leaf keys/vals length mismatch');
        if (leafDepth === -1) leafDepth = depth;
        else if (leafDepth !== depth) throw new Error('leaves at different depths');
        seen += node.keys.length;
        return;
      }
      if (node.keys.length !== node.children.length - 1) throw new Error('internal keys/children mismatch');
      if (!isRoot && node.children.length < 2) throw new Error('internal node with one child');
      node.children.forEach((child, i) => {
        walk(child, depth + 1, i === 0 ? lo : node.keys[i - 1], i === node.keys.length ? hi : node.keys[i], false);
      });
    };
    walk(this.root, 0, undefined, undefined, true);
    if (seen !== this.count) throw new Error(`size ${this.count} but ${seen} keys in leaves`);
    let linked = 0;
    let prevKey: string | undefined;
    for (let leaf: Leaf<V> | null = this.leftmostLeaf(); leaf; leaf = leaf.next) {
      for (const k of leaf.keys) {
        if (prevKey !== undefined && compareNative(prevKey, k) >= 0) throw new Error('leaf chain out of order');
        prevKey = k;
        linked++;
      }
    }
    if (linked !== this.count) throw new Error(`leaf chain holds ${linked} keys, expected ${this.count}`);
  }

  private leftmostLeaf(): Leaf<V> {
    let node = this.root;
    while (node instanceof Internal) node = node.children[0]!;
    return node;
  }

  private findLeaf(key: string): Leaf<V> {
    let node = this.root;
    while (node instanceof Internal) node = node.children[upperBound(node.keys, key)]!;
    return node;
  }

  private insertInto(node: Node<V>, key: string, value: V): void {
    if (node instanceof Leaf) {
      const i = lowerBound(node.keys, key);
      if (i < node.keys.length && node.keys[i] === key) {
        node.vals[i] = value;
        return;
      }
      insertAt(node.keys, i, key);
      insertAt(node.vals, i, value);
      this.count++;
      if (node.keys.length > MAX) {
        const mid = node.keys.length >> 1;
        const right = new Leaf<V>(node.keys.splice(mid), node.vals.splice(mid), node.next);
        node.next = right;
        this.splitKey = right.keys[0]!;
        this.splitNode = right;
      }
      return;
    }
    const ci = upperBound(node.keys, key);
    this.insertInto(node.children[ci]!, key, value);
    if (!this.splitNode) return;
    node.keys.splice(ci, 0, this.splitKey);
    node.children.splice(ci + 1, 0, this.splitNode);
    this.splitNode = null;
    if (node.children.length > MAX) {
      const mid = node.children.length >> 1;
      const rightChildren = node.children.splice(mid);
      const rightKeys = node.keys.splice(mid);
      const up = node.keys.pop()!; // keys[mid - 1] moves up to the parent
      this.splitKey = up;
      this.splitNode = new Internal<V>(rightKeys, rightChildren);
    }
  }

  private removeFrom(node: Node<V>, key: string): boolean {
    if (node instanceof Leaf) {
      const i = lowerBound(node.keys, key);
      if (i >= node.keys.length || node.keys[i] !== key) return false;
      node.keys.splice(i, 1);
      node.vals.splice(i, 1);
      return true;
    }
    const ci = upperBound(node.keys, key);
    if (!this.removeFrom(node.children[ci]!, key)) return false;
    this.rebalanceChild(node, ci);
    return true;
  }

  /** Restores the minimum fill of parent.children[ci] by borrowing from or merging with a sibling. */
  private rebalanceChild(parent: Internal<V>, ci: number): void {
    const child = parent.children[ci]!;
    const left = ci > 0 ? parent.children[ci - 1]! : undefined;
    const right = ci < parent.children.length - 1 ? parent.children[ci + 1]! : undefined;
    if (child instanceof Leaf) {
      if (child.keys.length >= MIN) return;
      const l = left as Leaf<V> | undefined;
      const r = right as Leaf<V> | undefined;
      if (l && l.keys.length > MIN) {
        child.keys.unshift(l.keys.pop()!);
        child.vals.unshift(l.vals.pop()!);
        parent.keys[ci - 1] = child.keys[0]!;
      } else if (r && r.keys.length > MIN) {
        child.keys.push(r.keys.shift()!);
        child.vals.push(r.vals.shift()!);
        parent.keys[ci] = r.keys[0]!;
      } else if (l) {
        for (let i = 0; i < child.keys.length; i++) {
          l.keys.push(child.keys[i]!);
          l.vals.push(child.vals[i]!);
        }
        l.next = child.next;
        parent.keys.splice(ci - 1, 1);
        parent.children.splice(ci, 1);
      } else if (r) {
        for (let i = 0; i < r.keys.length; i++) {
          child.keys.push(r.keys[i]!);
          child.vals.push(r.vals[i]!);
        }
        child.next = r.next;
        parent.keys.splice(ci, 1);
        parent.children.splice(ci + 1, 1);
      }
      return;
    }
    if (child.children.length >= MIN) return;
    const l = left as Internal<V> | undefined;
    const r = right as Internal<V> | undefined;
    if (l && l.children.length > MIN) {
      child.children.unshift(l.children.pop()!);
      child.keys.unshift(parent.keys[ci - 1]!);
      parent.keys[ci - 1] = l.keys.pop()!;
    } else if (r && r.children.length > MIN) {
      child.children.push(r.children.shift()!);
      child.keys.push(parent.keys[ci]!);
      parent.keys[ci] = r.keys.shift()!;
    } else if (l) {
      l.keys.push(parent.keys[ci - 1]!);
      for (const k of child.keys) l.keys.push(k);
      for (const c of child.children) l.children.push(c);
      parent.keys.splice(ci - 1, 1);
      parent.children.splice(ci, 1);
    } else if (r) {
      child.keys.push(parent.keys[ci]!);
      for (const k of r.keys) child.keys.push(k);
      for (const c of r.children) child.children.push(c);
      parent.keys.splice(ci, 1);
      parent.children.splice(ci + 1, 1);
    }
  }
}

/** arr.splice(i, 0, item) without allocating the (empty) array splice returns. */
function insertAt<T>(arr: T[], i: number, item: T): void {
  let j = arr.length;
  arr.push(item);
  for (; j > i; j--) arr[j] = arr[j - 1]!;
  arr[i] = item;
}

/**
 * Splits n items into consecutive slices of about `target` items whose sizes differ by at most one,
 * never fewer than MIN per slice (so bulk-built nodes satisfy the fill invariant) unless n < MIN.
 */
function evenSlices(n: number, target: number): Array<[number, number]> {
  const parts = Math.max(1, Math.min(Math.ceil(n / target), Math.floor(n / MIN)));
  const out: Array<[number, number]> = [];
  for (let p = 0; p < parts; p++) out.push([Math.floor((p * n) / parts), Math.floor(((p + 1) * n) / parts)]);
  return out;
}
