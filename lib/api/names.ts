// Name and key validation with the exact messages of Kubernetes 1.32
// (k8s.io/apimachinery/pkg/util/validation, pkg/api/validation, pkg/apis/meta/v1/validation).
// Every `is…` check returns a list of error strings; an empty list means valid.
// Lengths are counted in UTF-8 bytes, as Go's len() does.

import { fieldError, FieldPath, type StatusCause } from './field-errors.js';

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** "must be no more than N characters" (the wording Kubernetes uses even though it counts bytes). */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** Kubernetes' RegexError: `msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')` — the doubled space is theirs. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let out = `${msg} (e.g. `;
  examples.forEach((example, i) => {
    if (i > 0) out += ' or ';
    out += `'${example}', `;
  });
  return `${out}regex used for validation is '${fmt}')`;
}

export function emptyError(): string {
  return 'must be non-empty';
}

export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

function anchored(fmt: string): RegExp {
  return new RegExp(`^(?:${fmt})$`);
}

// ---- qualified names (label keys, annotation keys, finalizers) ----

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameMaxLength = 63;
const qualifiedNameRegexp = anchored(qualifiedNameFmt);

/** A "qualified name": optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) {
      errs.push(`prefix part ${emptyError()}`);
    } else {
      for (const msg of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${msg}`);
    }
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) {
    errs.push(`name part ${emptyError()}`);
  } else if (byteLength(name) > qualifiedNameMaxLength) {
    errs.push(`name part ${maxLenError(qualifiedNameMaxLength)}`);
  }
  if (!qualifiedNameRegexp.test(name)) {
    errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

// ---- label values ----

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const LABEL_VALUE_MAX_LENGTH = 63;
const labelValueRegexp = anchored(labelValueFmt);

/** A label value: empty, or at most 63 characters of [-A-Za-z0-9_.] starting and ending alphanumeric. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRegexp.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

// ---- DNS names ----

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const DNS1123_LABEL_MAX_LENGTH = 63;
const dns1123LabelRegexp = anchored(dns1123LabelFmt);

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRegexp.test(value)) errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  return errs;
}

const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
const dns1123SubdomainRegexp = anchored(dns1123SubdomainFmt);

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRegexp.test(value)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
export const DNS1035_LABEL_MAX_LENGTH = 63;
const dns1035LabelRegexp = anchored(dns1035LabelFmt);

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!dns1035LabelRegexp.test(value)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}

// ---- identifiers, ports, env vars, config keys ----

const cIdentifierFmt = '[A-Za-z_][A-Za-z0-9_]*';
const cIdentifierErrMsg =
  "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";
const cIdentifierRegexp = anchored(cIdentifierFmt);

/** A C identifier (format only, no length limit). */
export function isCIdentifier(value: string): string[] {
  if (cIdentifierRegexp.test(value)) return [];
  return [regexError(cIdentifierErrMsg, cIdentifierFmt, 'my_name', 'MY_NAME', 'MyName')];
}

/** A port number 1..65535. */
export function isValidPortNum(port: number): string[] {
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return [];
  return [inclusiveRangeError(1, 65535)];
}

export function isInRange(value: number, min: number, max: number): string[] {
  if (value >= min && value <= max) return [];
  return [inclusiveRangeError(min, max)];
}

const portNameCharsetRegexp = /^[-a-z0-9]+$/;
const portNameOneLetterRegexp = /[a-z]/;

/** An IANA_SVC_NAME: 1..15 of [-a-z0-9], at least one letter, no leading/trailing/double hyphens. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!portNameCharsetRegexp.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!portNameOneLetterRegexp.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

function hasChDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

const envVarNameFmt = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const envVarNameErrMsg =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
const envVarNameRegexp = anchored(envVarNameFmt);

/** A container environment variable name (Kubernetes' IsEnvVarName). */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!envVarNameRegexp.test(value)) {
    errs.push(regexError(envVarNameErrMsg, envVarNameFmt, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  }
  errs.push(...hasChDirPrefix(value));
  return errs;
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const configMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const configMapKeyRegexp = anchored(configMapKeyFmt);

/** A key of a ConfigMap's or Secret's data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!configMapKeyRegexp.test(value)) errs.push(regexError(configMapKeyErrMsg, configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

const percentFmt = '[0-9]+%';
const percentErrMsg = "a valid percent string must be a numeric string followed by an ending '%'";
const percentRegexp = anchored(percentFmt);

export function isValidPercent(percent: string): string[] {
  if (percentRegexp.test(percent)) return [];
  return [regexError(percentErrMsg, percentFmt, '1%', '93%')];
}

// ---- object names by kind ----

/**
 * Checks an object's name (prefix=false) or generateName (prefix=true). A generateName may end in
 * '-' because random characters follow; Kubernetes masks that by replacing the last two characters
 * with "a" (sic: it drops one character), and so do we.
 */
export type ValidateNameFunc = (name: string, prefix: boolean) => string[];

function maskTrailingDash(name: string): string {
  if (name.length > 1 && name.endsWith('-')) return `${name.slice(0, -2)}a`;
  return name;
}

/** Names of most kinds (ConfigMap, Deployment, Pod, …): a DNS-1123 subdomain, at most 253. */
export const nameIsDNSSubdomain: ValidateNameFunc = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

/** Names of Namespaces and other label-named kinds: a DNS-1123 label, at most 63. */
export const nameIsDNSLabel: ValidateNameFunc = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** Names of Services: a DNS-1035 label (starts with a letter), at most 63. */
export const nameIsDNS1035Label: ValidateNameFunc = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

export const validateNamespaceName: ValidateNameFunc = nameIsDNSLabel;
export const validateServiceAccountName: ValidateNameFunc = nameIsDNSSubdomain;

// ---- labels and annotations of an object ----

function sortedEntries(map: Record<string, unknown>): [string, unknown][] {
  return Object.keys(map)
    .sort()
    .map((k) => [k, map[k]]);
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Causes for a qualified-name key (label key, selector key, finalizer). */
export function validateLabelName(name: string, fieldPath: FieldPath): StatusCause[] {
  return isQualifiedName(name).map((msg) => fieldError.invalid(fieldPath.toString(), name, msg));
}

/** metadata.labels: keys are qualified names, values are label values; errors name the map's path as Kubernetes does. */
export function validateLabels(labels: unknown, fieldPath: FieldPath): StatusCause[] {
  const field = fieldPath.toString();
  if (labels === undefined || labels === null) return [];
  if (!isPlainRecord(labels)) return [fieldError.typeInvalid(field, labels, 'must be a map of string keys to string values')];
  const causes: StatusCause[] = [];
  for (const [key, value] of sortedEntries(labels)) {
    causes.push(...validateLabelName(key, fieldPath));
    if (typeof value !== 'string') {
      causes.push(fieldError.typeInvalid(fieldPath.key(key).toString(), value, 'must be a string'));
      continue;
    }
    for (const msg of isValidLabelValue(value)) causes.push(fieldError.invalid(field, value, msg));
  }
  return causes;
}

/** Total bytes of annotation keys plus values that an object may carry. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

/** metadata.annotations: keys are qualified names (case-insensitive), and keys+values total at most 256 KiB. */
export function validateAnnotations(annotations: unknown, fieldPath: FieldPath): StatusCause[] {
  const field = fieldPath.toString();
  if (annotations === undefined || annotations === null) return [];
  if (!isPlainRecord(annotations)) {
    return [fieldError.typeInvalid(field, annotations, 'must be a map of string keys to string values')];
  }
  const causes: StatusCause[] = [];
  let totalSize = 0;
  for (const [key, value] of sortedEntries(annotations)) {
    for (const msg of isQualifiedName(key.toLowerCase())) causes.push(fieldError.invalid(field, key, msg));
    totalSize += byteLength(key);
    if (typeof value !== 'string') {
      causes.push(fieldError.typeInvalid(fieldPath.key(key).toString(), value, 'must be a string'));
      continue;
    }
    totalSize += byteLength(value);
  }
  if (totalSize > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
    causes.push(fieldError.tooLong(field, '', TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  }
  return causes;
}

// ---- generateName ----

const MAX_NAME_LENGTH = 63;
const RANDOM_LENGTH = 5;
/** The longest generateName base that is kept whole; longer bases are cut to this. */
export const MAX_GENERATED_NAME_LENGTH = MAX_NAME_LENGTH - RANDOM_LENGTH;
// No vowels (no accidental words) and no look-alikes (0/1/3): Kubernetes' util/rand alphabet.
const RANDOM_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Kubernetes' SimpleNameGenerator: `base` (cut to 58 characters) plus 5 random characters.
 * `random` returns numbers in [0, 1), like Math.random; out-of-range results are clamped.
 */
export function generateName(base: string, random: () => number): string {
  const kept = base.length > MAX_GENERATED_NAME_LENGTH ? base.slice(0, MAX_GENERATED_NAME_LENGTH) : base;
  let suffix = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) {
    const r = random();
    const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
    suffix += RANDOM_ALPHABET[Math.floor(unit * RANDOM_ALPHABET.length)]!;
  }
  return kept + suffix;
}
