// Key ordering and etcd's range conventions.
//
// etcd orders keys as raw bytes. Our keys are JS strings holding UTF-8 text, so we order them by
// their UTF-8 encoding without encoding them: comparing UTF-16 code units gives the same answer
// except when one side is a surrogate (a character above U+FFFF, 4 bytes in UTF-8) and the other is
// U+E000..U+FFFF (3 bytes): in UTF-8 the surrogate side is larger, in UTF-16 it is smaller.

/** Compares two strings in UTF-8 byte order (what etcd does with its byte keys). */
export function compareKeys(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) return fixupForUtf8(x) - fixupForUtf8(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

// Moves surrogates (D800–DFFF) above E000–FFFF so code-unit order matches UTF-8 byte order.
function fixupForUtf8(c: number): number {
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

const HAS_HIGH_UNITS = /[\uD800-\uFFFF]/;
const HIGH_UNITS = /[\uD800-\uFFFF]/g;

/**
 * A string whose native (UTF-16 code unit) order equals the UTF-8 byte order of `s`, so ordered
 * structures can use the engine's fast string comparison. It is `s` itself unless `s` holds
 * characters at or above U+D800 (rare in practice), whose code units are remapped monotonically.
 */
export function toSortKey(s: string): string {
  if (!HAS_HIGH_UNITS.test(s)) return s;
  return s.replace(HIGH_UNITS, (ch) => String.fromCharCode(fixupForUtf8(ch.charCodeAt(0))));
}

/** "No upper bound": etcd's range_end of a single NUL byte. */
export const RANGE_END_ALL = '\0';

const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest key greater than every key that starts with `prefix` (etcd's GetPrefixRangeEnd,
 * done on code points so the result is valid UTF-8). `RANGE_END_ALL` when no such key exists.
 */
export function prefixEnd(prefix: string): string {
  const points = Array.from(prefix, (ch) => ch.codePointAt(0)!);
  for (let i = points.length - 1; i >= 0; i--) {
    const c = points[i]!;
    if (c < MAX_CODE_POINT) {
      const next = c === 0xd7ff ? 0xe000 : c + 1; // skip the surrogate block
      return String.fromCodePoint(...points.slice(0, i), next);
    }
  }
  return RANGE_END_ALL;
}

/** A resolved key range: `start` alone, or [start, end), or [start, ∞). */
export interface KeySpan {
  start: string;
  /** Exclusive end; undefined with `unbounded` false means the single key `start`. */
  end?: string;
  unbounded: boolean;
}

/**
 * etcd's conventions: no rangeEnd → just `key`; rangeEnd '\0' → every key >= key; otherwise
 * [key, rangeEnd). `prefix` derives rangeEnd from key (an empty key with prefix means all keys).
 */
export function resolveSpan(key: string, rangeEnd?: string, prefix?: boolean): KeySpan {
  if (prefix) {
    const end = prefixEnd(key);
    return end === RANGE_END_ALL ? { start: key, unbounded: true } : { start: key, end, unbounded: false };
  }
  if (rangeEnd === undefined || rangeEnd === '') return { start: key, unbounded: false };
  if (rangeEnd === RANGE_END_ALL) return { start: key, unbounded: true };
  return { start: key, end: rangeEnd, unbounded: false };
}

export function isSingleKey(span: KeySpan): boolean {
  return !span.unbounded && span.end === undefined;
}

export function spanContains(span: KeySpan, key: string): boolean {
  if (isSingleKey(span)) return key === span.start;
  if (compareKeys(key, span.start) < 0) return false;
  return span.unbounded || compareKeys(key, span.end!) < 0;
}

/** Whether two spans share at least one key. */
export function spansOverlap(a: KeySpan, b: KeySpan): boolean {
  if (isSingleKey(a)) return spanContains(b, a.start);
  if (isSingleKey(b)) return spanContains(a, b.start);
  // Half-open intervals [as, ae) and [bs, be) overlap iff as < be and bs < ae.
  const aBeforeBEnd = b.unbounded || compareKeys(a.start, b.end!) < 0;
  const bBeforeAEnd = a.unbounded || compareKeys(b.start, a.end!) < 0;
  return aBeforeBEnd && bBeforeAEnd;
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** False for strings with lone surrogates: they have no UTF-8 form and would not survive a snapshot. */
export function isWellFormedText(s: string): boolean {
  // The plain character class is much cheaper than the lookaround and almost always decides.
  return !ANY_SURROGATE.test(s) || !LONE_SURROGATE.test(s);
}
