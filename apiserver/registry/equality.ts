// Kubernetes' apiequality.Semantic.DeepEqual over decoded JSON: strategies bump
// metadata.generation and reject immutable-field changes with it. Go treats a nil slice or map as
// equal to an empty one and an absent field as its zero value; over JSON that means absent, null,
// [] and {} compare equal. (Scalars are compared exactly: defaulting has already filled them in.)
import { isObj } from '../../lib/api/objects.js';

/** Absent, null, an empty array or an empty object: what Go serializes a nil slice/map as, or omits. */
export function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObj(v) && Object.keys(v).length === 0;
}

export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!semanticEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObj(a) && isObj(b)) {
    for (const k of Object.keys(a)) if (!semanticEqual(a[k], b[k])) return false;
    for (const k of Object.keys(b)) if (!(k in a) && !isEmptyValue(b[k])) return false;
    return true;
  }
  return false;
}

/** One differing leaf between two values, for the short diff appended to "may not change" messages. */
export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

/**
 * The paths where `before` and `after` differ (semantically), depth first, at most `limit` of them.
 * Arrays of different lengths are reported as one change of the whole array.
 */
export function changedPaths(before: unknown, after: unknown, path: string, limit = 10): Change[] {
  const out: Change[] = [];
  collect(before, after, path, out, limit);
  return out;
}

function collect(before: unknown, after: unknown, path: string, out: Change[], limit: number): void {
  if (out.length >= limit || semanticEqual(before, after)) return;
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    for (let i = 0; i < before.length; i++) collect(before[i], after[i], `${path}[${i}]`, out, limit);
    return;
  }
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) collect(before[k], after[k], path ? `${path}.${k}` : k, out, limit);
    return;
  }
  out.push({ path, before, after });
}

/** The changes as indented lines: `  - spec.x: 1` / `  + spec.x: 2`. */
export function formatChanges(changes: readonly Change[]): string {
  const show = (v: unknown): string => {
    if (v === undefined) return '<unset>';
    const text = JSON.stringify(v);
    return text.length > 200 ? `${text.slice(0, 200)}...` : text;
  };
  return changes.map((c) => `  - ${c.path}: ${show(c.before)}\n  + ${c.path}: ${show(c.after)}`).join('\n');
}
