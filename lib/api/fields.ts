// Field selectors exactly as Kubernetes parses, prints and matches them (k8s.io/apimachinery
// pkg/fields), plus the per-kind field sets and supported field labels of the core registries.

/** `=` and `==` mean the same; `!=` also matches when the field is absent (an absent field reads as ""). */
export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

/** An AND of requirements. `matchesNothing` selects no object. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  readonly matchesNothing?: boolean;
}

/** A malformed field selector or an unsupported field label; the message is Kubernetes' text. */
export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSelectorError';
  }
}

const EVERYTHING: FieldSelector = Object.freeze({ requirements: Object.freeze([]) as readonly FieldRequirement[] });
const NOTHING: FieldSelector = Object.freeze({
  requirements: Object.freeze([]) as readonly FieldRequirement[],
  matchesNothing: true,
});

export function everythingFields(): FieldSelector {
  return EVERYTHING;
}

export function nothingFields(): FieldSelector {
  return NOTHING;
}

export function isEmptyFieldSelector(selector: FieldSelector): boolean {
  return !selector.matchesNothing && selector.requirements.length === 0;
}

// ---- escaping ----

/** Escapes `\`, `,` and `=` so any literal can be used as a selector value. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Reverses escapeFieldValue; unknown escapes and bare `,`/`=` are errors, as in Kubernetes. */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let inSlash = false;
  for (const c of value) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') {
        out += c;
        inSlash = false;
        continue;
      }
      throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
    }
    if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Kubernetes prints the rune with %v, i.e. as its code point number.
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

// ---- parsing ----

/** Splits on commas that are not escaped; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const TERM_OPERATORS: readonly FieldOperator[] = ['!=', '==', '='];

/** Splits a term at its first operator; the field part has no escaping. */
function splitTerm(term: string): { field: string; operator: FieldOperator; rawValue: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const operator of TERM_OPERATORS) {
      if (term.startsWith(operator, i)) return { field: term.slice(0, i), operator, rawValue: term.slice(i + operator.length) };
    }
  }
  return undefined;
}

/** Go sorts the terms as byte strings; compare UTF-8 so non-ASCII orders the same way. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Parses `?fieldSelector=` / `kubectl --field-selector` text: comma-separated `field=value`,
 * `field==value` or `field!=value`, values escaped with backslashes (`\,` `\=` `\\`). The empty
 * string selects everything. Terms come out sorted by their text, as Kubernetes orders them.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  if (typeof selector !== 'string') throw new FieldSelectorError(`field selector must be a string, got ${typeof selector}`);
  const terms = splitTerms(selector).sort(compareUtf8);
  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const value = unescapeFieldValue(parts.rawValue);
    // A bare "=" selects everything, like an empty term.
    if (parts.field === '' && value === '') continue;
    requirements.push(Object.freeze({ field: parts.field, operator: parts.operator, value }));
  }
  return requirements.length === 0 ? EVERYTHING : Object.freeze({ requirements: Object.freeze(requirements) });
}

/** Kubernetes' text form: `field=value` (for `=` and `==`) or `field!=value`, values escaped, joined by ','. */
export function fieldSelectorToString(selector: FieldSelector): string {
  return selector.requirements
    .map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`)
    .join(',');
}

/** A selector requiring exactly these fields (Kubernetes' fields.SelectorFromSet). */
export function fieldSelectorFromSet(fields: Record<string, string> | undefined | null): FieldSelector {
  if (!fields) return EVERYTHING;
  const requirements = Object.keys(fields).map((field) => Object.freeze({ field, operator: '=' as const, value: fields[field]! }));
  return requirements.length === 0 ? EVERYTHING : Object.freeze({ requirements: Object.freeze(requirements) });
}

// ---- matching ----

/** True when every requirement holds; a field that is absent counts as "". */
export function matchesFields(selector: FieldSelector, fields: Record<string, string>): boolean {
  if (selector.matchesNothing) return false;
  return selector.requirements.every((r) => {
    const actual = Object.prototype.hasOwnProperty.call(fields, r.field) ? (fields[r.field] ?? '') : '';
    return r.operator === '!=' ? actual !== r.value : actual === r.value;
  });
}

/** If the selector pins `field` to one value with `=`/`==`, returns it (for serving a list from an index). */
export function requiresExactFieldMatch(selector: FieldSelector, field: string): string | undefined {
  for (const r of selector.requirements) {
    if (r.field === field && r.operator !== '!=') return r.value;
  }
  return undefined;
}

// ---- field sets by kind ----

type Obj = Record<string, unknown>;

function record(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function intText(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(Math.trunc(v)) : '0';
}

function boolText(v: unknown): string {
  return v === true ? 'true' : 'false';
}

/**
 * The selectable fields of an object, as the apiserver's registries compute them: metadata.name and
 * metadata.namespace for every kind, plus the kind's own fields. `kind` defaults to `obj.kind`.
 */
export function fieldSetFor(obj: unknown, kind?: string): Record<string, string> {
  const o = record(obj);
  const metadata = record(o.metadata);
  const spec = record(o.spec);
  const status = record(o.status);
  const set: Record<string, string> = {
    'metadata.name': str(metadata.name),
    'metadata.namespace': str(metadata.namespace),
  };
  switch (kind ?? str(o.kind)) {
    case 'Pod': {
      const podIPs = Array.isArray(status.podIPs) ? status.podIPs : [];
      set['spec.nodeName'] = str(spec.nodeName);
      set['spec.restartPolicy'] = str(spec.restartPolicy);
      set['spec.schedulerName'] = str(spec.schedulerName);
      set['spec.serviceAccountName'] = str(spec.serviceAccountName);
      set['spec.hostNetwork'] = boolText(spec.hostNetwork);
      set['status.phase'] = str(status.phase);
      // The primary IP is podIPs[0]; status.podIP mirrors it in v1 objects.
      set['status.podIP'] = str(record(podIPs[0]).ip) || str(status.podIP);
      set['status.nominatedNodeName'] = str(status.nominatedNodeName);
      break;
    }
    case 'Event': {
      const involved = record(o.involvedObject);
      const source = str(record(o.source).component) || str(o.reportingComponent);
      set['involvedObject.kind'] = str(involved.kind);
      set['involvedObject.namespace'] = str(involved.namespace);
      set['involvedObject.name'] = str(involved.name);
      set['involvedObject.uid'] = str(involved.uid);
      set['involvedObject.apiVersion'] = str(involved.apiVersion);
      set['involvedObject.resourceVersion'] = str(involved.resourceVersion);
      set['involvedObject.fieldPath'] = str(involved.fieldPath);
      set['reason'] = str(o.reason);
      set['reportingComponent'] = str(o.reportingComponent);
      set['source'] = source;
      set['type'] = str(o.type);
      break;
    }
    case 'Secret':
      set['type'] = str(o.type);
      break;
    case 'Namespace':
      set['status.phase'] = str(status.phase);
      break;
    case 'Node':
      set['spec.unschedulable'] = boolText(spec.unschedulable);
      break;
    case 'ReplicaSet':
    case 'ReplicationController':
      set['status.replicas'] = intText(status.replicas);
      break;
    case 'Job':
      set['status.successful'] = intText(status.succeeded);
      break;
    case 'Service':
      set['spec.clusterIP'] = str(spec.clusterIP);
      set['spec.type'] = str(spec.type);
      break;
  }
  return set;
}

// ---- supported field labels by kind ----

interface FieldLabelRule {
  readonly supported: readonly string[];
  readonly renamed?: Readonly<Record<string, string>>;
  readonly unsupported: (label: string) => string;
}

const META_ONLY: FieldLabelRule = {
  supported: ['metadata.name', 'metadata.namespace'],
  unsupported: (label) => `${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

const coreUnsupported = (label: string): string => `field label not supported: ${label}`;

// The conversion functions the core/v1 and batch/v1 schemes register; every other kind (apps/v1
// ReplicaSet included, which registers none) accepts only metadata.name and metadata.namespace.
const FIELD_LABEL_RULES: Readonly<Record<string, FieldLabelRule>> = {
  Pod: {
    supported: [
      'metadata.name',
      'metadata.namespace',
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ],
    // Old v1 clients send spec.host.
    renamed: { 'spec.host': 'spec.nodeName' },
    unsupported: coreUnsupported,
  },
  Node: { supported: ['metadata.name', 'spec.unschedulable'], unsupported: coreUnsupported },
  ReplicationController: { supported: ['metadata.name', 'metadata.namespace', 'status.replicas'], unsupported: coreUnsupported },
  Event: {
    supported: [
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
      'metadata.namespace',
      'metadata.name',
    ],
    unsupported: coreUnsupported,
  },
  Namespace: { supported: ['status.phase', 'metadata.name'], unsupported: coreUnsupported },
  Secret: { supported: ['type', 'metadata.namespace', 'metadata.name'], unsupported: coreUnsupported },
  Service: {
    supported: ['metadata.namespace', 'metadata.name', 'spec.clusterIP', 'spec.type'],
    unsupported: coreUnsupported,
  },
  Job: {
    supported: ['metadata.name', 'metadata.namespace', 'status.successful'],
    unsupported: (label) => `field label ${JSON.stringify(label)} not supported for batchv1.Job`,
  },
};

function ruleFor(kind: string): FieldLabelRule {
  return Object.prototype.hasOwnProperty.call(FIELD_LABEL_RULES, kind) ? FIELD_LABEL_RULES[kind]! : META_ONLY;
}

/** The field labels the apiserver accepts in a field selector for this kind. */
export function supportedFieldsFor(kind: string): readonly string[] {
  return ruleFor(kind).supported;
}

/** Kubernetes' rejection message for an unsupported field label of this kind, or undefined when it is supported. */
export function fieldLabelError(kind: string, label: string): string | undefined {
  const rule = ruleFor(kind);
  if (rule.supported.includes(label) || rule.renamed?.[label] !== undefined) return undefined;
  return rule.unsupported(label);
}

/**
 * Checks every field label against the kind (and applies the renames Kubernetes does, e.g. Pod
 * spec.host → spec.nodeName). Throws FieldSelectorError with Kubernetes' message on the first
 * unsupported label.
 */
export function convertFieldSelector(kind: string, selector: FieldSelector): FieldSelector {
  if (selector.matchesNothing || selector.requirements.length === 0) return selector;
  const rule = ruleFor(kind);
  const requirements = selector.requirements.map((r) => {
    const renamed = rule.renamed?.[r.field];
    if (renamed !== undefined) return Object.freeze({ ...r, field: renamed });
    if (!rule.supported.includes(r.field)) throw new FieldSelectorError(rule.unsupported(r.field));
    return r;
  });
  return Object.freeze({ requirements: Object.freeze(requirements) });
}
