// A delete seen only through a re-list (the watch missed the DELETED event): handlers get the last
// state the cache knew, wrapped so they can tell (client-go's DeletedFinalStateUnknown).
import type { KubeObject } from '../api/types.js';

export class DeletedFinalStateUnknown<T = KubeObject> {
  constructor(
    readonly key: string,
    readonly obj: T,
  ) {}
}

export function isTombstone<T>(v: unknown): v is DeletedFinalStateUnknown<T> {
  return v instanceof DeletedFinalStateUnknown;
}

/** The object behind a delete notification, tombstone or not. */
export function objectOf<T>(v: T | DeletedFinalStateUnknown<T>): T {
  return v instanceof DeletedFinalStateUnknown ? v.obj : v;
}
