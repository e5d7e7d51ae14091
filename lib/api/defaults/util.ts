// Small helpers for defaulting untyped objects in place. Defaults run on whatever a client sent,
// before (or without) schema validation, so every helper tolerates wrong shapes and leaves them
// for validation to report instead of throwing.
import { child, isObj, type Obj } from '../objects.js';


export { child, isObj, type Obj };

/** The object at o[key], created as {} when absent or null; undefined when something else is there. */
export function ensureChild(o: Obj, key: string): Obj | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    const created: Obj = {};
    o[key] = created;
    return created;
  }
  return isObj(v) ? v : undefined;
}

/** The objects of the array at o[key] (non-objects skipped). */
export function objects(o: Obj | undefined, key: string): Obj[] {
  const v = o?.[key];
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** For optional (pointer) fields: set when absent or null. */
export function defaultIfUnset(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/**
 * For plain Go fields, whose zero value means "not set": set when absent, null, "" or 0.
 * (A probe's `periodSeconds: 0` is defaulted to 10, exactly as Kubernetes does.)
 */
export function defaultIfEmpty(o: Obj, key: string, value: unknown): void {
  const v = o[key];
  if (v === undefined || v === null || v === '' || v === 0) o[key] = value;
}

/** True when the map at o[key] is absent or has no entries (Go's len(map) == 0). */
export function isEmptyMap(o: Obj, key: string): boolean {
  const v = o[key];
  return !isObj(v) || Object.keys(v).length === 0;
}

/** True when the array at o[key] is absent or empty (Go's len(slice) == 0). */
export function isEmptyList(o: Obj, key: string): boolean {
  const v = o[key];
  return !Array.isArray(v) || v.length === 0;
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}
