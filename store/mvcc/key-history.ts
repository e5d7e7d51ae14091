// The versions of one key, oldest first (etcd's keyIndex, flattened: a tombstone ends a generation
// and the next put starts a new one with version 1 and a fresh createRevision).

import type { KeyValue } from './types.js';

/**
 * One retained version. `mod`/`sub` are etcd's main/sub revision: a txn or lease revoke changes
 * several keys in one revision, `sub` orders them. A tombstone has ver 0 and an empty value.
 * Instances are shared between the key index, the revision log and watch events: never mutate.
 */
export class KeyVersion {
  constructor(
    readonly key: string,
    readonly mod: number,
    readonly sub: number,
    readonly create: number,
    readonly ver: number,
    readonly value: string,
    readonly lease: number,
  ) {}

  get isTombstone(): boolean {
    return this.ver === 0;
  }

  toKeyValue(keysOnly = false): KeyValue {
    return {
      key: this.key,
      value: keysOnly ? '' : this.value,
      createRevision: this.create,
      modRevision: this.mod,
      version: this.ver,
      lease: this.lease,
    };
  }
}

export function tombstone(key: string, rev: number, sub: number): KeyVersion {
  return new KeyVersion(key, rev, sub, 0, 0, '', 0);
}

/** Ascending by mod; at most one version per revision. Never empty while in the index. */
export type KeyHistory = KeyVersion[];

/** Index of the newest version with mod <= rev, or -1. */
export function indexAt(history: KeyHistory, rev: number): number {
  const last = history.length - 1;
  if (last >= 0 && history[last]!.mod <= rev) return last; // the common case: reading the present
  let lo = 0;
  let hi = last; // invariant: answer in [lo - 1, hi]
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (history[mid]!.mod <= rev) lo = mid + 1;
    else hi = mid - 1;
  }
  return lo - 1;
}

/** The live version at `rev`, or undefined when the key did not exist (or was deleted) then. */
export function liveAt(history: KeyHistory, rev: number): KeyVersion | undefined {
  const i = indexAt(history, rev);
  if (i < 0) return undefined;
  const v = history[i]!;
  return v.isTombstone ? undefined : v;
}

export function latest(history: KeyHistory): KeyVersion {
  return history[history.length - 1]!;
}

/** The live version just before `version` in its history (a watch event's prevKv), if retained. */
export function previousLive(history: KeyHistory, version: KeyVersion): KeyVersion | undefined {
  const i = indexAt(history, version.mod - 1);
  if (i < 0) return undefined;
  const v = history[i]!;
  return v.isTombstone ? undefined : v;
}

/**
 * Drops what a compaction at `rev` makes unreachable, in place. Kept: every version newer than
 * `rev` (watch history), the value a read at `rev` sees, a tombstone exactly at `rev` (a watch may
 * still start at `rev`), and when the key changed exactly at `rev`, the live version before that
 * change, so the replayed event at `rev` still carries its prevKv. Returns the dropped versions.
 */
export function compactHistory(history: KeyHistory, rev: number): KeyVersion[] {
  const i = indexAt(history, rev);
  if (i < 0) return [];
  const v = history[i]!;
  let keepFrom: number;
  if (v.mod === rev) keepFrom = i > 0 && !history[i - 1]!.isTombstone ? i - 1 : i;
  else keepFrom = v.isTombstone ? i + 1 : i;
  return keepFrom > 0 ? history.splice(0, keepFrom) : [];
}

/** Rough memory cost of a retained version: its text plus fixed per-object overhead. */
export function approximateBytes(v: KeyVersion): number {
  return 2 * (v.key.length + v.value.length) + 80;
}
