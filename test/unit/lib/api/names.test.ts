import t from 'tap';

const tap = t;
import { FieldPath } from '../../../../lib/api/field-errors.js';
import {
  generateName,
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  MAX_GENERATED_NAME_LENGTH,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  TOTAL_ANNOTATION_SIZE_LIMIT_BYTES,
  validateAnnotations,
  validateLabels,
} from '../../../../lib/api/names.js';

const DNS_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

type Row = [input: string, expected: string[]];

function runTable(t: typeof tap, name: string, check: (s: string) => string[], rows: Row[]): void {
  t.test(name, async (t) => {
    for (const [input, expected] of rows) t.same(check(input), expected, JSON.stringify(input.length > 70 ? `${input.slice(0, 20)}…(${input.length})` : input));
  });
}

runTable(t, 'isDNS1123Label', isDNS1123Label, [
  ['a', []],
  ['0', []],
  ['my-name', []],
  ['123-abc', []],
  ['a'.repeat(63), []],
  ['', [DNS_LABEL_MSG]],
  ['A', [DNS_LABEL_MSG]],
  ['-a', [DNS_LABEL_MSG]],
  ['a-', [DNS_LABEL_MSG]],
  ['a.b', [DNS_LABEL_MSG]],
  ['a_b', [DNS_LABEL_MSG]],
  ['a'.repeat(64), ['must be no more than 63 characters']],
  ['-'.repeat(64), ['must be no more than 63 characters', DNS_LABEL_MSG]],
]);

runTable(t, 'isDNS1123Subdomain', isDNS1123Subdomain, [
  ['example.com', []],
  ['a.b-c.d', []],
  ['a', []],
  [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, []],
  ['.a', [DNS_SUBDOMAIN_MSG]],
  ['a..b', [DNS_SUBDOMAIN_MSG]],
  ['a.', [DNS_SUBDOMAIN_MSG]],
  ['Example.com', [DNS_SUBDOMAIN_MSG]],
  ['a'.repeat(254), ['must be no more than 253 characters']],
]);

runTable(t, 'isDNS1035Label', isDNS1035Label, [
  ['my-name', []],
  ['abc-123', []],
  ['1abc', [DNS1035_MSG]],
  ['a.b', [DNS1035_MSG]],
  ['abc-', [DNS1035_MSG]],
  [`a${'b'.repeat(63)}`, ['must be no more than 63 characters']],
]);

runTable(t, 'isQualifiedName', isQualifiedName, [
  ['MyName', []],
  ['my.name', []],
  ['123-abc', []],
  ['a_b', []],
  ['example.com/MyName', []],
  ['k8s.io/a-b_c.d', []],
  ['', ['name part must be non-empty', NAME_PART_MSG]],
  ['-x', [NAME_PART_MSG]],
  ['x_', [NAME_PART_MSG]],
  ['a b', [NAME_PART_MSG]],
  ['/a', ['prefix part must be non-empty']],
  ['a/', ['name part must be non-empty', NAME_PART_MSG]],
  ['Example.com/x', [`prefix part ${DNS_SUBDOMAIN_MSG}`]],
  ['a'.repeat(64), ['name part must be no more than 63 characters']],
  [
    'a/b/c',
    [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
  ],
]);

runTable(t, 'isValidLabelValue', isValidLabelValue, [
  ['', []],
  ['v1', []],
  ['a_b.c-d', []],
  ['12345', []],
  ['-a', [LABEL_VALUE_MSG]],
  ['a b', [LABEL_VALUE_MSG]],
  ['a/b', [LABEL_VALUE_MSG]],
  ['a'.repeat(64), ['must be no more than 63 characters']],
  // Lengths count UTF-8 bytes, as Go's len() does.
  ['é'.repeat(32), ['must be no more than 63 characters', LABEL_VALUE_MSG]],
]);

runTable(t, 'isValidPortName (IANA_SVC_NAME)', isValidPortName, [
  ['http', []],
  ['h2c', []],
  ['metrics-9090', []],
  ['', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
  ['8080', ['must contain at least one letter (a-z)']],
  ['a--b', ['must not contain consecutive hyphens']],
  ['-http', ['must not begin or end with a hyphen']],
  ['HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
  ['abcdefghijklmnop', ['must be no more than 15 characters']],
]);

t.test('isValidPortNum', async (t) => {
  for (const ok of [1, 80, 65535]) t.same(isValidPortNum(ok), [], String(ok));
  for (const bad of [0, -1, 65536, 1.5, Number.NaN]) t.same(isValidPortNum(bad), ['must be between 1 and 65535, inclusive'], String(bad));
});

runTable(t, 'isEnvVarName', isEnvVarName, [
  ['MY_VAR', []],
  ['my.env-name', []],
  ['_x1', []],
  [
    '1abc',
    [
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
    ],
  ],
  ['.', ["must not be '.'"]],
  ['..', ["must not be '..'"]],
  ['..x', ["must not start with '..'"]],
]);

runTable(t, 'isCIdentifier, isConfigMapKey, isValidPercent', (s) => [...isCIdentifier(s), ...isConfigMapKey(s), ...isValidPercent(`${s}%`)], [
  ['my_name', ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]],
  ['9', ["a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')"]],
]);

t.test('isConfigMapKey alone', async (t) => {
  t.same(isConfigMapKey('key.name'), []);
  t.same(isConfigMapKey('a/b'), [
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  t.same(isConfigMapKey('..data'), ["must not start with '..'"]);
});

t.test('object-name validators by kind, with generateName prefixes', async (t) => {
  const rows: Array<[fn: typeof nameIsDNSSubdomain, name: string, prefix: boolean, valid: boolean]> = [
    [nameIsDNSSubdomain, 'web.example', false, true],
    [nameIsDNSSubdomain, 'web-', false, false],
    [nameIsDNSSubdomain, 'web-', true, true], // generateName may end in '-'
    [nameIsDNSSubdomain, '-', true, false], // a lone dash is not masked
    [nameIsDNSLabel, 'kube-system', false, true],
    [nameIsDNSLabel, 'a.b', false, false],
    [nameIsDNSLabel, 'ns-', true, true],
    [nameIsDNS1035Label, 'my-svc', false, true],
    [nameIsDNS1035Label, '1svc', false, false],
    [nameIsDNS1035Label, 'svc-', true, true],
  ];
  for (const [fn, name, prefix, valid] of rows) t.equal(fn(name, prefix).length === 0, valid, `${name} prefix=${prefix}`);
  t.same(nameIsDNS1035Label('1svc', false), [DNS1035_MSG]);
});

t.test('validateLabels gives one cause per problem at the map path', async (t) => {
  const path = new FieldPath('metadata').child('labels');
  t.same(validateLabels({ app: 'web', 'example.com/tier': 'front' }, path), []);
  t.same(validateLabels(undefined, path), []);
  t.same(validateLabels({ app: 'web', 'bad key': 'x', k: '-bad' }, path), [
    { reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "bad key": ${NAME_PART_MSG}` },
    { reason: 'FieldValueInvalid', field: 'metadata.labels', message: `Invalid value: "-bad": ${LABEL_VALUE_MSG}` },
  ]);
  const typed = validateLabels({ n: 5 }, path);
  t.equal(typed.length, 1);
  t.match(typed[0], { reason: 'FieldValueTypeInvalid', field: 'metadata.labels[n]' });
  t.match(validateLabels(['x'], path)[0], { reason: 'FieldValueTypeInvalid', field: 'metadata.labels' });
});

t.test('validateAnnotations: case-insensitive keys and the 256 KiB total', async (t) => {
  const path = new FieldPath('metadata').child('annotations');
  t.same(validateAnnotations({ 'Example.com/Key': 'anything at all, even spaces' }, path), []);
  t.same(validateAnnotations({ 'bad key': '' }, path), [
    { reason: 'FieldValueInvalid', field: 'metadata.annotations', message: `Invalid value: "bad key": ${NAME_PART_MSG}` },
  ]);
  // key + value bytes count; exactly the limit is fine, one byte more is not.
  const atLimit = { a: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_BYTES - 1) };
  t.same(validateAnnotations(atLimit, path), []);
  const over = { a: 'x'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) };
  t.same(validateAnnotations(over, path), [
    { reason: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: may not be more than 262144 bytes' },
  ]);
});

t.test('generateName appends 5 characters from the Kubernetes alphabet and keeps within 63', async (t) => {
  const seq = (values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length]!;
  };
  t.equal(generateName('web-', seq([0])), 'web-bbbbb');
  t.equal(generateName('web-', seq([0.9999])), 'web-99999');
  t.equal(generateName('', seq([0, 0.5, 0.999, 0.04, 0.3])), 'br9cl');
  // Out-of-range or broken randomness never crashes.
  t.equal(generateName('x-', seq([5, -1, Number.NaN])), 'x-9bb9b');
  const long = 'a'.repeat(70);
  const name = generateName(long, seq([0.2]));
  t.equal(name.length, 63);
  t.equal(name.slice(0, MAX_GENERATED_NAME_LENGTH), 'a'.repeat(58));
  t.same(nameIsDNSSubdomain(generateName('job-', Math.random), false), []);
});
