import t from 'tap';
import {
  add,
  canonical,
  compare,
  equal,
  format,
  isQuantity,
  isZero,
  milliValue,
  neg,
  newMilliQuantity,
  newQuantity,
  newScaledQuantity,
  normalize,
  parseQuantity,
  Quantity,
  QuantityError,
  sign,
  sub,
  toMillis,
  toNumber,
  value,
  withFormat,
  type QuantityErrorKind,
  type QuantityFormat,
} from '../../../../lib/api/quantity.js';

// [input, what Kubernetes prints (String()), canonical form, format after parsing]
// Kubernetes prints some inputs back verbatim (its already-canonical fast path): "+1", "01", "1E3".
const GOOD: Array<[string, string, string, QuantityFormat]> = [
  ['400m', '400m', '400m', 'DecimalSI'],
  ['0.5', '500m', '500m', 'DecimalSI'],
  ['.5', '500m', '500m', 'DecimalSI'],
  ['1.5', '1500m', '1500m', 'DecimalSI'],
  ['1000m', '1', '1', 'DecimalSI'],
  ['600Mi', '600Mi', '600Mi', 'BinarySI'],
  ['1024Mi', '1Gi', '1Gi', 'BinarySI'],
  ['1.5Gi', '1536Mi', '1536Mi', 'BinarySI'],
  ['-1.5Gi', '-1536Mi', '-1536Mi', 'BinarySI'],
  ['0.5Mi', '512Ki', '512Ki', 'BinarySI'],
  ['1Ki', '1Ki', '1Ki', 'BinarySI'],
  ['8Ki', '8Ki', '8Ki', 'BinarySI'],
  ['1025Ki', '1025Ki', '1025Ki', 'BinarySI'],
  ['1536Ki', '1536Ki', '1536Ki', 'BinarySI'],
  ['100Ti', '100Ti', '100Ti', 'BinarySI'],
  ['.001Ki', '1024m', '1024m', 'BinarySI'], // below 1024, BinarySI prints as decimal
  ['1.1Ki', '1126400m', '1126400m', 'BinarySI'], // not a whole number: decimal
  ['.000000000001Ki', '2n', '2n', 'DecimalSI'], // rounds up to nano, switches format
  ['100.035Ki', '102435840m', '102435840m', 'BinarySI'],
  ['9Ei', '9223372036854775807', '9223372036854775807', 'BinarySI'], // capped at 2^63-1
  ['9223372036854775807Ki', '9223372036854775807', '9223372036854775807', 'BinarySI'],
  ['1G', '1G', '1G', 'DecimalSI'],
  ['1000M', '1G', '1G', 'DecimalSI'],
  ['50k', '50k', '50k', 'DecimalSI'],
  ['100.035k', '100.035k', '100035', 'DecimalSI'], // scale 0, kept verbatim
  ['1.01E', '1010P', '1010P', 'DecimalSI'],
  ['12E', '12E', '12E', 'DecimalSI'],
  ['1000E', '1e21', '1e21', 'DecimalSI'], // past "E" the exponent form keeps the magnitude
  ['123456789012345678901', '123456789012345678901', '123456789012345678901', 'DecimalSI'],
  ['2e3', '2e3', '2e3', 'DecimalExponent'],
  ['1e-3', '1e-3', '1e-3', 'DecimalExponent'],
  ['1E3', '1E3', '1e3', 'DecimalExponent'],
  ['1.3E+6', '1300e3', '1300e3', 'DecimalExponent'],
  ['0.5e0', '500e-3', '500e-3', 'DecimalExponent'],
  ['1.1E-9', '2e-9', '2e-9', 'DecimalExponent'],
  ['100n', '100n', '100n', 'DecimalSI'],
  ['5u', '5u', '5u', 'DecimalSI'],
  ['3.001n', '4n', '4n', 'DecimalSI'],
  ['0.00000012345', '124n', '124n', 'DecimalSI'],
  ['0.0000000001', '1n', '1n', 'DecimalSI'],
  ['-1', '-1', '-1', 'DecimalSI'],
  ['+1', '+1', '1', 'DecimalSI'],
  ['01', '01', '1', 'DecimalSI'],
  ['0', '0', '0', 'DecimalSI'],
  ['-0', '0', '0', 'DecimalSI'],
  ['0Ki', '0', '0', 'BinarySI'],
  ['1.', '1.', '1', 'DecimalSI'],
  ['1.G', '1.G', '1G', 'DecimalSI'],
  ['.', '0', '0', 'DecimalSI'],
  ['Mi', '0', '0', 'BinarySI'], // Kubernetes reads a bare suffix as zero
];

t.test('parses quantities and prints them as Kubernetes does', async (t) => {
  for (const [input, printed, canon, fmt] of GOOD) {
    const q = parseQuantity(input);
    t.equal(format(q), printed, `${input} prints`);
    t.equal(canonical(q), canon, `${input} canonical`);
    t.equal(q.format, fmt, `${input} format`);
    t.ok(isQuantity(input));
  }
});

t.test('printing round-trips: parse(format(q)) prints the same and has the same value', async (t) => {
  for (const [input] of GOOD) {
    const q = parseQuantity(input);
    for (const text of [format(q), canonical(q)]) {
      const again = parseQuantity(text);
      t.equal(format(again), text, `${input} via ${text}`);
      t.equal(compare(again, q), 0, `${input} value survives ${text}`);
    }
    t.equal(format(parseQuantity(format(parseQuantity(format(q))))), format(q));
  }
});

// [input, error kind] — messages are Kubernetes' errors
const BAD: Array<[string, QuantityErrorKind]> = [
  ['', 'format'],
  ['1.2.3', 'format'],
  ['1.1.M', 'format'],
  ['1 Mi', 'format'],
  [' 1', 'format'],
  ['1 ', 'format'],
  ['1MiB', 'format'],
  ['aoeu', 'format'],
  ['Non-Numeric', 'format'],
  ['1+1.0M', 'format'],
  ['0.1am', 'format'],
  ['1e3.5', 'format'],
  ['1,5', 'format'],
  ['1i', 'suffix'],
  ['.5i', 'suffix'],
  ['0.1mi', 'suffix'],
  ['1mi', 'suffix'],
  ['1e', 'suffix'],
  ['-3.01e-', 'suffix'],
  ['1ee3', 'suffix'],
  ['1Ki3', 'suffix'],
  ['--1', 'suffix'],
  ['1e2147483648', 'suffix'],
  ['Ei', 'numeric'],
  ['-Pi', 'numeric'],
  ['.e-10', 'numeric'],
];

const MESSAGES: Record<QuantityErrorKind, string> = {
  format: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  numeric: 'unable to parse numeric part of quantity',
  suffix: "unable to parse quantity's suffix",
  range: 'quantity is too large to compute exactly',
};

t.test('rejects garbage with Kubernetes errors', async (t) => {
  for (const [input, kind] of BAD) {
    t.throws(() => parseQuantity(input), { name: 'QuantityError', kind, message: MESSAGES[kind], input }, JSON.stringify(input));
    t.equal(isQuantity(input), false, JSON.stringify(input));
  }
  t.throws(() => parseQuantity(42 as unknown as string), QuantityError);
});

// [a, b, compare(a, b)]
const COMPARE: Array<[string, string, -1 | 0 | 1]> = [
  ['1', '1000m', 0],
  ['1Ki', '1024', 0],
  ['0.5', '500m', 0],
  ['1e3', '1k', 0],
  ['1Gi', '1G', 1],
  ['1Mi', '1M', 1],
  ['100m', '50m', 1],
  ['50m', '100m', -1],
  ['20000T', '100Gi', 1],
  ['-1', '1', -1],
  ['-2', '-1', -1],
  ['0', '-0', 0],
  ['1n', '0', 1],
  ['-1n', '0', -1],
  ['1e100', '1e99', 1],
  ['999e97', '1e100', -1],
  ['1e2000000000', '1e1999999999', 1],
  ['-1e2000000000', '1', -1],
  ['1e-2000000000', '1n', 0], // rounds up to one nano
];

t.test('compare is exact at any magnitude', async (t) => {
  for (const [a, b, expected] of COMPARE) {
    t.equal(compare(parseQuantity(a), parseQuantity(b)), expected, `${a} vs ${b}`);
    t.equal(compare(parseQuantity(b), parseQuantity(a)), -expected || 0, `${b} vs ${a}`);
  }
  t.ok(equal(parseQuantity('1.5Gi'), parseQuantity('1536Mi')));
});

// [a, op, b, printed result]
const ARITHMETIC: Array<[string, '+' | '-', string, string]> = [
  ['1', '+', '500m', '1500m'],
  ['1Gi', '+', '512Mi', '1536Mi'],
  ['1', '-', '1500m', '-500m'],
  ['0', '+', '1Gi', '1Gi'], // a zero left side takes the right side's format
  ['100m', '+', '0', '100m'],
  ['0', '-', '1Gi', '-1Gi'],
  ['1Ki', '-', '1Ki', '0'],
  ['1e3', '+', '1', '1001'],
  ['1E', '+', '1E', '2E'],
  ['999E', '+', '1E', '1e21'],
  ['1n', '+', '1', '1000000001n'],
  ['8Ei', '+', '8Ei', '18446744073709551614'],
  ['4Ei', '+', '4Ei', '8Ei'],
  ['250m', '+', '250m', '500m'],
  ['1.5', '-', '0.5', '1'],
];

t.test('add and sub are exact and keep the format as Kubernetes does', async (t) => {
  for (const [a, op, b, expected] of ARITHMETIC) {
    const qa = parseQuantity(a);
    const qb = parseQuantity(b);
    const result = op === '+' ? add(qa, qb) : sub(qa, qb);
    t.equal(format(result), expected, `${a} ${op} ${b}`);
  }
  // Summing 0.1 ten times is exactly 1 (no float drift).
  let total = parseQuantity('0');
  for (let i = 0; i < 10; i++) total = add(total, parseQuantity('0.1'));
  t.equal(format(total), '1');
  t.equal(format(neg(parseQuantity('1.5Gi'))), '-1536Mi');
  t.equal(sign(parseQuantity('-1m')), -1);
  t.ok(isZero(sub(parseQuantity('1Gi'), parseQuantity('1024Mi'))));
  // Adding across an absurd exponent gap would need a gigantic exact number: refused, not hung.
  t.throws(() => add(parseQuantity('1e200000'), parseQuantity('1')), { name: 'QuantityError', kind: 'range' });
});

t.test('numeric views: millis and values round away from zero, toNumber is the nearest float', async (t) => {
  // [input, toMillis, value()]
  const rows: Array<[string, number, bigint]> = [
    ['100m', 100, 1n],
    ['1', 1000, 1n],
    ['0.5', 500, 1n],
    ['2', 2000, 2n],
    ['1Ki', 1024000, 1024n],
    ['250u', 1, 1n],
    ['1.5', 1500, 2n],
    ['-1.5', -1500, -2n],
    ['-250u', -1, -1n],
    ['1Gi', 1073741824000, 1073741824n],
    ['0', 0, 0n],
  ];
  for (const [input, millis, whole] of rows) {
    const q = parseQuantity(input);
    t.equal(toMillis(q), millis, `${input} millis`);
    t.equal(milliValue(q), BigInt(millis), `${input} milliValue`);
    t.equal(value(q), whole, `${input} value`);
  }
  t.equal(toNumber(parseQuantity('1.5Gi')), 1610612736);
  t.equal(toNumber(parseQuantity('500m')), 0.5);
  t.equal(toNumber(parseQuantity('-1e-3')), -0.001);
  t.equal(toNumber(parseQuantity('1e400')), Infinity);
  t.equal(toMillis(parseQuantity('1e2000000000')), Infinity);
});

t.test('constructors print like Kubernetes NewQuantity / NewMilliQuantity / NewScaledQuantity', async (t) => {
  // [quantity, printed]
  const rows: Array<[Quantity, string]> = [
    [newQuantity(1, 'DecimalSI'), '1'],
    [newQuantity(1000, 'DecimalSI'), '1k'],
    [newQuantity(1234000, 'DecimalSI'), '1234k'],
    [newQuantity(1024, 'BinarySI'), '1Ki'],
    [newQuantity(1024 * 1024, 'BinarySI'), '1Mi'],
    [newQuantity(1000000, 'DecimalExponent'), '1e6'],
    [newQuantity(16n * 2n ** 30n, 'BinarySI'), '16Gi'],
    [newMilliQuantity(1, 'DecimalSI'), '1m'],
    [newMilliQuantity(1000, 'DecimalSI'), '1'],
    [newMilliQuantity(1024, 'BinarySI'), '1024m'],
    [newMilliQuantity(1000000, 'DecimalExponent'), '1e3'],
    [newScaledQuantity(1000, -9), '1u'],
    [newScaledQuantity(1, -3), '1m'],
    [newScaledQuantity(0, -9), '0'],
    [withFormat(parseQuantity('1536Mi'), 'DecimalSI'), '1610612736'],
    [new Quantity(15n, -10), '2n'], // built below nano: rounded up like parsing
  ];
  for (const [q, printed] of rows) t.equal(format(q), printed);
  t.throws(() => newQuantity(0.5), RangeError);
});

t.test('quantities serialise as their printed text', async (t) => {
  t.equal(JSON.stringify({ memory: parseQuantity('1.5Gi'), cpu: parseQuantity('+1') }), '{"memory":"1536Mi","cpu":"+1"}');
  t.equal(String(parseQuantity('0.5')), '500m');
  t.equal(normalize('2048Ki'), '2Mi');
  t.ok(Object.isFrozen(parseQuantity('1')));
});

t.test('huge inputs stay fast', async (t) => {
  const q = parseQuantity(`1${'0'.repeat(200_000)}`);
  t.equal(q.exponent, 200_000);
  t.equal(format(q), '100e199998'); // DecimalSI past "E": exponent form, exponent a multiple of 3
  t.equal(compare(q, parseQuantity('1e200000')), 0);
});
