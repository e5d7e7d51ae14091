// Defensive parsing of commands and requests. Everything arriving here may be arbitrary JSON: we
// copy only known fields into fresh objects, check every type, and enforce size limits, turning
// anything wrong into an MvccError (never a TypeError deep inside apply).

import { MvccError, invalidArgument } from './errors.js';
import { isWellFormedText, utf8Length } from './keys.js';
import type {
  Command,
  Compare,
  CompareOp,
  CompareTarget,
  DeleteRangeRequest,
  LeaseCheckpoint,
  PutRequest,
  RangeRequest,
  SortOrder,
  SortTarget,
  TxnOp,
  WatchFilter,
  WatchRequest,
} from './types.js';

/**
 * Size limits. They shape results, so every replica must run with the same values.
 * - maxRequestBytes: etcd's default --max-request-bytes (1.5 MiB), measured here as the UTF-8
 *   bytes of all keys, range ends and values in a command plus a small per-op overhead.
 * - maxKeyBytes: etcd has no separate key limit; we cap keys at 4 KiB (Kubernetes keys stay well
 *   under 1 KiB) so one key cannot make index comparisons or snapshots pathological.
 * - maxTxnOps: etcd's default --max-txn-ops (128), per compare list and per branch.
 */
export interface MvccLimits {
  maxKeyBytes: number;
  maxRequestBytes: number;
  maxTxnOps: number;
}

export const DEFAULT_LIMITS: Readonly<MvccLimits> = Object.freeze({
  maxKeyBytes: 4096,
  maxRequestBytes: 1.5 * 1024 * 1024,
  maxTxnOps: 128,
});

/** etcd's MaxLeaseTTL (in seconds). */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

/** Fixed per-op overhead counted towards maxRequestBytes (roughly a protobuf frame). */
const OP_OVERHEAD_BYTES = 16;

type Obj = Record<string, unknown>;

class SizeBudget {
  used = 0;
  constructor(private readonly limits: MvccLimits) {}
  add(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limits.maxRequestBytes) {
      throw new MvccError('requestTooLarge', `request is larger than ${this.limits.maxRequestBytes} bytes`);
    }
  }
}

function asObject(input: unknown, what: string): Obj {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalidArgument(`${what} must be an object`);
  return input as Obj;
}

function optionalBool(o: Obj, field: string, what: string): boolean {
  const v = o[field];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw invalidArgument(`${what}.${field} must be a boolean`);
  return v;
}

function nonNegativeInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalidArgument(`${path} must be a non-negative integer`);
  return v;
}

function optionalNonNegativeInt(o: Obj, field: string, what: string): number {
  const v = o[field];
  if (v === undefined || v === null) return 0;
  return nonNegativeInt(v, `${what}.${field}`);
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string') throw invalidArgument(`${path} must be a string`);
  if (!isWellFormedText(v)) throw invalidArgument(`${path} is not valid UTF-8 text (lone surrogate)`);
  return v;
}

/** A key that will be stored or matched: non-empty, well-formed, within maxKeyBytes. */
function storedKey(v: unknown, path: string, limits: MvccLimits, budget: SizeBudget): string {
  const key = text(v, path);
  if (key === '') throw new MvccError('emptyKey', `${path} is not provided`);
  const bytes = utf8Length(key);
  if (bytes > limits.maxKeyBytes) throw new MvccError('keyTooLarge', `${path} is ${bytes} bytes, over the ${limits.maxKeyBytes}-byte limit`);
  budget.add(bytes);
  return key;
}

/** The start of a range: like a key, but '' is allowed together with `prefix` (= all keys). */
function rangeKey(o: Obj, what: string, limits: MvccLimits, budget: SizeBudget): { key: string; rangeEnd?: string; prefix: boolean } {
  const prefix = optionalBool(o, 'prefix', what);
  const rawKey = o['key'];
  const key = prefix && rawKey === '' ? '' : storedKey(rawKey, `${what}.key`, limits, budget);
  const out: { key: string; rangeEnd?: string; prefix: boolean } = { key, prefix };
  if (!prefix && o['rangeEnd'] !== undefined && o['rangeEnd'] !== null) {
    // A range end need not be a stored key (prefixEnd can yield any code point), only text.
    if (typeof o['rangeEnd'] !== 'string') throw invalidArgument(`${what}.rangeEnd must be a string`);
    const end = o['rangeEnd'];
    const bytes = utf8Length(end);
    if (bytes > limits.maxKeyBytes) throw new MvccError('keyTooLarge', `${what}.rangeEnd is ${bytes} bytes, over the ${limits.maxKeyBytes}-byte limit`);
    budget.add(bytes);
    out.rangeEnd = end;
  }
  return out;
}

const SORT_ORDERS: readonly SortOrder[] = ['none', 'ascend', 'descend'];
const SORT_TARGETS: readonly SortTarget[] = ['key', 'version', 'createRevision', 'modRevision', 'value'];
const COMPARE_TARGETS: readonly CompareTarget[] = ['version', 'createRevision', 'modRevision', 'value', 'lease'];
const COMPARE_OPS: readonly CompareOp[] = ['=', '!=', '<', '>'];
const WATCH_FILTERS: readonly WatchFilter[] = ['noPut', 'noDelete'];

function oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw invalidArgument(`${path} must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function parseRange(o: Obj, what: string, limits: MvccLimits, budget: SizeBudget): RangeRequest {
  const r: RangeRequest = rangeKey(o, what, limits, budget);
  r.limit = optionalNonNegativeInt(o, 'limit', what);
  r.revision = optionalNonNegativeInt(o, 'revision', what);
  r.countOnly = optionalBool(o, 'countOnly', what);
  r.keysOnly = optionalBool(o, 'keysOnly', what);
  if (o['sortOrder'] !== undefined) r.sortOrder = oneOf(o['sortOrder'], SORT_ORDERS, `${what}.sortOrder`);
  if (o['sortTarget'] !== undefined) r.sortTarget = oneOf(o['sortTarget'], SORT_TARGETS, `${what}.sortTarget`);
  budget.add(OP_OVERHEAD_BYTES);
  return r;
}

function parsePut(o: Obj, what: string, limits: MvccLimits, budget: SizeBudget): PutRequest {
  const key = storedKey(o['key'], `${what}.key`, limits, budget);
  const ignoreValue = optionalBool(o, 'ignoreValue', what);
  const ignoreLease = optionalBool(o, 'ignoreLease', what);
  let value = '';
  if (o['value'] !== undefined && o['value'] !== null) value = text(o['value'], `${what}.value`);
  else if (!ignoreValue) throw invalidArgument(`${what}.value must be a string`);
  if (ignoreValue && value !== '') throw new MvccError('valueProvided', `${what}: value is provided together with ignoreValue`);
  const lease = optionalNonNegativeInt(o, 'lease', what);
  if (ignoreLease && lease !== 0) throw new MvccError('leaseProvided', `${what}: lease is provided together with ignoreLease`);
  budget.add(utf8Length(value) + OP_OVERHEAD_BYTES);
  return { key, value, lease, prevKv: optionalBool(o, 'prevKv', what), ignoreValue, ignoreLease };
}

function parseDeleteRange(o: Obj, what: string, limits: MvccLimits, budget: SizeBudget): DeleteRangeRequest {
  const d: DeleteRangeRequest = rangeKey(o, what, limits, budget);
  d.prevKv = optionalBool(o, 'prevKv', what);
  budget.add(OP_OVERHEAD_BYTES);
  return d;
}

function parseCompare(input: unknown, what: string, limits: MvccLimits, budget: SizeBudget): Compare {
  const o = asObject(input, what);
  const span = rangeKey(o, what, limits, budget);
  const target = oneOf(o['target'], COMPARE_TARGETS, `${what}.target`);
  const op = oneOf(o['op'], COMPARE_OPS, `${what}.op`);
  let value: number | string;
  if (target === 'value') {
    value = text(o['value'], `${what}.value`);
    budget.add(utf8Length(value));
  } else {
    const v = o['value'];
    // Revisions and versions are never negative, but '> -1'-style guards are legal in etcd.
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalidArgument(`${what}.value must be an integer for target ${target}`);
    value = v;
  }
  budget.add(OP_OVERHEAD_BYTES);
  return { ...span, target, op, value };
}

function parseTxnOp(input: unknown, what: string, limits: MvccLimits, budget: SizeBudget): TxnOp {
  const o = asObject(input, what);
  switch (o['type']) {
    case 'range':
      return { type: 'range', ...parseRange(o, what, limits, budget) };
    case 'put':
      return { type: 'put', ...parsePut(o, what, limits, budget) };
    case 'deleteRange':
      return { type: 'deleteRange', ...parseDeleteRange(o, what, limits, budget) };
    default:
      throw invalidArgument(`${what}.type must be one of range, put, deleteRange`);
  }
}

function list(o: Obj, field: string, what: string, limits: MvccLimits): unknown[] {
  const v = o[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidArgument(`${what}.${field} must be an array`);
  if (v.length > limits.maxTxnOps) throw new MvccError('tooManyOps', `${what}.${field} has ${v.length} entries, over the limit of ${limits.maxTxnOps}`);
  return v;
}

function leaseId(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw invalidArgument(`${path} must be a positive integer`);
  return v;
}

/** Parses one log command. Throws MvccError on anything malformed or too large. */
export function parseCommand(input: unknown, limits: MvccLimits = DEFAULT_LIMITS): Command {
  const o = asObject(input, 'command');
  const budget = new SizeBudget(limits);
  switch (o['type']) {
    case 'put':
      return { type: 'put', ...parsePut(o, 'put', limits, budget) };
    case 'deleteRange':
      return { type: 'deleteRange', ...parseDeleteRange(o, 'deleteRange', limits, budget) };
    case 'txn':
      return {
        type: 'txn',
        compare: list(o, 'compare', 'txn', limits).map((c, i) => parseCompare(c, `txn.compare[${i}]`, limits, budget)),
        success: list(o, 'success', 'txn', limits).map((op, i) => parseTxnOp(op, `txn.success[${i}]`, limits, budget)),
        failure: list(o, 'failure', 'txn', limits).map((op, i) => parseTxnOp(op, `txn.failure[${i}]`, limits, budget)),
      };
    case 'compact':
      return { type: 'compact', revision: nonNegativeInt(o['revision'], 'compact.revision') };
    case 'leaseGrant': {
      const ttl = o['ttl'];
      if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl < 1 || ttl > MAX_LEASE_TTL_SECONDS) {
        throw new MvccError('invalidLeaseTtl', `leaseGrant.ttl must be an integer between 1 and ${MAX_LEASE_TTL_SECONDS} seconds`);
      }
      return { type: 'leaseGrant', id: leaseId(o['id'], 'leaseGrant.id'), ttl };
    }
    case 'leaseRevoke':
      return { type: 'leaseRevoke', id: leaseId(o['id'], 'leaseRevoke.id') };
    case 'leaseCheckpoint': {
      const raw = o['checkpoints'];
      if (!Array.isArray(raw)) throw invalidArgument('leaseCheckpoint.checkpoints must be an array');
      if (raw.length > 10_000) throw new MvccError('tooManyOps', 'leaseCheckpoint carries more than 10000 checkpoints');
      const checkpoints: LeaseCheckpoint[] = raw.map((c, i) => {
        const co = asObject(c, `leaseCheckpoint.checkpoints[${i}]`);
        return { id: leaseId(co['id'], `leaseCheckpoint.checkpoints[${i}].id`), remainingTtl: nonNegativeInt(co['remainingTtl'], `leaseCheckpoint.checkpoints[${i}].remainingTtl`) };
      });
      return { type: 'leaseCheckpoint', checkpoints };
    }
    default:
      throw invalidArgument('command.type must be one of put, deleteRange, txn, compact, leaseGrant, leaseRevoke, leaseCheckpoint');
  }
}

/** Parses a read request. Throws MvccError. */
export function parseRangeRequest(input: unknown, limits: MvccLimits = DEFAULT_LIMITS): RangeRequest {
  return parseRange(asObject(input, 'range'), 'range', limits, new SizeBudget(limits));
}

/** Parses a watch request. Throws MvccError. */
export function parseWatchRequest(input: unknown, limits: MvccLimits = DEFAULT_LIMITS): WatchRequest {
  const o = asObject(input, 'watch');
  const w: WatchRequest = rangeKey(o, 'watch', limits, new SizeBudget(limits));
  w.startRevision = optionalNonNegativeInt(o, 'startRevision', 'watch');
  w.prevKv = optionalBool(o, 'prevKv', 'watch');
  const filters = o['filters'];
  if (filters !== undefined && filters !== null) {
    if (!Array.isArray(filters) || filters.length > WATCH_FILTERS.length) throw invalidArgument('watch.filters must be an array of noPut, noDelete');
    w.filters = filters.map((f, i) => oneOf(f, WATCH_FILTERS, `watch.filters[${i}]`));
  }
  return w;
}
