// Structural validation against the Kubernetes OpenAPI definitions, using the ajv validators that
// kubernetes-models ships precompiled (one module per definition under _schemas/). They check
// types, required fields, enums and formats (int32, quantity, …) — not unknown fields, and none of
// the semantic rules in ./validation/.
//
// Errors are reported the way the apiserver reports OpenAPI schema failures (kube-openapi wording,
// as seen for custom resources), e.g.
//   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
//   spec.template.spec.containers[0].name: Required value
//   spec.ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"
// The quoted "Invalid value" of a type error is the JSON type that was found, as Kubernetes prints it.
//
// Run it after applyDefaults, as the last step before semantic validation (../validation): the
// OpenAPI definitions mark some fields required that defaulting fills in (a RoleBinding's
// roleRef.apiGroup), and the real apiserver, which never checks native objects against OpenAPI,
// defaults before it validates.
//
// The validator modules are loaded lazily, one dynamic import per kind on first use, and cached:
// importing all ~1700 definitions would cost seconds at startup. _schemas/ is not in the package's
// "exports", so we locate it next to the package entry point and import it by file URL.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeValue, fieldError, type StatusCause } from './field-errors.js';
import { apiVersionOf, parseApiVersion, RESOURCES } from './registry.js';

/** One ajv error object, as the precompiled validators produce (no messages: ajv's `messages: false`). */
export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
}

export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

// Bodies of subresources whose names do not follow from the parent resource.
const EXTRA_KINDS: Record<string, string> = {
  'autoscaling/v1/Scale': 'IoK8sApiAutoscalingV1Scale',
  'v1/Binding': 'IoK8sApiCoreV1Binding',
  'policy/v1/Eviction': 'IoK8sApiPolicyV1Eviction',
  'v1/PodExecOptions': 'IoK8sApiCoreV1PodExecOptions',
};

/**
 * The name of the generated definition for apiVersion+kind: core/v1 Pod → IoK8sApiCoreV1Pod,
 * rbac.authorization.k8s.io/v1 Role → IoK8sApiRbacV1Role (the first label of the group).
 */
export function schemaNameFor(apiVersion: string, kind: string): string {
  const extra = EXTRA_KINDS[`${apiVersion}/${kind}`];
  if (extra) return extra;
  const { group, version } = parseApiVersion(apiVersion);
  const groupPart = group === '' ? 'Core' : capitalize(group.split('.')[0]!);
  return `IoK8sApi${groupPart}${capitalize(version)}${kind}`;
}

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

let schemaDir: string | undefined;
function schemasDirectory(): string {
  if (!schemaDir) {
    const require = createRequire(import.meta.url);
    schemaDir = path.join(path.dirname(require.resolve('kubernetes-models')), '_schemas');
  }
  return schemaDir;
}

const SAFE_NAME = /^[A-Za-z0-9]+$/;
const loaded = new Map<string, Promise<ValidateFunction | undefined>>();
/** Validators whose import has finished (null: no definition), for the synchronous path. */
const resolved = new Map<string, ValidateFunction | null>();

/**
 * The validator for apiVersion+kind, or undefined when kubernetes-models has no definition for
 * it. Loaded once and cached; concurrent callers share one import.
 */
export function loadValidator(apiVersion: string, kind: string): Promise<ValidateFunction | undefined> {
  const name = schemaNameFor(apiVersion, kind);
  let p = loaded.get(name);
  if (!p) {
    p = importValidator(name).then((v) => {
      resolved.set(name, v ?? null);
      return v;
    });
    loaded.set(name, p);
  }
  return p;
}

/**
 * Loads the validators of every served kind (and the subresource bodies) up front, ~0.3 s, so a
 * server can then call validateSchemaSync on its request path.
 */
export async function preloadSchemas(): Promise<void> {
  const kinds: Array<[string, string]> = RESOURCES.map((r) => [apiVersionOf(r), r.kind]);
  for (const key of Object.keys(EXTRA_KINDS)) {
    const slash = key.lastIndexOf('/');
    kinds.push([key.slice(0, slash), key.slice(slash + 1)]);
  }
  await Promise.all(kinds.map(([apiVersion, kind]) => loadValidator(apiVersion, kind)));
  everythingServedLoaded = true;
}

/** After preloadSchemas, a kind that is not loaded is one we do not serve. */
let everythingServedLoaded = false;

async function importValidator(name: string): Promise<ValidateFunction | undefined> {
  if (!SAFE_NAME.test(name)) return undefined; // never build a file path from odd kinds
  const file = path.join(schemasDirectory(), `${name}.mjs`);
  if (!existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as { validate?: unknown };
  return typeof mod.validate === 'function' ? (mod.validate as ValidateFunction) : undefined;
}

/**
 * Checks an object against the OpenAPI definition of its apiVersion+kind. Returns no causes when
 * it conforms. An apiVersion/kind without a definition gives one cause on `kind`.
 */
export async function validateSchema(obj: unknown): Promise<StatusCause[]> {
  const head = typeMetaOf(obj);
  if (!('apiVersion' in head)) return head.causes;
  return runValidator(await loadValidator(head.apiVersion, head.kind), obj, head);
}

/**
 * validateSchema without waiting: for kinds whose validator is already loaded (see
 * preloadSchemas). Calling it for a kind that was never loaded is a programming error and throws.
 */
export function validateSchemaSync(obj: unknown): StatusCause[] {
  const head = typeMetaOf(obj);
  if (!('apiVersion' in head)) return head.causes;
  const name = schemaNameFor(head.apiVersion, head.kind);
  const validate = resolved.get(name);
  if (validate === undefined) {
    if (everythingServedLoaded || !SAFE_NAME.test(name)) return runValidator(undefined, obj, head);
    throw new Error(`schema ${name} is not loaded: await preloadSchemas() or loadValidator() first`);
  }
  return runValidator(validate ?? undefined, obj, head);
}

type TypeMeta = { apiVersion: string; kind: string } | { causes: StatusCause[] };

function typeMetaOf(obj: unknown): TypeMeta {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return { causes: [fieldError.typeInvalid('', jsonType(obj), `body must be of type object: ${JSON.stringify(jsonType(obj))}`)] };
  }
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  const causes: StatusCause[] = [];
  if (typeof apiVersion !== 'string' || apiVersion === '') causes.push(fieldError.required('apiVersion'));
  if (typeof kind !== 'string' || kind === '') causes.push(fieldError.required('kind'));
  if (causes.length > 0) return { causes };
  return { apiVersion: apiVersion as string, kind: kind as string };
}

function runValidator(validate: ValidateFunction | undefined, obj: unknown, head: { apiVersion: string; kind: string }): StatusCause[] {
  if (!validate) {
    return [fieldError.invalid('kind', head.kind, `no schema for kind ${JSON.stringify(head.kind)} in version ${JSON.stringify(head.apiVersion)}`)];
  }
  if (validate(obj)) return [];
  return ajvErrorsToCauses(validate.errors ?? [], obj);
}

/** JSON-schema type name of a value, as kube-openapi names it in messages. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') return typeof value;
  return 'undefined';
}

/** Converts ajv errors to causes with Kubernetes field paths, one cause per failing field. */
export function ajvErrorsToCauses(errors: readonly AjvError[], root: unknown): StatusCause[] {
  // A oneOf (int-or-string, quantity) reports each failed branch plus the oneOf itself; Kubernetes
  // reports the field once. Collect branch errors per path and summarize them at the oneOf.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  // A value of the wrong type also fails its format (1.5 is no int32); the type error says it all.
  const typePaths = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  const push = (c: StatusCause) => {
    const key = `${c.reason}\u0000${c.field}\u0000${c.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      causes.push(c);
    }
  };
  for (const err of errors) {
    const field = fieldPathOf(err.instancePath, root);
    const value = valueAt(err.instancePath, root);
    if (oneOfPaths.has(err.instancePath) && err.keyword !== 'oneOf') continue;
    switch (err.keyword) {
      case 'required': {
        const missing = String(err.params['missingProperty'] ?? '');
        push(fieldError.required(joinField(field, missing)));
        break;
      }
      case 'type': {
        const expected = String(err.params['type'] ?? '');
        push(typeError(field, expected, value));
        break;
      }
      case 'enum': {
        const allowed = (err.params['allowedValues'] as unknown[] | undefined) ?? [];
        push(fieldError.notSupported(field, value, allowed.map(String)));
        break;
      }
      case 'format':
        if (typePaths.has(err.instancePath)) break;
        push(formatError(field, String(err.params['format'] ?? ''), value));
        break;
      case 'oneOf':
        push(oneOfError(errors, err.instancePath, field, value));
        break;
      default:
        push(fieldError.invalid(field, value, `${field || 'body'} in body failed ${err.keyword} validation`));
    }
  }
  return causes;
}

function typeError(field: string, expected: string, value: unknown): StatusCause {
  const found = jsonType(value);
  return fieldError.typeInvalid(field, found, `${field || 'body'} in body must be of type ${expected}: ${JSON.stringify(found)}`);
}

// Go's resource.Quantity parser message, which the apiserver returns for unparsable quantities.
const QUANTITY_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function formatError(field: string, format: string, value: unknown): StatusCause {
  if (format === 'quantity') return fieldError.invalid(field, value, QUANTITY_MESSAGE);
  // Base64 fields hold Secret data: never echo them back.
  if (format === 'byte') return fieldError.invalid(field, '<redacted>', 'illegal base64 data: must be base64-encoded');
  if (format === 'int32' || format === 'int64') {
    const bits = format === 'int32' ? 31 : 63;
    return fieldError.invalid(field, value, `${field} in body must be of type ${format}: ${describeValue(String(value))}; must be between ${-(2 ** bits)} and ${2 ** bits - 1}`);
  }
  return fieldError.invalid(field, value, `${field} in body must be of type ${format}: ${describeValue(String(value))}`);
}

function oneOfError(errors: readonly AjvError[], instancePath: string, field: string, value: unknown): StatusCause {
  const branches = errors.filter((e) => e.instancePath === instancePath && e.keyword !== 'oneOf');
  const format = branches.find((e) => e.keyword === 'format');
  // A string that failed its format (a bad quantity) is a format error, not a type error.
  if (format && typeof value === 'string') return formatError(field, String(format.params['format'] ?? ''), value);
  const types = [...new Set(branches.filter((e) => e.keyword === 'type').map((e) => String(e.params['type'])))].sort();
  if (types.length > 0) return typeError(field, types.join(','), value);
  return fieldError.invalid(field, value, `${field} in body must validate exactly one schema (oneOf)`);
}

function joinField(parent: string, child: string): string {
  if (!parent) return child;
  return /^[A-Za-z0-9_$-]+$/.test(child) ? `${parent}.${child}` : `${parent}[${child}]`;
}

function decodePointer(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Turns a JSON pointer into a Kubernetes field path by walking the object: array elements become
 * `[i]`, object keys `.key`, and map keys that are not plain identifiers `[key]`
 * (e.g. metadata.labels[app.kubernetes.io/name]).
 */
export function fieldPathOf(instancePath: string, root: unknown): string {
  let out = '';
  let node: unknown = root;
  for (const seg of decodePointer(instancePath)) {
    if (Array.isArray(node)) {
      out += `[${seg}]`;
      node = node[Number(seg)];
    } else {
      out = joinField(out, seg);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function valueAt(instancePath: string, root: unknown): unknown {
  let node: unknown = root;
  for (const seg of decodePointer(instancePath)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}
