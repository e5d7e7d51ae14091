// Label selectors exactly as Kubernetes parses, prints and matches them (k8s.io/apimachinery
// pkg/labels and metav1.LabelSelectorAsSelector). Error messages are Kubernetes' own text, because
// the apiserver hands them to clients verbatim.

import { fieldError, FieldPath, type StatusCause } from './field-errors.js';
import { isQualifiedName, isValidLabelValue, validateLabelName, validateLabels } from './names.js';

/** `=`/`==` exact match, `!=`, set-based `in`/`notin`, `exists` (bare key), `!` (key absent), `gt`/`lt` (integers). */
export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** An AND of requirements, sorted by key. `matchesNothing` is the "null selector" that selects no object. */
export interface Selector {
  readonly requirements: readonly Requirement[];
  readonly matchesNothing?: boolean;
}

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** metav1.LabelSelector as it appears in objects (spec.selector, affinity terms, …). */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] | null }> | null;
}

/** A selector that is malformed or does not validate. `position` and `token` locate the problem in parsed text. */
export class SelectorParseError extends Error {
  constructor(
    message: string,
    readonly position?: number,
    readonly token?: string,
  ) {
    super(message);
    this.name = 'SelectorParseError';
  }
}

const EVERYTHING: Selector = Object.freeze({ requirements: Object.freeze([]) as readonly Requirement[] });
const NOTHING: Selector = Object.freeze({ requirements: Object.freeze([]) as readonly Requirement[], matchesNothing: true });

/** Matches every label set (the empty selector). */
export function everything(): Selector {
  return EVERYTHING;
}

/** Matches no label set (what a missing metav1.LabelSelector means). */
export function nothing(): Selector {
  return NOTHING;
}

/** True when the selector does not restrict anything; the nothing-selector is not empty. */
export function isEmpty(selector: Selector): boolean {
  return !selector.matchesNothing && selector.requirements.length === 0;
}

// ---- requirements ----

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'] as const;
const ALL_OPERATORS: readonly string[] = [...BINARY_OPERATORS, 'exists', '!'];

/** Go's %#v of a []string, which Kubernetes prints for bad value lists. */
function goStringSlice(values: readonly string[]): string {
  if (values.length === 0) return '[]string(nil)';
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** One field.Error rendered as Go's Error(): `path: Invalid value: "x": detail`. */
function invalidText(path: string, renderedValue: string, detail: string): string {
  return `${path}: Invalid value: ${renderedValue}: ${detail}`;
}

/** Go's aggregate error text: one error alone, several as `[a, b]` without repeats. */
function aggregateText(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

function isGoInt64(s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

// A nil path prints as "<nil>" in Kubernetes' messages; we use the empty string for "no path".
function pathText(base: string, child?: string): string {
  if (child === undefined) return base === '' ? '<nil>' : base;
  return base === '' ? child : `${base}.${child}`;
}

/** Error texts for one requirement, as Kubernetes' NewRequirement reports them. */
function requirementErrors(key: string, operator: string, values: readonly string[], path: string): string[] {
  const errs: string[] = [];
  const keyMsgs = isQualifiedName(key);
  if (keyMsgs.length > 0) errs.push(invalidText(pathText(path, 'key'), JSON.stringify(key), keyMsgs.join('; ')));
  const valuesPath = pathText(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        errs.push(invalidText(valuesPath, goStringSlice(values), "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        errs.push(invalidText(valuesPath, goStringSlice(values), 'exact-match compatibility requires one single value'));
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errs.push(invalidText(valuesPath, goStringSlice(values), 'values set must be empty for exists and does not exist'));
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errs.push(invalidText(valuesPath, goStringSlice(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      values.forEach((v, i) => {
        if (!isGoInt64(v)) {
          errs.push(invalidText(`${valuesPath}[${i}]`, JSON.stringify(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(
        `${pathText(path, 'operator')}: Unsupported value: ${JSON.stringify(operator)}: supported values: ` +
          ALL_OPERATORS.map((o) => JSON.stringify(o)).join(', '),
      );
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(invalidText(`${valuesPath}[${i}][${key}]`, JSON.stringify(v), msgs.join('; ')));
  });
  return errs;
}

/**
 * Builds a validated requirement (Kubernetes' labels.NewRequirement); throws SelectorParseError
 * with Kubernetes' message when the key, operator or values are not acceptable.
 */
export function newRequirement(key: string, operator: SelectorOperator, values: readonly string[], path = ''): Requirement {
  const errs = requirementErrors(key, operator, values, path);
  if (errs.length > 0) throw new SelectorParseError(aggregateText(errs));
  return Object.freeze({ key, operator, values: Object.freeze([...values]) });
}

function byKey(a: Requirement, b: Requirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function selectorOf(requirements: Requirement[]): Selector {
  // Array.prototype.sort is stable, so equal keys keep their order, as Kubernetes' sort does here.
  return Object.freeze({ requirements: Object.freeze(requirements.sort(byKey)) });
}

/** Adds requirements to a selector, keeping them sorted by key. Adding to the nothing-selector keeps nothing. */
export function addRequirements(selector: Selector, ...requirements: Requirement[]): Selector {
  if (selector.matchesNothing) return selector;
  return selectorOf([...selector.requirements, ...requirements]);
}

// ---- matching ----

function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(value as string);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(value as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || r.values.length !== 1 || !isGoInt64(value as string) || !isGoInt64(r.values[0]!)) return false;
      const actual = BigInt(value as string);
      const bound = BigInt(r.values[0]!);
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

/** True when every requirement holds for the labels; missing labels match `!=`, `notin` and `!`. */
export function matches(selector: Selector, labels: Record<string, string> | undefined | null): boolean {
  if (selector.matchesNothing) return false;
  const set = labels ?? {};
  return selector.requirements.every((r) => requirementMatches(r, set));
}

/**
 * If the selector pins `key` to one value (`=`, `==` or a one-value `in`), returns it — what the
 * apiserver uses to serve a list from an index.
 */
export function requiresExactMatch(selector: Selector, key: string): string | undefined {
  for (const r of selector.requirements) {
    if (r.key !== key) continue;
    if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
    return undefined;
  }
  return undefined;
}

// ---- printing ----

function requirementToString(r: Requirement): string {
  let out = r.operator === '!' ? `!${r.key}` : r.key;
  switch (r.operator) {
    case 'exists':
    case '!':
      return out;
    case 'in':
      out += ' in ';
      break;
    case 'notin':
      out += ' notin ';
      break;
    case 'gt':
      out += '>';
      break;
    case 'lt':
      out += '<';
      break;
    default:
      out += r.operator;
  }
  // Value order is normalised on output only, like Kubernetes.
  const values = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${out}(${values})` : out + values;
}

/** The canonical text form: requirements sorted by key, joined by ','. Empty and nothing both print "". */
export function selectorToString(selector: Selector): string {
  return selector.requirements.map(requirementToString).join(',');
}

// ---- parsing (the `-l` / labelSelector syntax) ----

type TokenKind =
  | 'eos'
  | 'closedPar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Token {
  kind: TokenKind;
  literal: string;
  position: number;
}

const LITERAL_TOKENS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  [')', 'closedPar'],
  [',', 'comma'],
  ['!', 'doesNotExist'],
  ['==', 'doubleEquals'],
  ['=', 'equals'],
  ['>', 'greaterThan'],
  ['in', 'in'],
  ['<', 'lessThan'],
  ['!=', 'notEquals'],
  ['notin', 'notIn'],
  ['(', 'openPar'],
]);

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecialSymbol(ch: string): boolean {
  return ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';
}

/** Splits selector text into tokens the way Kubernetes' lexer does (longest operator match, keywords by text). */
function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  // Each iteration consumes at least one character or ends, so input.length + 1 bounds the loop.
  for (let guard = 0; guard <= input.length; guard++) {
    while (pos < input.length && isWhitespace(input[pos]!)) pos++;
    const start = pos;
    if (pos >= input.length) {
      tokens.push({ kind: 'eos', literal: '', position: start });
      return tokens;
    }
    if (isSpecialSymbol(input[pos]!)) {
      let buffer = '';
      let last: TokenKind | undefined;
      let lastLiteral = '';
      while (pos < input.length && isSpecialSymbol(input[pos]!)) {
        buffer += input[pos];
        const kind = LITERAL_TOKENS.get(buffer);
        if (kind) {
          last = kind;
          lastLiteral = buffer;
          pos++;
        } else if (last) {
          break;
        } else {
          pos++;
        }
      }
      // Every single special character is itself a token, so `last` is always set here.
      tokens.push({ kind: last ?? 'identifier', literal: lastLiteral || buffer, position: start });
      continue;
    }
    while (pos < input.length && !isSpecialSymbol(input[pos]!) && !isWhitespace(input[pos]!)) pos++;
    const word = input.slice(start, pos);
    tokens.push({ kind: LITERAL_TOKENS.get(word) ?? 'identifier', literal: word, position: start });
  }
  tokens.push({ kind: 'eos', literal: '', position: input.length });
  return tokens;
}

type Context = 'keyAndOperator' | 'values';

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly path: string,
  ) {}

  // In value context the keywords `in`/`notin` are ordinary identifiers (`x in (in)`).
  private view(token: Token, context: Context): Token {
    if (context === 'values' && (token.kind === 'in' || token.kind === 'notIn')) return { ...token, kind: 'identifier' };
    return token;
  }

  private lookahead(context: Context): Token {
    return this.view(this.tokens[Math.min(this.position, this.tokens.length - 1)]!, context);
  }

  private consume(context: Context): Token {
    const token = this.lookahead(context);
    if (this.position < this.tokens.length - 1) this.position++;
    return token;
  }

  private fail(message: string, token: Token): never {
    throw new SelectorParseError(message, token.position, token.literal);
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    // Each requirement consumes at least one token, so the token count bounds the loop.
    for (let guard = 0; guard <= this.tokens.length; guard++) {
      const token = this.lookahead('values');
      if (token.kind === 'eos') return requirements;
      if (token.kind !== 'identifier' && token.kind !== 'doesNotExist') {
        this.fail(`found '${token.literal}', expected: !, identifier, or 'end of string'`, token);
      }
      requirements.push(this.parseRequirement());
      const after = this.consume('values');
      if (after.kind === 'eos') return requirements;
      if (after.kind !== 'comma') this.fail(`found '${after.literal}', expected: ',' or 'end of string'`, after);
      const next = this.lookahead('values');
      if (next.kind !== 'identifier' && next.kind !== 'doesNotExist') {
        this.fail(`found '${next.literal}', expected: identifier after ','`, next);
      }
    }
    return requirements;
  }

  private requirementFail(message: string, token: Token): never {
    this.fail(`unable to parse requirement: ${message}`, token);
  }

  private parseRequirement(): Requirement {
    let keyToken = this.consume('values');
    let operator: SelectorOperator | undefined;
    if (keyToken.kind === 'doesNotExist') {
      operator = '!';
      keyToken = this.consume('values');
    }
    if (keyToken.kind !== 'identifier') this.requirementFail(`found '${keyToken.literal}', expected: identifier`, keyToken);
    const key = keyToken.literal;
    const keyMsgs = isQualifiedName(key);
    if (keyMsgs.length > 0) {
      this.requirementFail(invalidText(pathText(this.path), JSON.stringify(key), keyMsgs.join('; ')), keyToken);
    }
    const next = this.lookahead('values');
    if (next.kind === 'eos' || next.kind === 'comma') {
      if (operator !== '!') operator = 'exists';
    }
    if (operator === 'exists' || operator === '!') return this.build(key, operator, [], keyToken);

    const opToken = this.consume('keyAndOperator');
    const op = OPERATOR_TOKENS.get(opToken.kind);
    if (!op) this.requirementFail(`found '${opToken.literal}', expected: ${BINARY_OPERATORS.join(', ')}`, opToken);
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return this.build(key, op, values, keyToken);
  }

  private build(key: string, operator: SelectorOperator, values: string[], at: Token): Requirement {
    const errs = requirementErrors(key, operator, values, this.path);
    if (errs.length > 0) this.requirementFail(aggregateText(errs), at);
    return Object.freeze({ key, operator, values: Object.freeze(values) });
  }

  // Set semantics as Kubernetes: values come back sorted and without repeats.
  private static asSet(values: Iterable<string>): string[] {
    return [...new Set(values)].sort();
  }

  private parseValues(): string[] {
    const open = this.consume('values');
    if (open.kind !== 'openPar') this.requirementFail(`found '${open.literal}' expected: '('`, open);
    const first = this.lookahead('values');
    if (first.kind === 'closedPar') {
      this.consume('values');
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== 'comma') {
      this.requirementFail(`found '${first.literal}', expected: ',', ')' or identifier`, first);
    }
    const values = this.parseIdentifiersList();
    const close = this.consume('values');
    // Kubernetes names the first value token here, not the one that is wrong.
    if (close.kind !== 'closedPar') this.requirementFail(`found '${first.literal}', expected: ')'`, close);
    return values;
  }

  private parseIdentifiersList(): string[] {
    const values = new Set<string>();
    for (let guard = 0; guard <= this.tokens.length; guard++) {
      const token = this.consume('values');
      if (token.kind === 'identifier') {
        values.add(token.literal);
        const next = this.lookahead('values');
        if (next.kind === 'comma') continue;
        if (next.kind === 'closedPar') return Parser.asSet(values);
        this.requirementFail(`found '${next.literal}', expected: ',' or ')'`, next);
      } else if (token.kind === 'comma') {
        // An empty value between commas or next to a parenthesis is the empty string.
        if (values.size === 0) values.add('');
        const next = this.lookahead('values');
        if (next.kind === 'closedPar') {
          values.add('');
          return Parser.asSet(values);
        }
        if (next.kind === 'comma') {
          this.consume('values');
          values.add('');
        }
      } else {
        this.requirementFail(`found '${token.literal}', expected: ',', or identifier`, token);
      }
    }
    return Parser.asSet(values);
  }

  private parseExactValue(): string[] {
    const next = this.lookahead('values');
    if (next.kind === 'eos' || next.kind === 'comma') return [''];
    const token = this.consume('values');
    if (token.kind === 'identifier') return [token.literal];
    this.requirementFail(`found '${token.literal}', expected: identifier`, token);
  }
}

const OPERATOR_TOKENS: ReadonlyMap<TokenKind, SelectorOperator> = new Map<TokenKind, SelectorOperator>([
  ['in', 'in'],
  ['equals', '='],
  ['doubleEquals', '=='],
  ['greaterThan', 'gt'],
  ['lessThan', 'lt'],
  ['notIn', 'notin'],
  ['notEquals', '!='],
]);

/**
 * Parses the label selector syntax of `kubectl -l` and `?labelSelector=`:
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma-separated.
 * The empty string selects everything. Throws SelectorParseError with Kubernetes' message.
 * `path` names the field in messages (Kubernetes prints "<nil>" when there is none).
 */
export function parseSelector(text: string, path = ''): Selector {
  if (typeof text !== 'string') throw new SelectorParseError(`label selector must be a string, got ${typeof text}`);
  return selectorOf(new Parser(lex(text), path).parse());
}

/** A selector requiring exactly these labels, without validation (Kubernetes' SelectorFromSet). Empty → everything. */
export function selectorFromSet(labels: Record<string, string> | undefined | null): Selector {
  if (!labels) return EVERYTHING;
  return selectorOf(Object.keys(labels).map((key) => Object.freeze({ key, operator: '=' as const, values: Object.freeze([labels[key]!]) })));
}

/** Like selectorFromSet, but validates keys and values and throws SelectorParseError. */
export function validatedSelectorFromSet(labels: Record<string, string> | undefined | null): Selector {
  if (!labels) return EVERYTHING;
  return selectorOf(Object.keys(labels).sort().map((key) => newRequirement(key, '=', [labels[key]!])));
}

// ---- metav1.LabelSelector ----

const LABEL_SELECTOR_OPERATORS: Readonly<Record<string, SelectorOperator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Converts a metav1.LabelSelector (Kubernetes' LabelSelectorAsSelector): a missing selector matches
 * nothing, an empty one matches everything. Invalid keys, values or operators throw SelectorParseError.
 */
export function selectorFromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls === null || ls === undefined) return NOTHING;
  const matchLabels = ls.matchLabels ?? {};
  const expressions = ls.matchExpressions ?? [];
  const labelKeys = Object.keys(matchLabels).sort();
  if (labelKeys.length + expressions.length === 0) return EVERYTHING;
  const requirements: Requirement[] = [];
  for (const key of labelKeys) requirements.push(newRequirement(key, '=', [String(matchLabels[key])]));
  for (const expr of expressions) {
    const op = LABEL_SELECTOR_OPERATORS[expr?.operator as string];
    if (!op) throw new SelectorParseError(`${JSON.stringify(String(expr?.operator ?? ''))} is not a valid label selector operator`);
    requirements.push(newRequirement(String(expr.key ?? ''), op, (expr.values ?? []).map(String)));
  }
  return selectorOf(requirements);
}

/** What `kubectl describe` prints for a selector: its text, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  try {
    const text = selectorToString(selectorFromLabelSelector(ls));
    return text === '' ? '<none>' : text;
  } catch {
    return '<error>';
  }
}

/**
 * Validates a metav1.LabelSelector in an object (Kubernetes' ValidateLabelSelector): matchLabels like
 * metadata.labels, and each expression's operator, key and values.
 */
export function validateLabelSelector(ls: LabelSelector | null | undefined, fieldPath: FieldPath): StatusCause[] {
  if (ls === null || ls === undefined) return [];
  const causes: StatusCause[] = [...validateLabels(ls.matchLabels, fieldPath.child('matchLabels'))];
  const expressions = ls.matchExpressions ?? [];
  if (!Array.isArray(expressions)) {
    return [...causes, fieldError.typeInvalid(fieldPath.child('matchExpressions').toString(), expressions, 'must be a list')];
  }
  expressions.forEach((expr, i) => {
    const path = fieldPath.child('matchExpressions').index(i);
    const values = Array.isArray(expr?.values) ? expr.values : [];
    const valuesPath = path.child('values');
    switch (expr?.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) causes.push(fieldError.required(valuesPath.toString(), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          causes.push(fieldError.forbidden(valuesPath.toString(), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
        break;
      default:
        causes.push(fieldError.invalid(path.child('operator').toString(), expr?.operator ?? '', 'not a valid selector operator'));
    }
    causes.push(...validateLabelName(typeof expr?.key === 'string' ? expr.key : '', path.child('key')));
    values.forEach((value, j) => {
      if (typeof value !== 'string') {
        causes.push(fieldError.typeInvalid(valuesPath.index(j).toString(), value, 'must be a string'));
        return;
      }
      for (const msg of isValidLabelValue(value)) causes.push(fieldError.invalid(valuesPath.index(j).toString(), value, msg));
    });
  });
  return causes;
}
