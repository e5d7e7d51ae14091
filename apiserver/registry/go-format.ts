// Values inside field errors rendered the way the real apiserver renders them. Go's field.Invalid
// prints non-scalar values with %#v, so a changed Deployment selector reads
//   spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable
// and clients (and people searching for the message) see exactly that.
import { describeValue, type StatusCause } from '../../lib/api/field-errors.js';
import { isObj, type Obj } from '../../lib/api/objects.js';

/** Go's %q for a string (JSON escaping matches it for everything a Kubernetes field holds). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** %#v of a []T of strings: `[]string{"a", "b"}`, `[]string(nil)` when absent. */
export function goStringSlice(v: unknown, type = '[]string'): string {
  if (!Array.isArray(v)) return `${type}(nil)`;
  return `${type}{${v.map((s) => goQuote(String(s))).join(', ')}}`;
}

/** %#v of a map[string]string: keys sorted, as fmt prints maps. */
export function goStringMap(v: unknown): string {
  if (!isObj(v)) return 'map[string]string(nil)';
  const entries = Object.keys(v)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(String(v[k]))}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** %#v of a metav1.LabelSelector value, or "null" when the selector is absent. */
export function goLabelSelector(v: unknown): string {
  if (!isObj(v)) return goQuote('null');
  const exprs = v['matchExpressions'];
  let rendered = '[]v1.LabelSelectorRequirement(nil)';
  if (Array.isArray(exprs)) {
    const items = exprs.map((e) => {
      const r: Obj = isObj(e) ? e : {};
      return `v1.LabelSelectorRequirement{Key:${goQuote(String(r['key'] ?? ''))}, Operator:${goQuote(String(r['operator'] ?? ''))}, Values:${goStringSlice(r['values'])}}`;
    });
    rendered = `[]v1.LabelSelectorRequirement{${items.join(', ')}}`;
  }
  return `v1.LabelSelector{MatchLabels:${goStringMap(v['matchLabels'])}, MatchExpressions:${rendered}}`;
}

/** %#v of an rbac.RoleRef. */
export function goRoleRef(v: unknown): string {
  const r: Obj = isObj(v) ? v : {};
  const s = (k: string) => goQuote(typeof r[k] === 'string' ? (r[k] as string) : '');
  return `rbac.RoleRef{APIGroup:${s('apiGroup')}, Kind:${s('kind')}, Name:${s('name')}}`;
}

/**
 * How field.Invalid shows a scalar or a value without a Go rendering here: nil as "null" (quoted,
 * as Go substitutes the string), strings quoted, numbers and booleans bare, anything else as JSON.
 */
export function goValue(v: unknown): string {
  if (v === undefined || v === null) return goQuote('null');
  return describeValue(v);
}

/** A FieldValueInvalid cause whose value is already rendered. */
export function invalidRendered(field: string, rendered: string, detail: string): StatusCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${rendered}: ${detail}` };
}

export const FIELD_IMMUTABLE = 'field is immutable';

/** ValidateImmutableField's cause: the new value and "field is immutable". */
export function immutableField(field: string, newValue: unknown, rendered = goValue(newValue)): StatusCause {
  return invalidRendered(field, rendered, FIELD_IMMUTABLE);
}
