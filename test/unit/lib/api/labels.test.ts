import t from 'tap';
import { FieldPath } from '../../../../lib/api/field-errors.js';
import {
  addRequirements,
  everything,
  formatLabelSelector,
  isEmpty,
  matches,
  newRequirement,
  nothing,
  parseSelector,
  requiresExactMatch,
  SelectorParseError,
  selectorFromLabelSelector,
  selectorFromSet,
  selectorToString,
  validatedSelectorFromSet,
  validateLabelSelector,
  type LabelSelector,
} from '../../../../lib/api/labels.js';

const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

// [input, canonical text]
const GOOD: Array<[string, string]> = [
  ['', ''],
  ['x=a', 'x=a'],
  ['x==a', 'x==a'],
  ['x!=a', 'x!=a'],
  ['x', 'x'],
  ['!x', '!x'],
  ['x in (b,a)', 'x in (a,b)'],
  ['x notin (a)', 'x notin (a)'],
  ['  x  =  a  ', 'x=a'],
  ['\tx\n=\ra', 'x=a'],
  ['b=1,a=2', 'a=2,b=1'],
  ['x=', 'x='],
  ['x in ()', 'x in ()'],
  ['x in (,a)', 'x in (,a)'],
  ['x in (a,,b)', 'x in (,a,b)'],
  ['x in (a,a)', 'x in (a)'],
  ['x in (in,notin)', 'x in (in,notin)'],
  ['in=notin', 'in=notin'],
  ['a>5', 'a>5'],
  ['a<5', 'a<5'],
  ['example.com/app=web', 'example.com/app=web'],
  ['x=a,x!=b', 'x=a,x!=b'],
  ['k=v-1.2_3', 'k=v-1.2_3'],
  ['!a,b', '!a,b'],
  ['x in(a)', 'x in (a)'],
  ['y, x notin(a)', 'x notin (a),y'],
  ['f,!e,c in (d),a=b', 'a=b,c in (d),!e,f'],
  ['MyKey.v2_x=Val', 'MyKey.v2_x=Val'],
];

t.test('parses good selectors into their canonical text, and the text parses back to itself', async (t) => {
  for (const [input, canonical] of GOOD) {
    const sel = parseSelector(input);
    t.equal(selectorToString(sel), canonical, JSON.stringify(input));
    t.equal(selectorToString(parseSelector(canonical)), canonical, `round trip ${JSON.stringify(canonical)}`);
  }
});

t.test('parsed requirements carry key, operator and sorted unique values', async (t) => {
  t.same(parseSelector('x in (b,a,b), !y, z==1, w').requirements, [
    { key: 'w', operator: 'exists', values: [] },
    { key: 'x', operator: 'in', values: ['a', 'b'] },
    { key: 'y', operator: '!', values: [] },
    { key: 'z', operator: '==', values: ['1'] },
  ]);
  t.ok(isEmpty(parseSelector('')));
  t.notOk(isEmpty(parseSelector('a')));
});

// [input, message, position of the offending token]
const BAD: Array<[string, string, number]> = [
  ['x=a b', "found 'b', expected: ',' or 'end of string'", 4],
  ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'", 7],
  ['!', "unable to parse requirement: found '', expected: identifier", 1],
  ['x!', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt", 1],
  ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt", 2],
  ['x in a', "unable to parse requirement: found 'a' expected: '('", 5],
  ['x notin', "unable to parse requirement: found '' expected: '('", 7],
  ['x in )', "unable to parse requirement: found ')' expected: '('", 5],
  [',x', "found ',', expected: !, identifier, or 'end of string'", 0],
  ['(', "found '(', expected: !, identifier, or 'end of string'", 0],
  ['x,', "found '', expected: identifier after ','", 2],
  ['x=a,,y', "found ',', expected: identifier after ','", 4],
  ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'", 8],
  ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier", 6],
  ['x in (a,=)', "unable to parse requirement: found '=', expected: ',', or identifier", 8],
  ['x===', "unable to parse requirement: found '=', expected: identifier", 3],
  ['x=(', "unable to parse requirement: found '(', expected: identifier", 2],
  ['!x=a', "found '=', expected: ',' or 'end of string'", 2],
  ['-x', `unable to parse requirement: <nil>: Invalid value: "-x": ${NAME_PART_MSG}`, 0],
  ['app:web', `unable to parse requirement: <nil>: Invalid value: "app:web": ${NAME_PART_MSG}`, 0],
  [
    'a/b/c=d',
    "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    0,
  ],
  [`${'k'.repeat(64)}=v`, `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`, 0],
  ['x=-v', `unable to parse requirement: values[0][x]: Invalid value: "-v": ${LABEL_VALUE_MSG}`, 0],
  [`x=${'v'.repeat(64)}`, `unable to parse requirement: values[0][x]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`, 0],
  ['a>b', 'unable to parse requirement: values[0]: Invalid value: "b": for \'Gt\', \'Lt\' operators, the value must be an integer', 0],
  ['a>-1', `unable to parse requirement: values[0][a]: Invalid value: "-1": ${LABEL_VALUE_MSG}`, 0],
  [
    'Bad.com/x=a',
    "unable to parse requirement: <nil>: Invalid value: \"Bad.com/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    0,
  ],
];

t.test('rejects malformed selectors with Kubernetes messages and the token position', async (t) => {
  for (const [input, message, position] of BAD) {
    let caught: unknown;
    try {
      parseSelector(input);
    } catch (err) {
      caught = err;
    }
    t.type(caught, SelectorParseError, JSON.stringify(input));
    t.equal((caught as SelectorParseError).message, message, JSON.stringify(input));
    t.equal((caught as SelectorParseError).position, position, `${JSON.stringify(input)} position`);
  }
});

t.test('a field path replaces <nil> in messages', async (t) => {
  t.throws(() => parseSelector('-x', 'spec.selector'), {
    message: `unable to parse requirement: spec.selector: Invalid value: "-x": ${NAME_PART_MSG}`,
  });
});

// [selector, labels, matches]
const MATCH: Array<[string, Record<string, string> | undefined, boolean]> = [
  ['x=a', { x: 'a' }, true],
  ['x=a', { x: 'b' }, false],
  ['x=a', {}, false],
  ['x==a', { x: 'a', y: 'z' }, true],
  ['x!=a', {}, true],
  ['x!=a', { x: 'a' }, false],
  ['x!=a', { x: 'b' }, true],
  ['x in (a,b)', { x: 'b' }, true],
  ['x in (a,b)', { x: 'c' }, false],
  ['x in (a,b)', {}, false],
  ['x notin (a)', {}, true],
  ['x notin (a)', { x: 'a' }, false],
  ['x notin (a)', { x: 'c' }, true],
  ['x', { x: '' }, true],
  ['x', {}, false],
  ['!x', {}, true],
  ['!x', { x: '' }, false],
  ['x=', { x: '' }, true],
  ['x=', {}, false],
  ['x in ()', { x: '' }, true],
  ['a>5', { a: '6' }, true],
  ['a>5', { a: '5' }, false],
  ['a>5', { a: 'six' }, false],
  ['a>5', {}, false],
  ['a<5', { a: '-3' }, true],
  ['x=a,y', { x: 'a', y: '1' }, true],
  ['x=a,y', { x: 'a' }, false],
  ['', {}, true],
  ['', undefined, true],
  ['x!=a', undefined, true],
];

t.test('matching follows Kubernetes, including absent keys for != and notin', async (t) => {
  for (const [selector, labels, expected] of MATCH) {
    t.equal(matches(parseSelector(selector), labels), expected, `${JSON.stringify(selector)} on ${JSON.stringify(labels)}`);
  }
  // Only own properties count as labels.
  t.equal(matches(parseSelector('toString'), {}), false);
});

t.test('metav1.LabelSelector: null selects nothing, empty selects everything', async (t) => {
  const none = selectorFromLabelSelector(null);
  t.equal(matches(none, {}), false);
  t.equal(matches(none, { a: 'b' }), false);
  t.equal(isEmpty(none), false);
  t.equal(selectorToString(none), '');
  t.equal(selectorFromLabelSelector(undefined), nothing());
  for (const empty of [{}, { matchLabels: {} }, { matchLabels: null, matchExpressions: [] }]) {
    const sel = selectorFromLabelSelector(empty);
    t.ok(isEmpty(sel));
    t.ok(matches(sel, { any: 'thing' }));
  }
});

// [LabelSelector, canonical text]
const LABEL_SELECTORS: Array<[LabelSelector, string]> = [
  [{ matchLabels: { tier: 'fe', app: 'web' } }, 'app=web,tier=fe'],
  [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, 'env in (dev,prod)'],
  [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['x'] }] }, 'env notin (x)'],
  [{ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, 'env'],
  [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist', values: [] }] }, '!env'],
  [{ matchLabels: { z: '1' }, matchExpressions: [{ key: 'a', operator: 'Exists' }] }, 'a,z=1'],
];

t.test('metav1.LabelSelector converts to the same selector as its text', async (t) => {
  for (const [ls, text] of LABEL_SELECTORS) {
    const sel = selectorFromLabelSelector(ls);
    t.equal(selectorToString(sel), text);
    t.equal(formatLabelSelector(ls), text);
  }
  const sel = selectorFromLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] });
  t.ok(matches(sel, { app: 'web' }));
  t.ok(matches(sel, { app: 'web', track: 'stable' }));
  t.notOk(matches(sel, { app: 'web', track: 'canary' }));
  t.notOk(matches(sel, { app: 'db' }));
  t.equal(formatLabelSelector(null), '<none>');
  t.equal(formatLabelSelector({}), '<none>');
  t.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), '<error>');
});

// [LabelSelector, Kubernetes' error text]
const BAD_LABEL_SELECTORS: Array<[LabelSelector, string]> = [
  [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
  [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
  [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist'],
  [{ matchExpressions: [{ key: 'a', operator: 'Foo' }] }, '"Foo" is not a valid label selector operator'],
  [{ matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }, '"in" is not a valid label selector operator'],
  [{ matchLabels: { 'a b': 'x' } }, `key: Invalid value: "a b": ${NAME_PART_MSG}`],
  [{ matchLabels: { a: 'x y' } }, `values[0][a]: Invalid value: "x y": ${LABEL_VALUE_MSG}`],
  [
    { matchExpressions: [{ key: '-k', operator: 'In', values: [] }] },
    `[key: Invalid value: "-k": ${NAME_PART_MSG}, values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty]`,
  ],
];

t.test('metav1.LabelSelector conversion errors are Kubernetes text', async (t) => {
  for (const [ls, message] of BAD_LABEL_SELECTORS) {
    t.throws(() => selectorFromLabelSelector(ls), { name: 'SelectorParseError', message }, JSON.stringify(ls));
  }
});

t.test('validateLabelSelector reports field causes like ValidateLabelSelector', async (t) => {
  const path = new FieldPath('spec').child('selector');
  t.same(validateLabelSelector(null, path), []);
  t.same(validateLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['a'] }] }, path), []);
  t.same(
    validateLabelSelector(
      {
        matchLabels: { app: '-bad' },
        matchExpressions: [
          { key: 'a', operator: 'In' },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c d', operator: 'Foo', values: ['ok', 'not ok'] },
        ],
      },
      path,
    ),
    [
      { reason: 'FieldValueInvalid', field: 'spec.selector.matchLabels', message: `Invalid value: "-bad": ${LABEL_VALUE_MSG}` },
      {
        reason: 'FieldValueRequired',
        field: 'spec.selector.matchExpressions[0].values',
        message: "Required value: must be specified when `operator` is 'In' or 'NotIn'",
      },
      {
        reason: 'FieldValueForbidden',
        field: 'spec.selector.matchExpressions[1].values',
        message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      },
      { reason: 'FieldValueInvalid', field: 'spec.selector.matchExpressions[2].operator', message: 'Invalid value: "Foo": not a valid selector operator' },
      { reason: 'FieldValueInvalid', field: 'spec.selector.matchExpressions[2].key', message: `Invalid value: "c d": ${NAME_PART_MSG}` },
      { reason: 'FieldValueInvalid', field: 'spec.selector.matchExpressions[2].values[1]', message: `Invalid value: "not ok": ${LABEL_VALUE_MSG}` },
    ],
  );
});

t.test('sets, requirements and exact-match introspection', async (t) => {
  const fromSet = selectorFromSet({ b: '2', a: '1' });
  t.equal(selectorToString(fromSet), 'a=1,b=2');
  t.ok(matches(fromSet, { a: '1', b: '2', c: '3' }));
  t.ok(isEmpty(selectorFromSet({})));
  t.ok(isEmpty(selectorFromSet(undefined)));
  t.throws(() => validatedSelectorFromSet({ 'a b': 'x' }), SelectorParseError);
  t.equal(selectorToString(validatedSelectorFromSet({ a: 'x' })), 'a=x');

  const sel = addRequirements(parseSelector('b=1'), newRequirement('a', 'in', ['y', 'x']));
  t.equal(selectorToString(sel), 'a in (x,y),b=1');
  t.equal(addRequirements(nothing(), newRequirement('a', 'exists', [])), nothing());
  t.throws(() => newRequirement('a', '=', ['x', 'y']), { message: 'values: Invalid value: []string{"x", "y"}: exact-match compatibility requires one single value' });
  t.throws(() => newRequirement('a', 'gt', []), { message: "values: Invalid value: []string(nil): for 'Gt', 'Lt' operators, exactly one value is required" });

  t.equal(requiresExactMatch(parseSelector('app=web,tier in (fe)'), 'app'), 'web');
  t.equal(requiresExactMatch(parseSelector('app=web,tier in (fe)'), 'tier'), 'fe');
  t.equal(requiresExactMatch(parseSelector('tier in (fe,be)'), 'tier'), undefined);
  t.equal(requiresExactMatch(parseSelector('app!=web'), 'app'), undefined);
  t.equal(requiresExactMatch(everything(), 'app'), undefined);
});
