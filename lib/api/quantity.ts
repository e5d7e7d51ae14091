// resource.Quantity exactly as Kubernetes parses, compares and prints it
// (k8s.io/apimachinery/pkg/api/resource). Values are exact: a bigint mantissa times a power of ten,
// never a float. Parsing rounds away from zero to nano precision, BinarySI inputs are capped at
// 2^63-1, and a string that Kubernetes would keep verbatim (its fast, already-canonical path) is
// printed back verbatim, so objects round-trip through our apiserver as through the real one.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export type QuantityErrorKind = 'format' | 'numeric' | 'suffix' | 'range';

const SPLIT_RE_STRING = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

const ERROR_MESSAGES: Readonly<Record<QuantityErrorKind, string>> = {
  format: `quantities must match the regular expression '${SPLIT_RE_STRING}'`,
  numeric: 'unable to parse numeric part of quantity',
  suffix: "unable to parse quantity's suffix",
  range: 'quantity is too large to compute exactly',
};

/** A string that is not a quantity (message is Kubernetes' text), or arithmetic too large to do exactly. */
export class QuantityError extends Error {
  constructor(
    readonly kind: QuantityErrorKind,
    readonly input?: string,
  ) {
    super(ERROR_MESSAGES[kind]);
    this.name = 'QuantityError';
  }
}

// Aligning two exponents costs a power of ten this long; beyond it we refuse instead of hanging.
const MAX_ALIGN_DIGITS = 100_000;
const MAX_INT64 = 2n ** 63n - 1n;
const NANO = -9;

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function pow10(n: number): bigint {
  if (n > MAX_ALIGN_DIGITS) throw new QuantityError('range');
  return 10n ** BigInt(n);
}

function digitCount(n: bigint): number {
  return abs(n).toString().length;
}

/**
 * An exact quantity: unscaled × 10^exponent, normalised so the mantissa has no trailing zeros and
 * the value is a multiple of 10^-9. `original` is the input text when Kubernetes would print it as is.
 */
export class Quantity {
  readonly unscaled: bigint;
  readonly exponent: number;

  constructor(
    unscaled: bigint,
    exponent: number,
    readonly format: QuantityFormat = 'DecimalSI',
    readonly original?: string,
  ) {
    if (!Number.isSafeInteger(exponent)) throw new QuantityError('range');
    let m = unscaled;
    let e = exponent;
    if (e < NANO) [m, e] = [roundAwayFromZero(m, NANO - e), NANO];
    if (m === 0n) {
      e = 0;
    } else if (m % 10n === 0n) {
      // Move all factors of ten into the exponent; via the digits, so huge mantissas stay linear.
      const digits = m.toString();
      const kept = digits.replace(/0+$/, '');
      m = BigInt(kept);
      e += digits.length - kept.length;
    }
    this.unscaled = m;
    this.exponent = e;
    Object.freeze(this);
  }

  toString(): string {
    return format(this);
  }

  toJSON(): string {
    return format(this);
  }
}

/** m / 10^shift, rounded away from zero; cheap even for absurd shifts. */
function roundAwayFromZero(m: bigint, shift: number): bigint {
  if (m === 0n) return 0n;
  const sign = m < 0n ? -1n : 1n;
  if (shift > digitCount(m)) return sign; // below one unit: rounds to ±1
  const divisor = 10n ** BigInt(shift);
  const a = abs(m);
  const q = a / divisor;
  return sign * (a % divisor === 0n ? q : q + 1n);
}

// ---- parsing ----

interface Scanned {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

const SUFFIX_CHARS = 'eEinumkKMGTP';

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Kubernetes' scanner: sign, digits (leading zeros dropped), optional fraction, then the suffix text. */
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };

  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num: num || '0', denom: '', suffix: '' };
  pos = i;
  if (num.length === 0) num = '0';

  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);

  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i]!)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityError('format', str);
}

interface Suffix {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

const SUFFIXES: ReadonlyMap<string, Suffix> = new Map<string, Suffix>([
  ['', { base: 10, exponent: 0, format: 'DecimalSI' }],
  ['n', { base: 10, exponent: -9, format: 'DecimalSI' }],
  ['u', { base: 10, exponent: -6, format: 'DecimalSI' }],
  ['m', { base: 10, exponent: -3, format: 'DecimalSI' }],
  ['k', { base: 10, exponent: 3, format: 'DecimalSI' }],
  ['M', { base: 10, exponent: 6, format: 'DecimalSI' }],
  ['G', { base: 10, exponent: 9, format: 'DecimalSI' }],
  ['T', { base: 10, exponent: 12, format: 'DecimalSI' }],
  ['P', { base: 10, exponent: 15, format: 'DecimalSI' }],
  ['E', { base: 10, exponent: 18, format: 'DecimalSI' }],
  ['Ki', { base: 2, exponent: 10, format: 'BinarySI' }],
  ['Mi', { base: 2, exponent: 20, format: 'BinarySI' }],
  ['Gi', { base: 2, exponent: 30, format: 'BinarySI' }],
  ['Ti', { base: 2, exponent: 40, format: 'BinarySI' }],
  ['Pi', { base: 2, exponent: 50, format: 'BinarySI' }],
  ['Ei', { base: 2, exponent: 60, format: 'BinarySI' }],
]);

const MAX_INT32 = 2 ** 31 - 1;

function interpretSuffix(suffix: string): Suffix | undefined {
  const known = SUFFIXES.get(suffix);
  if (known) return known;
  // e/E followed by a base-10 integer (Go's ParseInt: optional sign, digits only).
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const exponent = Number(suffix.slice(1));
    // Kubernetes keeps exponents in an int32; larger ones would silently wrap there, we refuse them.
    if (Math.abs(exponent) > MAX_INT32) return undefined;
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

/**
 * Parses a quantity such as `500m`, `1.5Gi`, `2e3`, `-1`, `.5`, `100n`. Throws QuantityError with
 * Kubernetes' message for anything else (`1.2.3`, `1 Mi`, `1MiB`, `""`, …). Note that Kubernetes
 * accepts a suffix without digits ("Mi", "k") as zero, and so do we.
 */
export function parseQuantity(str: string): Quantity {
  if (typeof str !== 'string' || str.length === 0) throw new QuantityError('format', typeof str === 'string' ? str : undefined);
  if (str === '0') return new Quantity(0n, 0, 'DecimalSI', '0');

  const { positive, value, num, denom, suffix } = scan(str);
  const interpreted = interpretSuffix(suffix);
  if (!interpreted) throw new QuantityError('suffix', str);
  const { base, exponent } = interpreted;
  let fmt = interpreted.format;

  // Kubernetes keeps the input text when its int64 fast path applies and the text is already
  // canonical-looking; replicate exactly which strings it keeps.
  let original: string | undefined;
  let fastPath = false;
  const shifted = num + denom;
  if (base === 10) {
    if (18 - shifted.length >= 0 && exponent - denom.length >= NANO) {
      fastPath = true;
      const scale = exponent - denom.length;
      if (scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0') original = str;
    }
  } else if (denom.length === 0 && 15 - num.length - Math.trunc((exponent * 3) / 10) - 1 >= 0) {
    const n = BigInt(num);
    if (n << BigInt(exponent) <= MAX_INT64) {
      fastPath = true;
      if ((n & 7n) !== 0n) original = str;
    }
  }
  // Off the fast path Kubernetes parses the text as a decimal, which needs at least one digit.
  if (!fastPath && !/[0-9]/.test(value)) throw new QuantityError('numeric', str);

  let unscaled = BigInt(shifted);
  let exp10 = -denom.length;
  if (base === 10) exp10 += exponent;
  else unscaled <<= BigInt(exponent);
  if (!positive) unscaled = -unscaled;

  let q = new Quantity(unscaled, exp10, fmt); // rounds to nano
  if (fmt === 'BinarySI') {
    if (compareMagnitude(q, MAX_INT64) > 0) q = new Quantity(q.unscaled < 0n ? -MAX_INT64 : MAX_INT64, 0, fmt);
    // A fractional binary amount below one would only round, so Kubernetes switches it to decimal.
    if (!isZero(q) && compareMagnitude(q, 1n) < 0) fmt = 'DecimalSI';
  }
  return new Quantity(q.unscaled, q.exponent, fmt, original);
}

/** True when `s` parses as a quantity. */
export function isQuantity(s: string): boolean {
  try {
    parseQuantity(s);
    return true;
  } catch (err) {
    if (err instanceof QuantityError) return false;
    throw err;
  }
}

// ---- constructors ----

/** value in the given format, e.g. newQuantity(4, 'DecimalSI') or newQuantity(16n * 2n ** 30n, 'BinarySI'). */
export function newQuantity(value: number | bigint, fmt: QuantityFormat = 'DecimalSI'): Quantity {
  return new Quantity(toBigInt(value), 0, fmt);
}

/** value / 1000 in the given format, e.g. newMilliQuantity(250, 'DecimalSI') is 250m. */
export function newMilliQuantity(value: number | bigint, fmt: QuantityFormat = 'DecimalSI'): Quantity {
  return new Quantity(toBigInt(value), -3, fmt);
}

/** value × 10^scale, DecimalSI. */
export function newScaledQuantity(value: number | bigint, scale: number): Quantity {
  return new Quantity(toBigInt(value), scale, 'DecimalSI');
}

function toBigInt(value: number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`quantity value must be a safe integer, got ${value}`);
  return BigInt(value);
}

// ---- comparison and arithmetic ----

export function isZero(q: Quantity): boolean {
  return q.unscaled === 0n;
}

export function sign(q: Quantity): -1 | 0 | 1 {
  return q.unscaled === 0n ? 0 : q.unscaled < 0n ? -1 : 1;
}

/** Number of digits before the decimal point of |q| (its order of magnitude), for quick comparisons. */
function magnitudeOrder(unscaled: bigint, exponent: number): number {
  return digitCount(unscaled) + exponent;
}

/** Compares |q| with the non-negative integer n. */
function compareMagnitude(q: Quantity, n: bigint): number {
  return compare(new Quantity(abs(q.unscaled), q.exponent), new Quantity(n, 0));
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. Exact for any sizes. */
export function compare(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const sa = sign(a);
  const sb = sign(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  // Same sign: if the orders of magnitude differ the answer is known without aligning.
  const oa = magnitudeOrder(a.unscaled, a.exponent);
  const ob = magnitudeOrder(b.unscaled, b.exponent);
  if (oa !== ob) return (oa > ob ? sa : -sa) as -1 | 1;
  // Equal orders mean the exponent gap is at most the mantissas' digits, so aligning is cheap.
  const e = Math.min(a.exponent, b.exponent);
  const ma = a.unscaled * 10n ** BigInt(a.exponent - e);
  const mb = b.unscaled * 10n ** BigInt(b.exponent - e);
  return ma === mb ? 0 : ma < mb ? -1 : 1;
}

export function equal(a: Quantity, b: Quantity): boolean {
  return compare(a, b) === 0;
}

function combine(a: Quantity, b: Quantity, negateB: boolean): Quantity {
  // Like Kubernetes: a zero left side takes the right side's format.
  const fmt = isZero(a) ? b.format : a.format;
  const mb = negateB ? -b.unscaled : b.unscaled;
  if (isZero(b)) return new Quantity(a.unscaled, a.exponent, fmt);
  if (isZero(a)) return new Quantity(mb, b.exponent, fmt);
  const e = Math.min(a.exponent, b.exponent);
  const sum = a.unscaled * pow10(a.exponent - e) + mb * pow10(b.exponent - e);
  return new Quantity(sum, e, fmt);
}

/** a + b, exact. The result keeps a's format, or b's when a is zero. */
export function add(a: Quantity, b: Quantity): Quantity {
  return combine(a, b, false);
}

/** a - b, exact. The result keeps a's format, or b's when a is zero. */
export function sub(a: Quantity, b: Quantity): Quantity {
  return combine(a, b, true);
}

export function neg(q: Quantity): Quantity {
  return new Quantity(-q.unscaled, q.exponent, q.format);
}

/** The same value in another format (for printing). */
export function withFormat(q: Quantity, fmt: QuantityFormat): Quantity {
  return new Quantity(q.unscaled, q.exponent, fmt);
}

// ---- numeric views ----

/**
 * ceil(q / 10^scale), rounding away from zero, as an exact bigint (Kubernetes' ScaledValue without
 * int64 overflow). Throws QuantityError('range') when the result would exceed 100 000 digits.
 */
export function scaledValue(q: Quantity, scale: number): bigint {
  const shift = q.exponent - scale;
  if (shift >= 0) return q.unscaled * pow10(shift);
  return roundAwayFromZero(q.unscaled, -shift);
}

/** The value rounded away from zero to an integer, e.g. bytes of memory (Kubernetes' Value()). */
export function value(q: Quantity): bigint {
  return scaledValue(q, 0);
}

/** The value in thousandths rounded away from zero, e.g. CPU millicores (Kubernetes' MilliValue()). */
export function milliValue(q: Quantity): bigint {
  return scaledValue(q, -3);
}

/** milliValue as a number (±Infinity when beyond the float range). */
export function toMillis(q: Quantity): number {
  if (magnitudeOrder(q.unscaled, q.exponent) > 400) return q.unscaled < 0n ? -Infinity : Infinity;
  return Number(milliValue(q));
}

/** The nearest float to the exact value (Kubernetes' AsApproximateFloat64); ±Infinity when out of range. */
export function toNumber(q: Quantity): number {
  return Number(`${q.unscaled}e${q.exponent}`);
}

// ---- printing ----

const DECIMAL_SI_SUFFIXES: ReadonlyMap<number, string> = new Map([
  [-9, 'n'],
  [-6, 'u'],
  [-3, 'm'],
  [0, ''],
  [3, 'k'],
  [6, 'M'],
  [9, 'G'],
  [12, 'T'],
  [15, 'P'],
  [18, 'E'],
]);

const BINARY_SI_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

function decimalCanonical(q: Quantity, fmt: 'DecimalSI' | 'DecimalExponent'): string {
  // Lower the exponent to a multiple of three, moving the difference into the mantissa.
  const r = ((q.exponent % 3) + 3) % 3;
  const mantissa = (q.unscaled * 10n ** BigInt(r)).toString();
  const e = q.exponent - r;
  if (fmt === 'DecimalSI') {
    const suffix = DECIMAL_SI_SUFFIXES.get(e);
    // Beyond "E" there is no SI suffix; Kubernetes now falls back to the exponent form (1e21).
    if (suffix !== undefined) return mantissa + suffix;
  }
  return e === 0 ? mantissa : `${mantissa}e${e}`;
}

/** The canonical text, ignoring any kept input text (Kubernetes' CanonicalizeBytes). */
export function canonical(q: Quantity): string {
  if (isZero(q)) return '0';
  if (q.format !== 'BinarySI') return decimalCanonical(q, q.format);
  // Binary only for whole numbers of at least 1024 in magnitude; anything else prints as decimal.
  if (compareMagnitude(q, 1024n) < 0 || q.exponent < 0 || q.exponent > MAX_ALIGN_DIGITS) return decimalCanonical(q, 'DecimalSI');
  let n = q.unscaled * 10n ** BigInt(q.exponent);
  let power = 0;
  while (n % 1024n === 0n && power < BINARY_SI_SUFFIXES.length) {
    n /= 1024n;
    power++;
  }
  // Past Ei there is no binary suffix; print the exact decimal rather than drop the magnitude.
  if (power >= BINARY_SI_SUFFIXES.length) return decimalCanonical(q, 'DecimalSI');
  return `${n}${BINARY_SI_SUFFIXES[power]}`;
}

/** What Kubernetes prints for q (String()/MarshalJSON): the kept input text if any, else the canonical form. */
export function format(q: Quantity): string {
  return q.original ?? canonical(q);
}

/** Parses and re-prints, e.g. normalize("1.5Gi") === "1536Mi". */
export function normalize(s: string): string {
  return format(parseQuantity(s));
}

export { parseQuantity as parse };
