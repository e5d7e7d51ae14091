// Shared pieces of semantic validation: tolerant readers for untyped objects (validation must
// never throw on a wrongly shaped body; schema validation reports the shape) and the small field
// checks Kubernetes repeats everywhere, with its messages.

import { isIP } from 'node:net';
import { describeValue, fieldError, type FieldPath, type StatusCause } from '../field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isDNS1035Label, isValidPortName, isValidPortNum } from '../names.js';
import { format as formatQuantity, parseQuantity, QuantityError, type Quantity } from '../quantity.js';
import { child, isObj, type Obj } from '../objects.js';


export { isObj, type Obj };
/** o[key] when it is an object. */
export const obj = child;

/** o[key] when it is an array, else []. Elements keep their indexes (callers skip non-objects). */
export function list(o: Obj | undefined, key: string): unknown[] {
  const v = o?.[key];
  return Array.isArray(v) ? v : [];
}

/** The objects of o[key] with their original indexes. */
export function objList(o: Obj | undefined, key: string): Array<[Obj, number]> {
  const out: Array<[Obj, number]> = [];
  list(o, key).forEach((v, i) => {
    if (isObj(v)) out.push([v, i]);
  });
  return out;
}

/** o[key] as Go reads a plain string field: '' when absent or not a string. */
export function str(o: Obj | undefined, key: string): string {
  const v = o?.[key];
  return typeof v === 'string' ? v : '';
}

/** o[key] when it is a string (an optional *string field). */
export function optStr(o: Obj | undefined, key: string): string | undefined {
  const v = o?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** o[key] when it is a number. */
export function num(o: Obj | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** o[key] as a map of strings (non-string values dropped; schema validation reports them). */
export function strMap(o: Obj | undefined, key: string): Record<string, string> | undefined {
  const v = o?.[key];
  if (!isObj(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** True when o[key] is present and not null. */
export function has(o: Obj | undefined, key: string): boolean {
  return o !== undefined && o[key] !== undefined && o[key] !== null;
}

export const IS_NEGATIVE_ERROR = 'must be greater than or equal to 0';
export const IS_NOT_POSITIVE_ERROR = 'must be greater than zero';
export const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
export const MAX_INT32 = 2147483647;

/** field.NotFound: `Not found: "x"`. */
export function notFound(path: FieldPath, value: unknown): StatusCause {
  return { reason: 'FieldValueNotFound', field: path.toString(), message: `Not found: ${describeValue(value)}` };
}

/** ValidateNonnegativeField. */
export function nonNegative(value: number | undefined, path: FieldPath): StatusCause[] {
  if (value === undefined || value >= 0) return [];
  return [fieldError.invalid(path.toString(), value, IS_NEGATIVE_ERROR)];
}

export function dns1123Label(value: string, path: FieldPath): StatusCause[] {
  return isDNS1123Label(value).map((msg) => fieldError.invalid(path.toString(), value, msg));
}

export function dns1123Subdomain(value: string, path: FieldPath): StatusCause[] {
  return isDNS1123Subdomain(value).map((msg) => fieldError.invalid(path.toString(), value, msg));
}

export function dns1035Label(value: string, path: FieldPath): StatusCause[] {
  return isDNS1035Label(value).map((msg) => fieldError.invalid(path.toString(), value, msg));
}

/**
 * An "Invalid value" cause for an int-or-string field. Go prints an IntOrString through its
 * String() method, so "25%" shows unquoted, like a number.
 */
export function invalidIntOrString(path: FieldPath, value: unknown, detail: string): StatusCause {
  const shown = typeof value === 'string' || typeof value === 'number' ? String(value) : describeValue(value);
  return { reason: 'FieldValueInvalid', field: path.toString(), message: `Invalid value: ${shown}: ${detail}` };
}

/** ValidatePortNumOrName: a port number 1-65535 or an IANA service name. */
export function portNumOrName(value: unknown, path: FieldPath): StatusCause[] {
  if (typeof value === 'number') return isValidPortNum(value).map((msg) => fieldError.invalid(path.toString(), value, msg));
  if (typeof value === 'string') return isValidPortName(value).map((msg) => fieldError.invalid(path.toString(), value, msg));
  return [fieldError.required(path.toString())];
}

/** Parses a quantity field (string or number); an unparsable one yields a cause instead. */
export function quantityAt(value: unknown, path: FieldPath): { quantity?: Quantity; causes: StatusCause[] } {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return { causes: [fieldError.invalid(path.toString(), value, 'must be a quantity')] };
  }
  try {
    return { quantity: parseQuantity(String(value)), causes: [] };
  } catch (err) {
    const msg = err instanceof QuantityError ? err.message : String(err);
    return { causes: [fieldError.invalid(path.toString(), value, msg)] };
  }
}

/** Quantity.String(): what Kubernetes prints for a quantity inside a message. */
export function quantityText(q: Quantity): string {
  return formatQuantity(q);
}

/** IsValidIP: an IPv4 or IPv6 address. */
export function validIP(value: string, path: FieldPath): StatusCause[] {
  if (isIP(value) !== 0) return [];
  return [fieldError.invalid(path.toString(), value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

/** IsValidCIDR: an IPv4 or IPv6 CIDR. */
export function validCIDR(value: string, path: FieldPath): StatusCause[] {
  const slash = value.indexOf('/');
  const bits = slash < 0 ? NaN : Number(value.slice(slash + 1));
  const family = slash < 0 ? 0 : isIP(value.slice(0, slash));
  const max = family === 4 ? 32 : 128;
  if (family !== 0 && /^[0-9]+$/.test(value.slice(slash + 1)) && bits >= 0 && bits <= max) return [];
  return [fieldError.invalid(path.toString(), value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** Kubernetes' path-segment rule for names used in URLs (RBAC names, references). */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/** The same rule for a generateName prefix: only the characters matter. */
export function isValidPathSegmentPrefix(name: string): string[] {
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/** validateLocalDescendingPath + the "must not start with '..'" rule of ValidateLocalNonReservedPath. */
export function localNonReservedPath(value: string, path: FieldPath): StatusCause[] {
  const causes = localDescendingPath(value, path);
  if (value.startsWith('..')) causes.push(fieldError.invalid(path.toString(), value, "must not start with '..'"));
  return causes;
}

/** A relative path with no `..` element. */
export function localDescendingPath(value: string, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (value.startsWith('/')) causes.push(fieldError.invalid(path.toString(), value, 'must be a relative path'));
  if (value.split('/').includes('..')) causes.push(fieldError.invalid(path.toString(), value, "must not contain '..'"));
  return causes;
}

/** A Unix file mode 0..0777. */
export function fileMode(value: number | undefined, path: FieldPath): StatusCause[] {
  if (value === undefined || (value >= 0 && value <= 0o777)) return [];
  return [fieldError.invalid(path.toString(), value, FILE_MODE_ERROR)];
}

/** Go's sets.List: sorted. */
export function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}
