// Linearizability checker for a per-key key-value model, for integration tests of the Raft store.
//
// The search is the Wing & Gong backtracking algorithm with Lowe's memoization, as popularised by
// Porcupine: walk a time-ordered list of call/return events, try to linearize any operation whose
// call comes before the first outstanding return, and remember every (set of linearized ops, model
// state) configuration already explored so that no configuration is searched twice. The history is
// split by key first (P-compositionality): a KV store is linearizable iff every key is.
//
// Operations with an unknown outcome (timeouts, dropped connections) have no return event: they may
// take effect at any point after their call, or never. Unknown reads observe nothing and are
// dropped. Unknown writes are the classic way to blow such a search up (every subset of them is a
// possible past), so the search only places one right before an operation that needs its effect,
// treats unknown writes with identical effects as interchangeable, and lets a configuration with
// fewer unknown writes placed stand for one with more (see searchPartition).

export type KvInput =
  | { op: 'put'; key: string; value: string }
  | { op: 'get'; key: string }
  /** `expected: null` means "the key is absent". */
  | { op: 'cas'; key: string; expected: string | null; value: string }
  | { op: 'delete'; key: string };

/**
 * - get: `ok: true` with `value` (string, or null when absent). `ok: false` = the read failed, ignored.
 * - put / delete: `ok: true` = applied. `ok: false` = definitely rejected with no effect, ignored.
 * - cas: `ok: true` = swapped; `ok: false` = the comparison failed. A failed cas may report the value
 *   it saw in `value` (string or null); when given, it is checked too.
 */
export interface KvOutput {
  ok: boolean;
  value?: string | null;
}

export type ClientId = string | number;

export interface KvOperation {
  clientId: ClientId;
  input: KvInput;
  /** Required unless the outcome is unknown. */
  output?: KvOutput;
  /**
   * Invocation time (any monotonic unit: ns or ms). An operation responding at the very instant
   * another is invoked counts as concurrent with it (the lenient reading for coarse clocks).
   */
  call: number;
  /** Response time; `Infinity` when the outcome is unknown. */
  return: number;
  /** Same as `return: Infinity`: the client never learned whether the operation took effect. */
  unknown?: boolean;
}

export interface CheckOptions {
  /** Wall-clock budget for the whole check, in ms (default 10 000). */
  timeBudgetMs?: number;
  /** Model steps allowed per key before giving up with `ok: 'unknown'` (default 20 000 000, roughly 10 s). */
  maxStepsPerKey?: number;
  /** Memoized configurations allowed per key, bounding memory (default 4 000 000, a few hundred MB at most). */
  maxCachedStatesPerKey?: number;
  /** Values present before the history starts; keys not listed start absent. */
  initialValues?: Readonly<Record<string, string>>;
  /** Millisecond clock used only for the time budget (default `performance.now`). */
  now?: () => number;
}

export interface CheckStats {
  /** Operations that took part in the search. */
  operations: number;
  /** Operations left out because they observe nothing and change nothing (failed or unknown reads, rejected writes). */
  ignored: number;
  keys: number;
  steps: number;
  elapsedMs: number;
}

export interface IndexedOperation {
  /** Position in the history array that was checked. */
  index: number;
  op: KvOperation;
}

export interface LinearizedStep extends IndexedOperation {
  stateAfter: string | null;
}

export interface UnplaceableOperation extends IndexedOperation {
  reason: string;
}

export interface LinearizableResult {
  ok: true;
  stats: CheckStats;
  describe(): string;
}

export interface NotLinearizableResult {
  ok: false;
  /** The first failing key (in sorted order); `failedKeys` lists all of them. */
  key: string;
  failedKeys: string[];
  /**
   * The longest linearizable prefix found for `key`, in linearization order: the one placing the
   * most operations with a known outcome (then the fewest unknown-outcome ones).
   */
  linearizedPrefix: LinearizedStep[];
  /** The value of `key` after that prefix (null = absent). */
  stateAtFailure: string | null;
  /** The operation whose response forced it to be placed next, but which could not be. */
  blockedOn: IndexedOperation;
  /**
   * Every operation that could have come next after the prefix, and why none of them fits
   * (unknown-outcome writes only when some candidate needed the value they would set).
   */
  unplaceable: UnplaceableOperation[];
  /** All checked operations on `key`, in call order. */
  keyOperations: IndexedOperation[];
  stats: CheckStats;
  describe(): string;
}

export interface UnknownResult {
  ok: 'unknown';
  reason: string;
  /** Keys whose search did not finish. */
  unknownKeys: string[];
  stats: CheckStats;
  describe(): string;
}

export type LinearizabilityResult = LinearizableResult | NotLinearizableResult | UnknownResult;

/** Thrown when a history (or a recorded operation) is malformed. */
export class InvalidHistoryError extends Error {
  override name = 'InvalidHistoryError';
}

// ---------------------------------------------------------------------------------------------
// Validation and formatting

function describeValue(value: string | null | undefined): string {
  return value === null || value === undefined ? 'absent' : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns what is wrong with the input, or null. */
export function kvInputProblem(input: unknown): string | null {
  if (!isRecord(input)) return 'input must be an object';
  if (typeof input.key !== 'string') return 'input.key must be a string';
  switch (input.op) {
    case 'get':
    case 'delete':
      return null;
    case 'put':
      return typeof input.value === 'string' ? null : 'put input.value must be a string';
    case 'cas':
      if (input.expected !== null && typeof input.expected !== 'string') return 'cas input.expected must be a string or null';
      return typeof input.value === 'string' ? null : 'cas input.value must be a string';
    default:
      return `input.op must be one of put, get, cas, delete (got ${JSON.stringify(input.op)})`;
  }
}

/** Returns what is wrong with a known outcome for this input, or null. */
export function kvOutputProblem(input: KvInput, output: unknown): string | null {
  if (!isRecord(output)) return 'output must be an object (or mark the operation unknown)';
  if (typeof output.ok !== 'boolean') return 'output.ok must be a boolean';
  const value = output.value;
  if (value !== undefined && value !== null && typeof value !== 'string') return 'output.value must be a string, null or undefined';
  if (input.op === 'get' && output.ok && value === undefined) return 'a successful get needs output.value (string, or null when absent)';
  return null;
}

function isUnknownOutcome(op: KvOperation): boolean {
  return op.unknown === true || op.return === Infinity;
}

function operationProblem(op: unknown): string | null {
  if (!isRecord(op)) return 'operation must be an object';
  if (typeof op.clientId !== 'string' && typeof op.clientId !== 'number') return 'clientId must be a string or number';
  const inputProblem = kvInputProblem(op.input);
  if (inputProblem) return inputProblem;
  if (typeof op.call !== 'number' || !Number.isFinite(op.call)) return 'call must be a finite number';
  if (op.unknown !== undefined && typeof op.unknown !== 'boolean') return 'unknown must be a boolean when given';
  if (typeof op.return !== 'number' || Number.isNaN(op.return)) return 'return must be a number (Infinity when the outcome is unknown)';
  if (op.return < op.call) return `return (${op.return}) is before call (${op.call})`;
  if (isUnknownOutcome(op as unknown as KvOperation)) return null;
  return kvOutputProblem(op.input as KvInput, op.output);
}

function describeInput(input: KvInput): string {
  const key = JSON.stringify(input.key);
  switch (input.op) {
    case 'get':
      return `get(${key})`;
    case 'delete':
      return `delete(${key})`;
    case 'put':
      return `put(${key}, ${JSON.stringify(input.value)})`;
    case 'cas':
      return `cas(${key}, ${describeValue(input.expected)} -> ${JSON.stringify(input.value)})`;
  }
}

function describeOutcome(op: KvOperation): string {
  if (isUnknownOutcome(op) || !op.output) return '? (outcome unknown)';
  const { ok, value } = op.output;
  switch (op.input.op) {
    case 'get':
      return ok ? describeValue(value) : 'failed';
    case 'cas':
      if (ok) return 'swapped';
      return value === undefined ? 'compare failed' : `compare failed (saw ${describeValue(value)})`;
    default:
      return ok ? 'ok' : 'rejected';
  }
}

/** One line a person can read: `client 3  put("k", "v") -> ok  [10, 12]`. */
export function formatKvOperation(op: KvOperation): string {
  const end = isUnknownOutcome(op) ? '∞)' : `${op.return}]`;
  return `client ${op.clientId}  ${describeInput(op.input)} -> ${describeOutcome(op)}  [${op.call}, ${end}`;
}

function formatIndexed(item: IndexedOperation): string {
  return `#${item.index} ${formatKvOperation(item.op)}`;
}

// ---------------------------------------------------------------------------------------------
// The per-key model, over interned values. State 0 is "absent"; every value some operation looks
// for (a read result, a cas expectation or reported value) gets its own id; all other values share
// the id UNREFERENCED: no operation can tell them apart, so the search treats them as one state.

const ABSENT = 0;
const UNREFERENCED = 1;
const ILLEGAL = -1;
const NOT_REPORTED = -2;

const Kind = {
  Get: 0,
  Put: 1,
  Delete: 2,
  CasSwapped: 3,
  CasFailed: 4,
  /** A cas whose outcome is unknown: swaps when the comparison holds, otherwise changes nothing. */
  CasMaybe: 5,
} as const;

interface KeyPartition {
  key: string;
  /** Indices into the checked history. */
  indices: number[];
  kinds: Uint8Array;
  argA: Int32Array;
  argB: Int32Array;
  calls: Float64Array;
  returns: Float64Array;
  /** Number of state ids. */
  stateCount: number;
  initialState: number;
  initialValue: string | null;
}

function step(kind: number, a: number, b: number, state: number): number {
  switch (kind) {
    case Kind.Get:
      return state === a ? state : ILLEGAL;
    case Kind.Put:
      return a;
    case Kind.Delete:
      return ABSENT;
    case Kind.CasSwapped:
      return state === a ? b : ILLEGAL;
    case Kind.CasFailed:
      return state !== a && (b === NOT_REPORTED || b === state) ? state : ILLEGAL;
    case Kind.CasMaybe:
      return state === a ? b : state;
    default:
      return ILLEGAL;
  }
}

/** The model on real values, for reports: the new value, or `undefined` when `op` cannot happen here. */
function concreteStep(op: KvOperation, state: string | null): string | null | undefined {
  const input = op.input;
  const output = op.output;
  switch (input.op) {
    case 'get':
      return output!.value === state ? state : undefined;
    case 'put':
      return input.value;
    case 'delete':
      return null;
    case 'cas':
      if (isUnknownOutcome(op)) return state === input.expected ? input.value : state;
      if (output!.ok) return state === input.expected ? input.value : undefined;
      return state !== input.expected && (output!.value === undefined || output!.value === state) ? state : undefined;
  }
}

function whyNot(op: KvOperation, state: string | null): string {
  const input = op.input;
  const here = describeValue(state);
  if (input.op === 'get') return `read ${describeValue(op.output!.value)} but the value here is ${here}`;
  if (input.op === 'cas' && op.output!.ok) return `swapped, so the value must have been ${describeValue(input.expected)}, but it is ${here}`;
  if (input.op === 'cas' && state === input.expected) return `compare failed, but the value here equals the expected ${here}`;
  if (input.op === 'cas') return `compare failed having seen ${describeValue(op.output!.value)}, but the value here is ${here}`;
  return 'no legal outcome';
}

/** Splits the history by key and interns values; drops operations that observe and change nothing. */
function partitionHistory(history: readonly KvOperation[], initialValues: Readonly<Record<string, string>>): { partitions: KeyPartition[]; ignored: number } {
  const byKey = new Map<string, number[]>();
  let ignored = 0;
  history.forEach((op, index) => {
    const unknown = isUnknownOutcome(op);
    const failedKnown = !unknown && op.output!.ok === false && op.input.op !== 'cas';
    if ((unknown && op.input.op === 'get') || failedKnown) {
      ignored++;
      return;
    }
    const list = byKey.get(op.input.key);
    if (list) list.push(index);
    else byKey.set(op.input.key, [index]);
  });

  const partitions: KeyPartition[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const indices = byKey.get(key)!;
    const n = indices.length;
    const ids = new Map<string, number>();
    const reference = (value: string | null | undefined) => {
      if (typeof value === 'string' && !ids.has(value)) ids.set(value, ids.size + 2);
    };
    for (const index of indices) {
      const op = history[index]!;
      if (op.input.op === 'get') reference(op.output!.value);
      if (op.input.op === 'cas') {
        reference(op.input.expected);
        if (!isUnknownOutcome(op) && !op.output!.ok) reference(op.output!.value);
      }
    }
    const idOf = (value: string | null): number => (value === null ? ABSENT : (ids.get(value) ?? UNREFERENCED));
    const initialValue = Object.prototype.hasOwnProperty.call(initialValues, key) ? initialValues[key]! : null;
    const partition: KeyPartition = {
      key,
      indices,
      kinds: new Uint8Array(n),
      argA: new Int32Array(n),
      argB: new Int32Array(n),
      calls: new Float64Array(n),
      returns: new Float64Array(n),
      stateCount: ids.size + 2,
      initialState: idOf(initialValue),
      initialValue,
    };
    indices.forEach((index, i) => {
      const op = history[index]!;
      const unknown = isUnknownOutcome(op);
      partition.calls[i] = op.call;
      partition.returns[i] = unknown ? Infinity : op.return;
      const input = op.input;
      let kind: number;
      switch (input.op) {
        case 'get':
          kind = Kind.Get;
          partition.argA[i] = idOf(op.output!.value ?? null);
          break;
        case 'put':
          kind = Kind.Put;
          partition.argA[i] = idOf(input.value);
          break;
        case 'delete':
          kind = Kind.Delete;
          break;
        case 'cas':
          kind = unknown ? Kind.CasMaybe : op.output!.ok ? Kind.CasSwapped : Kind.CasFailed;
          partition.argA[i] = idOf(input.expected);
          partition.argB[i] = kind === Kind.CasFailed ? (op.output!.value === undefined ? NOT_REPORTED : idOf(op.output!.value)) : idOf(input.value);
          break;
      }
      partition.kinds[i] = kind;
    });
    partitions.push(partition);
  }
  return { partitions, ignored };
}

// ---------------------------------------------------------------------------------------------
// The search

interface Budget {
  now: () => number;
  deadline: number;
  maxSteps: number;
  maxCached: number;
}

interface Deadend {
  /** Operations with a known outcome in the prefix: the measure of how far the search got. */
  known: number;
  /** Partition-local op numbers, in linearization order. */
  prefix: number[];
  blocked: number;
  candidates: number[];
}

type SearchOutcome =
  | { status: 'ok'; steps: number }
  | { status: 'fail'; steps: number; deadend: Deadend }
  | { status: 'unknown'; steps: number; reason: string };

/** Deterministic 32-bit generator for Zobrist hashing: the checker itself stays reproducible. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return (z ^ (z >>> 14)) >>> 0;
  };
}

const END = -1;
const HEAD = 0;
const HI_MASK = 0x1fffff; // 21 high bits + 32 low bits = a 53-bit exact-in-double hash
const TWO_POW_32 = 4294967296;
const BUDGET_CHECK_INTERVAL = 1024;

/**
 * Searches one key's history. Operations with a known outcome live in a time-ordered list of call
 * and return events; unknown-outcome writes have no return, so they live in a separate list by call
 * time and are never forced: the search succeeds once every known operation is placed. They are
 * tried only after the known candidates, which lets the memo prune by dominance (see remember()).
 */
function searchPartition(p: KeyPartition, budget: Budget): SearchOutcome {
  const n = p.indices.length;
  const isUnknown = new Uint8Array(n);
  // Position in the known bitset (by call time, so placed ops cluster at the front) or the unknown one.
  const slot = new Int32Array(n);
  let knownCount = 0;
  let unknownCount = 0;
  for (let i = 0; i < n; i++) isUnknown[i] = p.returns[i] === Infinity ? 1 : 0;
  const byCall = Array.from({ length: n }, (_, i) => i).sort((x, y) => p.calls[x]! - p.calls[y]! || x - y);
  for (const i of byCall) slot[i] = isUnknown[i] ? unknownCount++ : knownCount++;

  // Known events: node 0 is the head sentinel, then calls and returns in time order. At equal times
  // calls sort first, so touching intervals count as concurrent (the lenient reading for clocks with
  // coarse resolution).
  const events: number[] = [];
  for (let i = 0; i < n; i++) if (!isUnknown[i]) events.push(i, i + n); // i = call of op i, i + n = its return
  const timeOf = (e: number) => (e < n ? p.calls[e]! : p.returns[e - n]!);
  events.sort((x, y) => {
    const tx = timeOf(x);
    const ty = timeOf(y);
    if (tx !== ty) return tx < ty ? -1 : 1;
    const callX = x < n ? 0 : 1;
    const callY = y < n ? 0 : 1;
    return callX !== callY ? callX - callY : x - y;
  });
  const size = events.length + 1;
  const next = new Int32Array(size);
  const prev = new Int32Array(size);
  const nodeOp = new Int32Array(size);
  const isCall = new Uint8Array(size);
  const callNode = new Int32Array(n);
  const returnNode = new Int32Array(n);
  nodeOp[HEAD] = -1;
  events.forEach((e, position) => {
    const node = position + 1;
    if (e < n) {
      nodeOp[node] = e;
      isCall[node] = 1;
      callNode[e] = node;
    } else {
      nodeOp[node] = e - n;
      returnNode[e - n] = node;
    }
  });
  for (let node = 0; node < size; node++) {
    next[node] = node + 1 < size ? node + 1 : END;
    prev[node] = node - 1;
  }

  // Unknown-outcome operations, by call time, behind their own sentinel 0.
  const unknownOps: number[] = [];
  for (let i = 0; i < n; i++) if (isUnknown[i]) unknownOps.push(i);
  unknownOps.sort((x, y) => p.calls[x]! - p.calls[y]! || x - y);
  const uSize = unknownOps.length + 1;
  const uNext = new Int32Array(uSize);
  const uPrev = new Int32Array(uSize);
  const uOp = new Int32Array(uSize);
  const uNode = new Int32Array(n);
  uOp[HEAD] = -1;
  unknownOps.forEach((op, position) => {
    uOp[position + 1] = op;
    uNode[op] = position + 1;
  });
  for (let u = 0; u < uSize; u++) {
    uNext[u] = u + 1 < uSize ? u + 1 : END;
    uPrev[u] = u - 1;
  }
  // Unknown cas operations by the value they expect, in call order: right after an unknown op that
  // set value v, only an unknown cas expecting v can need it (an unknown put or delete erases it).
  const casByExpected = new Map<number, number[]>();
  const positionInExpected = new Int32Array(n);
  for (const op of unknownOps) {
    if (p.kinds[op] !== Kind.CasMaybe) continue;
    const list = casByExpected.get(p.argA[op]!) ?? [];
    positionInExpected[op] = list.length;
    list.push(op);
    casByExpected.set(p.argA[op]!, list);
  }
  const NO_OPS: number[] = [];
  const placed = new Uint8Array(n);
  // Unknown ops with the same effect in every state are interchangeable: once invoked, any of them
  // can stand in for another. Only the earliest unplaced one of each class is ever tried, which
  // stops the search from enumerating which of them took effect.
  const classOf = new Int32Array(n);
  const memberIndex = new Int32Array(n);
  const classIds = new Map<string, number>();
  const classSizes: number[] = [];
  for (const op of unknownOps) {
    const signature = `${p.kinds[op]}:${p.kinds[op] === Kind.Delete ? 0 : p.argA[op]}:${p.kinds[op] === Kind.CasMaybe ? p.argB[op] : 0}`;
    let id = classIds.get(signature);
    if (id === undefined) {
      id = classSizes.length;
      classIds.set(signature, id);
      classSizes.push(0);
    }
    classOf[op] = id;
    memberIndex[op] = classSizes[id]!++;
  }
  const classPlaced = new Int32Array(classSizes.length);
  const isCanonical = (op: number) => memberIndex[op] === classPlaced[classOf[op]!];

  // Dancing-links removal of a known op's call and return, or of an unknown op; undone in LIFO order.
  const lift = (op: number) => {
    placed[op] = 1;
    if (isUnknown[op]) {
      classPlaced[classOf[op]!]!++;
      const u = uNode[op]!;
      uNext[uPrev[u]!] = uNext[u]!;
      if (uNext[u] !== END) uPrev[uNext[u]!] = uPrev[u]!;
      return;
    }
    const call = callNode[op]!;
    const ret = returnNode[op]!;
    next[prev[call]!] = next[call]!;
    if (next[call] !== END) prev[next[call]!] = prev[call]!;
    next[prev[ret]!] = next[ret]!;
    if (next[ret] !== END) prev[next[ret]!] = prev[ret]!;
  };
  const unlift = (op: number) => {
    placed[op] = 0;
    if (isUnknown[op]) {
      classPlaced[classOf[op]!]!--;
      const u = uNode[op]!;
      uNext[uPrev[u]!] = u;
      if (uNext[u] !== END) uPrev[uNext[u]!] = u;
      return;
    }
    const call = callNode[op]!;
    const ret = returnNode[op]!;
    next[prev[ret]!] = ret;
    if (next[ret] !== END) prev[next[ret]!] = ret;
    next[prev[call]!] = call;
    if (next[call] !== END) prev[next[call]!] = call;
  };

  // Memo of configurations (known set K, unknown set U, state). The hash covers K and the state
  // only, so every U explored for the same (K, state) shares a bucket. K is stored compactly: the
  // words of the known bitset between the first unplaced op and the last placed one (all ones
  // before, all zeros after), usually a handful however long the history.
  const kWords = Math.max(1, Math.ceil(knownCount / 32));
  const uWords = Math.max(1, Math.ceil(unknownCount / 32));
  const random = mulberry32(0x9e3779b9 ^ n);
  const opLo = new Uint32Array(n);
  const opHi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    opLo[i] = isUnknown[i] ? 0 : random();
    opHi[i] = isUnknown[i] ? 0 : random() & HI_MASK;
  }
  const stateLo = new Uint32Array(p.stateCount);
  const stateHi = new Uint32Array(p.stateCount);
  for (let s = 0; s < p.stateCount; s++) {
    stateLo[s] = random();
    stateHi[s] = random() & HI_MASK;
  }
  const knownBits = new Uint32Array(kWords);
  const unknownBits = new Uint32Array(uWords);
  let firstUnplaced = 0; // known slots below are all placed
  let lastPlaced = -1; // known slots above are all unplaced
  const isSlotPlaced = (k: number) => (knownBits[k >>> 5]! & (1 << (k & 31))) !== 0;
  const markPlaced = (op: number) => {
    const k = slot[op]!;
    if (isUnknown[op]) {
      unknownBits[k >>> 5]! |= 1 << (k & 31);
      return;
    }
    knownBits[k >>> 5]! |= 1 << (k & 31);
    if (k > lastPlaced) lastPlaced = k;
    while (firstUnplaced < knownCount && isSlotPlaced(firstUnplaced)) firstUnplaced++;
  };
  const markUnplaced = (op: number) => {
    const k = slot[op]!;
    if (isUnknown[op]) {
      unknownBits[k >>> 5]! &= ~(1 << (k & 31));
      return;
    }
    knownBits[k >>> 5]! &= ~(1 << (k & 31));
    if (k < firstUnplaced) firstUnplaced = k;
    while (lastPlaced >= 0 && !isSlotPlaced(lastPlaced)) lastPlaced--;
  };

  // Chained hash table in typed arrays: a Map of arrays costs several times more per entry.
  let tableMask = 4095;
  let tableHeads = new Int32Array(tableMask + 1).fill(-1);
  let pool = new Uint32Array(64 * 1024);
  let poolUsed = 0;
  let entryOffset = new Int32Array(1024);
  let entryState = new Int32Array(1024);
  let entryHash = new Float64Array(1024);
  let entryNext = new Int32Array(1024);
  let cached = 0;
  const bucketOf = (hash: number) => (hash % TWO_POW_32) & tableMask;
  const grow = () => {
    const capacity = entryOffset.length * 2;
    const offsets = new Int32Array(capacity);
    offsets.set(entryOffset);
    entryOffset = offsets;
    const states = new Int32Array(capacity);
    states.set(entryState);
    entryState = states;
    const hashes = new Float64Array(capacity);
    hashes.set(entryHash);
    entryHash = hashes;
    const nexts = new Int32Array(capacity);
    nexts.set(entryNext);
    entryNext = nexts;
    if (cached > tableMask) {
      tableMask = tableMask * 2 + 1;
      tableHeads = new Int32Array(tableMask + 1).fill(-1);
      for (let e = 0; e < cached; e++) {
        const b = bucketOf(entryHash[e]!);
        entryNext[e] = tableHeads[b]!;
        tableHeads[b] = e;
      }
    }
  };
  /**
   * Adds the current configuration unless one already seen dominates it: same K and state, and a
   * subset of its U. Whatever can follow here can follow there too (the extra unknown operations
   * simply never take effect), so the dominating configuration, explored already or being explored
   * further up the stack, finds any linearization this one could. Besides exact repeats this prunes
   * most of the 2^unknowns variants, since the variants without an unknown op are tried first.
   */
  const remember = (hash: number, state: number): boolean => {
    const firstWord = firstUnplaced >>> 5;
    const wordCount = lastPlaced < 0 ? 0 : Math.max(0, (lastPlaced >>> 5) - firstWord + 1);
    for (let entry = tableHeads[bucketOf(hash)]!; entry >= 0; entry = entryNext[entry]!) {
      if (entryHash[entry] !== hash || entryState[entry] !== state) continue;
      const base = entryOffset[entry]!;
      if (pool[base] !== firstWord || pool[base + 1] !== wordCount) continue;
      let sameKnown = true;
      for (let w = 0; w < wordCount; w++) {
        if (pool[base + 2 + w] !== knownBits[firstWord + w]) {
          sameKnown = false;
          break;
        }
      }
      if (!sameKnown) continue;
      let subset = true;
      for (let w = 0, u = base + 2 + wordCount; w < uWords; w++) {
        if ((pool[u + w]! & ~unknownBits[w]!) !== 0) {
          subset = false;
          break;
        }
      }
      if (subset) return false;
    }
    const size = 2 + wordCount + uWords;
    if (poolUsed + size > pool.length) {
      const bigger = new Uint32Array(Math.max(pool.length * 2, poolUsed + size));
      bigger.set(pool);
      pool = bigger;
    }
    if (cached === entryOffset.length) grow();
    pool[poolUsed] = firstWord;
    pool[poolUsed + 1] = wordCount;
    pool.set(knownBits.subarray(firstWord, firstWord + wordCount), poolUsed + 2);
    pool.set(unknownBits, poolUsed + 2 + wordCount);
    entryOffset[cached] = poolUsed;
    entryState[cached] = state;
    entryHash[cached] = hash;
    const b = bucketOf(hash);
    entryNext[cached] = tableHeads[b]!;
    tableHeads[b] = cached;
    poolUsed += size;
    cached++;
    return true;
  };

  const stackOp = new Int32Array(n);
  const stackState = new Int32Array(n);
  const stackLimit = new Float64Array(n);
  const stackBlocked = new Int32Array(n);
  let depth = 0;
  let unknownPlaced = 0;
  let state = p.initialState;
  let hashLo = 0;
  let hashHi = 0;
  let steps = 0;
  let stopReason: string | undefined;
  let deadend: Deadend | undefined;
  const topIsUnknown = () => depth > 0 && isUnknown[stackOp[depth - 1]!] === 1;

  /** 1 when op was linearized next, 0 when it does not fit or leads nowhere new. */
  const tryPlace = (op: number): number => {
    steps++;
    if (steps % BUDGET_CHECK_INTERVAL === 0) {
      if (steps > budget.maxSteps) stopReason = `search exceeded ${budget.maxSteps} steps`;
      else if (budget.now() > budget.deadline) stopReason = 'time budget exhausted';
      if (stopReason) return 0;
    }
    if (isUnknown[op] && !isCanonical(op)) return 0;
    const newState = step(p.kinds[op]!, p.argA[op]!, p.argB[op]!, state);
    if (newState === ILLEGAL) return 0;
    if (topIsUnknown()) {
      // An unknown op is only worth placing right before an op that needs it: one that would be
      // illegal without it, or would change the value differently. Any linearization can be
      // normalised to that form: an unknown op commutes with a following op that preserves the
      // value either way, is erased by one that ends in the same value either way, and one left
      // with nothing needing it can simply never take effect.
      const withoutIt = step(p.kinds[op]!, p.argA[op]!, p.argB[op]!, stackState[depth - 1]!);
      if (withoutIt !== ILLEGAL && (withoutIt === newState || newState === state)) return 0;
    }
    const lo = (hashLo ^ opLo[op]!) >>> 0;
    const hi = hashHi ^ opHi[op]!;
    markPlaced(op);
    // Configurations are memoized only between such groups (unknown ops and the op needing them),
    // so every remembered configuration is free to continue with any candidate.
    if (!isUnknown[op] && !remember((hi ^ stateHi[newState]!) * TWO_POW_32 + ((lo ^ stateLo[newState]!) >>> 0), newState)) {
      markUnplaced(op);
      return 0;
    }
    if (cached > budget.maxCached) {
      markUnplaced(op);
      stopReason = `more than ${budget.maxCached} configurations to explore`;
      return 0;
    }
    stackOp[depth] = op;
    stackState[depth] = state;
    stackLimit[depth] = limit;
    stackBlocked[depth] = blocked;
    depth++;
    if (isUnknown[op]) unknownPlaced++;
    state = newState;
    hashLo = lo;
    hashHi = hi;
    lift(op);
    return 1;
  };

  // Values an unknown op could usefully set right now: ones that make a blocked known candidate
  // legal, or that an unknown cas expects. Marked with a stamp so nothing needs clearing.
  const wantedStamp = new Int32Array(p.stateCount);
  let stamp = 0;
  let anyValueWanted = false;
  const computeWanted = () => {
    stamp++;
    anyValueWanted = false;
    for (let c = next[HEAD]!; c !== blocked && c !== END; c = next[c]!) {
      if (!isCall[c]) continue;
      const x = nodeOp[c]!;
      if (step(p.kinds[x]!, p.argA[x]!, p.argB[x]!, state) !== ILLEGAL) continue;
      const kind = p.kinds[x]!;
      if (kind === Kind.Get || kind === Kind.CasSwapped) wantedStamp[p.argA[x]!] = stamp;
      else if (kind === Kind.CasFailed) {
        if (p.argB[x] === NOT_REPORTED) anyValueWanted = true; // any value but the expected one
        else wantedStamp[p.argB[x]!] = stamp;
      }
    }
    for (let u = uNext[HEAD]!; u !== END && p.calls[uOp[u]!]! <= limit; u = uNext[u]!) {
      if (p.kinds[uOp[u]!] === Kind.CasMaybe) wantedStamp[p.argA[uOp[u]!]!] = stamp;
    }
  };
  /** Whether unknown op `op` is worth trying in the current configuration (see computeWanted). */
  const worthTrying = (op: number) => {
    if (!isCanonical(op)) return false;
    const value = step(p.kinds[op]!, p.argA[op]!, p.argB[op]!, state);
    return value !== state && (anyValueWanted || wantedStamp[value] === stamp);
  };

  // Phase KNOWN scans known calls before the first pending return (`blocked`). Then, invoked no
  // later than that return (`limit`): phase ANY tries the unknown ops someone could need, or, right
  // after an unknown op, phase CHAIN tries only the unknown cas ops expecting its value. Then back up.
  const KNOWN = 0;
  const ANY = 1;
  const CHAIN = 2;
  let phase = KNOWN;
  let node = next[HEAD]!;
  let uCursor = END;
  let chain = NO_OPS;
  let chainIndex = 0;
  let blocked = END;
  let limit = 0;
  const enterUnknownPhase = (resumeAfter: number) => {
    if (topIsUnknown()) {
      phase = CHAIN;
      chain = casByExpected.get(state) ?? NO_OPS;
      chainIndex = resumeAfter < 0 ? 0 : positionInExpected[resumeAfter]! + 1;
    } else {
      phase = ANY;
      computeWanted();
      uCursor = resumeAfter < 0 ? uNext[HEAD]! : uNext[uNode[resumeAfter]!]!;
    }
  };

  while (next[HEAD] !== END) {
    if (phase === KNOWN) {
      if (isCall[node]) {
        node = tryPlace(nodeOp[node]!) ? next[HEAD]! : next[node]!;
      } else {
        blocked = node;
        limit = p.returns[nodeOp[node]!]!;
        enterUnknownPhase(-1);
      }
      if (stopReason) break;
      continue;
    }
    let candidate = -1;
    if (phase === ANY) {
      while (uCursor !== END && p.calls[uOp[uCursor]!]! <= limit && !worthTrying(uOp[uCursor]!)) uCursor = uNext[uCursor]!;
      if (uCursor !== END && p.calls[uOp[uCursor]!]! <= limit) candidate = uOp[uCursor]!;
    } else {
      while (chainIndex < chain.length && (placed[chain[chainIndex]!] || !isCanonical(chain[chainIndex]!))) chainIndex++;
      if (chainIndex < chain.length && p.calls[chain[chainIndex]!]! <= limit) candidate = chain[chainIndex]!;
    }
    if (candidate >= 0) {
      if (tryPlace(candidate)) {
        phase = KNOWN;
        node = next[HEAD]!;
      } else if (phase === ANY) {
        uCursor = uNext[uCursor]!;
      } else {
        chainIndex++;
      }
      if (stopReason) break;
      continue;
    }

    // Dead end: the op behind `blocked` had to come before anything invoked after its response.
    const knownPlaced = depth - unknownPlaced;
    if (!deadend || knownPlaced > deadend.known || (knownPlaced === deadend.known && depth < deadend.prefix.length)) {
      const prefix = Array.from(stackOp.subarray(0, depth));
      const candidates: number[] = [];
      for (let c = next[HEAD]!; c !== blocked && c !== END; c = next[c]!) if (isCall[c]) candidates.push(nodeOp[c]!);
      if (phase === ANY) {
        for (let u = uNext[HEAD]!; u !== END && p.calls[uOp[u]!]! <= limit; u = uNext[u]!) if (worthTrying(uOp[u]!)) candidates.push(uOp[u]!);
      } else {
        for (const op of chain) if (!placed[op] && p.calls[op]! <= limit) candidates.push(op);
      }
      deadend = { known: knownPlaced, prefix, blocked: nodeOp[blocked]!, candidates };
    }
    if (depth === 0) return { status: 'fail', steps, deadend };
    depth--;
    const op = stackOp[depth]!;
    state = stackState[depth]!;
    markUnplaced(op);
    hashLo = (hashLo ^ opLo[op]!) >>> 0;
    hashHi ^= opHi[op]!;
    unlift(op);
    if (isUnknown[op]) {
      unknownPlaced--;
      limit = stackLimit[depth]!;
      blocked = stackBlocked[depth]!;
      enterUnknownPhase(op);
    } else {
      phase = KNOWN;
      node = next[callNode[op]!]!;
    }
  }
  if (stopReason) return { status: 'unknown', steps, reason: stopReason };
  return { status: 'ok', steps };
}

// ---------------------------------------------------------------------------------------------
// Entry point and reports

/**
 * Checks a KV history for linearizability, key by key. Throws InvalidHistoryError on a malformed
 * history; otherwise always returns within the configured budgets.
 */
export function checkKvLinearizability(history: readonly KvOperation[], options: CheckOptions = {}): LinearizabilityResult {
  if (!Array.isArray(history)) throw new InvalidHistoryError('history must be an array of operations');
  for (let index = 0; index < history.length; index++) {
    const problem = operationProblem(history[index]);
    if (problem) throw new InvalidHistoryError(`history[${index}]: ${problem}`);
  }
  const initialValues = options.initialValues ?? {};
  for (const [key, value] of Object.entries(initialValues)) {
    if (typeof value !== 'string') throw new InvalidHistoryError(`initialValues[${JSON.stringify(key)}] must be a string`);
  }

  const now = options.now ?? (() => performance.now());
  const started = now();
  const budget: Budget = {
    now,
    deadline: started + (options.timeBudgetMs ?? 10_000),
    maxSteps: options.maxStepsPerKey ?? 20_000_000,
    maxCached: options.maxCachedStatesPerKey ?? 4_000_000,
  };
  const { partitions, ignored } = partitionHistory(history, initialValues);

  let steps = 0;
  const failures: { partition: KeyPartition; deadend: Deadend }[] = [];
  const unknown: { key: string; reason: string }[] = [];
  for (const partition of partitions) {
    if (now() > budget.deadline) {
      unknown.push({ key: partition.key, reason: 'time budget exhausted before this key was checked' });
      continue;
    }
    const outcome = searchPartition(partition, budget);
    steps += outcome.steps;
    if (outcome.status === 'fail') failures.push({ partition, deadend: outcome.deadend });
    else if (outcome.status === 'unknown') unknown.push({ key: partition.key, reason: outcome.reason });
  }

  const stats: CheckStats = {
    operations: history.length - ignored,
    ignored,
    keys: partitions.length,
    steps,
    elapsedMs: now() - started,
  };
  const statsLine = `${stats.operations} operations (${stats.ignored} ignored) over ${stats.keys} key${stats.keys === 1 ? '' : 's'}, ${stats.steps} search steps, ${stats.elapsedMs.toFixed(1)} ms`;

  if (failures.length > 0) return notLinearizable(history, failures, stats, statsLine);
  if (unknown.length > 0) {
    const reason = unknown.map((u) => `key ${JSON.stringify(u.key)}: ${u.reason}`).join('; ');
    return {
      ok: 'unknown',
      reason,
      unknownKeys: unknown.map((u) => u.key),
      stats,
      describe: () => `linearizability unknown: ${reason}\n${statsLine}`,
    };
  }
  return { ok: true, stats, describe: () => `linearizable: ${statsLine}` };
}

const PREFIX_LINES = 15;
const TIMELINE_LINES = 40;

function notLinearizable(
  history: readonly KvOperation[],
  failures: { partition: KeyPartition; deadend: Deadend }[],
  stats: CheckStats,
  statsLine: string,
): NotLinearizableResult {
  const { partition: p, deadend } = failures[0]!;
  const indexed = (i: number): IndexedOperation => ({ index: p.indices[i]!, op: history[p.indices[i]!]! });
  // Replay the prefix on real values (the search merges values nobody looks for into one state).
  let value = p.initialValue;
  const linearizedPrefix: LinearizedStep[] = deadend.prefix.map((i) => {
    const item = indexed(i);
    const after = concreteStep(item.op, value);
    if (after !== undefined) value = after; // always defined: the prefix is legal
    return { ...item, stateAfter: value };
  });
  const stateAtFailure = value;
  // A candidate that fits the model here (typically an unknown-outcome write) was explored fully
  // before the search reached this response, so nothing could follow it.
  const unplaceable = deadend.candidates.map((i) => {
    const item = indexed(i);
    const fits = concreteStep(item.op, stateAtFailure);
    const reason = fits === undefined ? whyNot(item.op, stateAtFailure) : `fits here (value becomes ${describeValue(fits)}), but nothing can follow it`;
    return { ...item, reason };
  });
  const blockedOn = indexed(deadend.blocked);
  const keyOperations = p.indices
    .map((_, i) => i)
    .sort((x, y) => p.calls[x]! - p.calls[y]! || x - y)
    .map(indexed);

  const describe = (): string => {
    const lines: string[] = [];
    lines.push(`NOT linearizable: key ${JSON.stringify(p.key)} (${p.indices.length} operations on it)`);
    if (failures.length > 1) lines.push(`other failing keys: ${failures.slice(1).map((f) => JSON.stringify(f.partition.key)).join(', ')}`);
    lines.push(`initial value ${describeValue(p.initialValue)}`);
    lines.push(`longest linearizable prefix: ${linearizedPrefix.length} operations`);
    const shown = linearizedPrefix.slice(-PREFIX_LINES);
    if (shown.length < linearizedPrefix.length) lines.push(`  ... ${linearizedPrefix.length - shown.length} earlier operations`);
    for (const s of shown) lines.push(`  ${formatIndexed(s)}   => ${describeValue(s.stateAfter)}`);
    lines.push(
      `then the value is ${describeValue(stateAtFailure)}; #${blockedOn.index} must be placed before everything invoked after its response, but none of the operations invoked by then fits:`,
    );
    for (const u of unplaceable) lines.push(`  ${formatIndexed(u)}\n      ${u.reason}`);

    // A window of the key's timeline around the failure, marking what the prefix placed.
    const placed = new Set(linearizedPrefix.map((s) => s.index));
    const stuck = new Set(unplaceable.map((u) => u.index));
    const earliest = Math.min(...unplaceable.map((u) => u.op.call));
    const latest = blockedOn.op.return;
    // Unknown-outcome ops overlap everything after their call; show only recent or involved ones.
    const overlaps = (o: IndexedOperation) =>
      isUnknownOutcome(o.op) ? o.op.call >= earliest || stuck.has(o.index) : o.op.return >= earliest;
    const inWindow = keyOperations.filter((o) => o.op.call <= latest && overlaps(o));
    lines.push(`operations on ${JSON.stringify(p.key)} overlapping [${earliest}, ${latest}] (+ in the prefix, ! could not be placed, . not placed):`);
    for (const o of inWindow.slice(0, TIMELINE_LINES)) {
      const mark = placed.has(o.index) ? '+' : stuck.has(o.index) ? '!' : '.';
      lines.push(`  ${mark} ${formatIndexed(o)}`);
    }
    if (inWindow.length > TIMELINE_LINES) lines.push(`  ... ${inWindow.length - TIMELINE_LINES} more`);
    lines.push(statsLine);
    return lines.join('\n');
  };

  return {
    ok: false,
    key: p.key,
    failedKeys: failures.map((f) => f.partition.key),
    linearizedPrefix,
    stateAtFailure,
    blockedOn,
    unplaceable,
    keyOperations,
    stats,
    describe,
  };
}

// ---------------------------------------------------------------------------------------------
// Recording histories from concurrent clients

export interface PendingOperation {
  readonly id: number;
  readonly clientId: ClientId;
  readonly input: KvInput;
  readonly call: number;
}

interface RecordedEntry {
  pending: PendingOperation;
  status: 'pending' | 'ok' | 'unknown' | 'rejected';
  output?: KvOutput;
  returned?: number;
}

function defaultClock(): () => number {
  // Relative to the recorder's creation so nanoseconds stay well inside double precision.
  const origin = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - origin);
}

/**
 * Records a history as clients run: `invoke` before sending a request, then exactly one of `ok`
 * (response received), `unknown` (timed out / connection lost: it may or may not have happened)
 * or `rejected` (the store definitely did not apply it).
 */
export class HistoryRecorder {
  private readonly clock: () => number;
  private readonly entries: RecordedEntry[] = [];

  /** `clock`: a monotonic number source, or anything with `now()` such as a FakeClock. */
  constructor(options: { clock?: (() => number) | { now(): number } } = {}) {
    const clock = options.clock;
    this.clock = clock === undefined ? defaultClock() : typeof clock === 'function' ? clock : () => clock.now();
  }

  invoke(clientId: ClientId, input: KvInput): PendingOperation {
    if (typeof clientId !== 'string' && typeof clientId !== 'number') throw new InvalidHistoryError('clientId must be a string or number');
    const problem = kvInputProblem(input);
    if (problem) throw new InvalidHistoryError(`invoke: ${problem}`);
    const pending: PendingOperation = Object.freeze({ id: this.entries.length, clientId, input: { ...input }, call: this.clock() });
    this.entries.push({ pending, status: 'pending' });
    return pending;
  }

  ok(handle: PendingOperation, output: KvOutput): void {
    const entry = this.open(handle, 'ok');
    const problem = kvOutputProblem(entry.pending.input, output);
    if (problem) throw new InvalidHistoryError(`ok(#${handle.id}): ${problem}`);
    const returned = this.clock();
    if (returned < entry.pending.call) throw new InvalidHistoryError(`ok(#${handle.id}): clock went backwards (${returned} < ${entry.pending.call})`);
    entry.status = 'ok';
    entry.output = { ...output };
    entry.returned = returned;
  }

  unknown(handle: PendingOperation): void {
    this.open(handle, 'unknown').status = 'unknown';
  }

  /** The store definitely did not apply the operation (e.g. a validation error); it is left out. */
  rejected(handle: PendingOperation): void {
    this.open(handle, 'rejected').status = 'rejected';
  }

  /** Invokes, awaits `perform`, and records the output; a thrown error is recorded as unknown and rethrown. */
  async run(clientId: ClientId, input: KvInput, perform: () => Promise<KvOutput>): Promise<KvOutput> {
    const handle = this.invoke(clientId, input);
    let output: KvOutput;
    try {
      output = await perform();
    } catch (err) {
      this.unknown(handle);
      throw err;
    }
    this.ok(handle, output);
    return output;
  }

  /** Operations not yet resolved. */
  get pendingCount(): number {
    return this.entries.filter((e) => e.status === 'pending').length;
  }

  /**
   * The history in invocation order, rejected operations left out (so `#index` in a check result
   * is a position in this array); operations still pending count as unknown outcomes.
   */
  history(): KvOperation[] {
    const ops: KvOperation[] = [];
    for (const e of this.entries) {
      if (e.status === 'rejected') continue;
      const { clientId, input, call } = e.pending;
      if (e.status === 'ok') ops.push({ clientId, input, output: e.output!, call, return: e.returned! });
      else ops.push({ clientId, input, call, return: Infinity, unknown: true });
    }
    return ops;
  }

  private open(handle: PendingOperation, action: string): RecordedEntry {
    const entry = handle && typeof handle.id === 'number' ? this.entries[handle.id] : undefined;
    if (!entry || entry.pending !== handle) throw new InvalidHistoryError(`${action}: not a handle from this recorder's invoke()`);
    if (entry.status !== 'pending') throw new InvalidHistoryError(`${action}(#${handle.id}): already recorded as ${entry.status}`);
    return entry;
  }
}
