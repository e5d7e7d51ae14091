// Plain-JSON helpers shared by the patch engines. Every document they touch came from an HTTP
// body, so they assume nothing: keys such as "__proto__" or "constructor" are ordinary data
// (read and written as own properties only), and the walks that may meet arbitrarily deep input
// (depth, clone, equality, size) use an explicit stack instead of recursion.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** How deep a patch or an object may nest. Real objects stay under ~40 levels; this bounds recursion. */
export const MAX_PATCH_DEPTH = 1000;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** The own property `key`, or undefined (never an inherited one such as `constructor`). */
export function getOwn(obj: JsonObject, key: string): JsonValue | undefined {
  return hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets an own data property; `__proto__` stays a plain key instead of changing the prototype. */
export function setOwn(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** JSON type name the way the error messages talk about it. */
export function jsonKind(v: unknown): 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'invalid' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
      return Number.isFinite(v) ? 'number' : 'invalid';
    case 'boolean':
      return 'boolean';
    default:
      return 'invalid';
  }
}

/**
 * Nesting depth of a value (a scalar is 0, `{}` and `[]` are 1). Stops counting once `limit` is
 * passed, so the answer is exact up to limit+1. Also rejects values JSON cannot carry.
 */
export function jsonDepth(root: unknown, limit = MAX_PATCH_DEPTH): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    const kind = jsonKind(v);
    if (kind === 'invalid') throw new TypeError(`not a JSON value: ${typeof v}`);
    if (kind !== 'object' && kind !== 'array') continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > limit) return max;
    const children = kind === 'array' ? (v as unknown[]) : Object.values(v as object);
    for (const c of children) stack.push([c, depth]);
  }
  return max;
}

/** Deep copy of a JSON value without recursion; the copy shares nothing with the input. */
export function cloneJson<T extends JsonValue>(root: T): T {
  if (typeof root !== 'object' || root === null) return root;
  const rootCopy: JsonValue = Array.isArray(root) ? [] : {};
  // Each entry: a source container and the copy to fill.
  const stack: Array<[JsonValue[] | JsonObject, JsonValue[] | JsonObject]> = [[root, rootCopy as JsonObject]];
  while (stack.length > 0) {
    const [src, dst] = stack.pop()!;
    if (Array.isArray(src)) {
      const out = dst as JsonValue[];
      for (const item of src) {
        if (typeof item === 'object' && item !== null) {
          const copy: JsonValue[] | JsonObject = Array.isArray(item) ? [] : {};
          out.push(copy);
          stack.push([item, copy]);
        } else {
          out.push(item);
        }
      }
    } else {
      const out = dst as JsonObject;
      for (const key of Object.keys(src)) {
        const item = src[key]!;
        if (typeof item === 'object' && item !== null) {
          const copy: JsonValue[] | JsonObject = Array.isArray(item) ? [] : {};
          setOwn(out, key, copy);
          stack.push([item, copy]);
        } else {
          setOwn(out, key, item);
        }
      }
    }
  }
  return rootCopy as T;
}

/** Structural equality of two JSON values (object key order ignored), without recursion. */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  const stack: Array<[JsonValue, JsonValue]> = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const ya = y as JsonValue[];
      if (x.length !== ya.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i]!, ya[i]!]);
    } else {
      const yo = y as JsonObject;
      const keys = Object.keys(x);
      if (keys.length !== Object.keys(yo).length) return false;
      for (const k of keys) {
        if (!hasOwn(yo, k)) return false;
        stack.push([x[k]!, yo[k]!]);
      }
    }
  }
  return true;
}

/** Size in bytes of the compact JSON encoding (strings counted by UTF-16 length), without recursion. */
export function jsonSize(root: JsonValue): number {
  let size = 0;
  const stack: JsonValue[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === null) size += 4;
    else if (typeof v === 'string') size += v.length + 2;
    else if (typeof v === 'number' || typeof v === 'boolean') size += String(v).length;
    else if (Array.isArray(v)) {
      size += 2 + Math.max(0, v.length - 1);
      for (const item of v) stack.push(item);
    } else {
      const keys = Object.keys(v);
      size += 2 + Math.max(0, keys.length - 1);
      for (const k of keys) {
        size += k.length + 3;
        stack.push(v[k]!);
      }
    }
  }
  return size;
}

/**
 * Renders a value the way Go's `%v` prints decoded JSON (`map[a:1 b:[x y]]`), which is how the
 * real apiserver quotes a patch fragment in its error messages. Cut off after `max` characters.
 */
export function goFormat(v: unknown, max = 256): string {
  let out = '';
  const write = (s: string): boolean => {
    out += s;
    return out.length < max;
  };
  const walk = (x: unknown, depth: number): boolean => {
    if (depth > 32) return write('...');
    if (x === null || x === undefined) return write('<nil>');
    if (Array.isArray(x)) {
      if (!write('[')) return false;
      for (let i = 0; i < x.length; i++) {
        if (i > 0 && !write(' ')) return false;
        if (!walk(x[i], depth + 1)) return false;
      }
      return write(']');
    }
    if (typeof x === 'object') {
      if (!write('map[')) return false;
      const keys = Object.keys(x).sort();
      for (let i = 0; i < keys.length; i++) {
        if (i > 0 && !write(' ')) return false;
        if (!write(`${keys[i]}:`)) return false;
        if (!walk((x as Record<string, unknown>)[keys[i]!], depth + 1)) return false;
      }
      return write(']');
    }
    return write(String(x));
  };
  walk(v, 0);
  return out.length > max ? `${out.slice(0, max)}...` : out;
}

/** Go's reflect type name for a decoded JSON value, as mergepatch.ErrBadArgType prints it. */
export function goTypeName(v: unknown): string {
  switch (jsonKind(v)) {
    case 'object':
      return 'map[string]interface {}';
    case 'array':
      return '[]interface {}';
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean':
      return 'bool';
    case 'null':
      return '<nil>';
    default:
      return typeof v;
  }
}
