// Reading and printing manifests the way kubectl does: multi-document YAML or JSON in, plain
// objects out; `kind: List` (and any `…List` with items) flattened; empty documents skipped.
//
// kubectl decodes YAML with go-yaml v2, i.e. YAML 1.1 rules: `0644` is octal (420), `yes`/`on`
// are booleans. We parse with the same 1.1 rules, except where go-yaml keeps text as text:
// timestamps and sexagesimal numbers like `12:30` stay strings, and `!!binary`/`!!set` values are
// not turned into JavaScript-only types. Printing uses YAML 1.1 quoting too, so strings such as
// "yes" or "0644" come back quoted and read the same way by kubectl.

import YAML, { type Document, type ParseOptions, type DocumentOptions, type SchemaOptions, type ToStringOptions } from 'yaml';
import type { KubeObject } from './types.js';

/** A manifest that cannot be read; names the source, the document (1-based) and the line. */
export class ManifestParseError extends Error {
  override readonly name = 'ManifestParseError';
  constructor(
    message: string,
    readonly source: string,
    readonly documentIndex: number | undefined,
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(message);
  }
}

// Tags go-yaml v2 does not resolve into special values when decoding into interface{}.
const TEXT_TAGS = new Set([
  'tag:yaml.org,2002:timestamp',
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
  'tag:yaml.org,2002:set',
]);

const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: (tags) =>
    tags.filter((t) => typeof t === 'string' || (!TEXT_TAGS.has(t.tag) && !('format' in t && t.format === 'TIME'))),
  uniqueKeys: true,
  prettyErrors: true,
};

// Printing keeps every YAML 1.1 tag, so strings that any 1.1 reader could take for a timestamp,
// a sexagesimal number or a boolean come out quoted, as go-yaml v2 quotes them. The timestamp tag
// is copied with `default: true` because other code in the process (tap's YAML output) switches
// the shared tag object's default off.
const PRINT_OPTIONS: DocumentOptions & SchemaOptions & ToStringOptions = {
  version: '1.1',
  customTags: (tags) =>
    tags.map((t) => (typeof t !== 'string' && t.tag === 'tag:yaml.org,2002:timestamp' ? { ...t, default: true } : t)),
  sortMapEntries: true, // kubectl -o yaml prints keys sorted (they pass through a JSON map)
  indentSeq: false, //     and sequences flush with their key
  lineWidth: 0, //         and never folds long strings
};

/**
 * Parses one or more manifests. Returns the objects in order; a `kind: List` (or `PodList`, …)
 * contributes its items. Throws ManifestParseError naming `sourceName`, the document and the
 * line for bad YAML/JSON or a document that is not an object with apiVersion and kind.
 */
export function parseManifests(text: string, sourceName = '<input>'): KubeObject[] {
  const values = looksLikeJson(text) ? parseJsonOrYaml(text, sourceName) : parseYamlDocuments(text, sourceName);
  const objects: KubeObject[] = [];
  for (const { value, index, line } of values) {
    if (value === null || value === undefined) continue; // empty document
    collectObjects(value, sourceName, index, line, objects, 0);
  }
  return objects;
}

interface ParsedDocument {
  value: unknown;
  index: number;
  line: number;
}

function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function parseJsonOrYaml(text: string, sourceName: string): ParsedDocument[] {
  try {
    return [{ value: JSON.parse(text), index: 1, line: 1 }];
  } catch (jsonError) {
    // Not one JSON value; it may still be YAML flow syntax or several documents.
    try {
      return parseYamlDocuments(text, sourceName);
    } catch {
      throw jsonParseError(jsonError, text, sourceName);
    }
  }
}

function jsonParseError(err: unknown, text: string, sourceName: string): ManifestParseError {
  const message = err instanceof Error ? err.message : String(err);
  const m = /position (\d+)/.exec(message);
  if (!m) return new ManifestParseError(`${sourceName}: invalid JSON: ${message}`, sourceName, 1, undefined, undefined);
  const { line, column } = lineAndColumn(text, Number(m[1]));
  return new ManifestParseError(
    `${sourceName}: invalid JSON at line ${line}, column ${column}: ${message}`,
    sourceName,
    1,
    line,
    column,
  );
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function parseYamlDocuments(text: string, sourceName: string): ParsedDocument[] {
  let docs: Document.Parsed[];
  try {
    const parsed = YAML.parseAllDocuments(text, YAML_OPTIONS);
    docs = Array.isArray(parsed) ? parsed : []; // an EmptyStream (no documents at all)
  } catch (err) {
    throw new ManifestParseError(`${sourceName}: ${errorText(err)}`, sourceName, undefined, undefined, undefined);
  }
  const out: ParsedDocument[] = [];
  docs.forEach((doc, i) => {
    const index = i + 1;
    const docLine = lineAndColumn(text, doc.range[0]).line;
    const first = doc.errors[0];
    if (first) throw yamlError(first, text, sourceName, index);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw new ManifestParseError(
        `${sourceName}: document ${index} (line ${docLine}): ${errorText(err)}`,
        sourceName,
        index,
        docLine,
        undefined,
      );
    }
    out.push({ value, index, line: firstContentLine(text, doc) ?? docLine });
  });
  return out;
}

function firstContentLine(text: string, doc: Document.Parsed): number | undefined {
  const contents = doc.contents as { range?: [number, number, number] } | null;
  return contents?.range ? lineAndColumn(text, contents.range[0]).line : undefined;
}

function yamlError(err: YAML.YAMLError, text: string, sourceName: string, index: number): ManifestParseError {
  const pos = err.linePos?.[0] ?? lineAndColumn(text, err.pos[0]);
  const { line, col } = 'col' in pos ? pos : { line: pos.line, col: pos.column };
  // The library's message repeats the position and quotes the source; keep the first clause.
  const headline = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const reason =
    err.code === 'TAB_AS_INDENT'
      ? 'found a tab character where indentation is expected; YAML must be indented with spaces, not tabs'
      : headline;
  return new ManifestParseError(
    `${sourceName}: document ${index}: line ${line}, column ${col}: ${reason}`,
    sourceName,
    index,
    line,
    col,
  );
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// Lists nest rarely; the bound keeps a hostile input from recursing without end.
const MAX_LIST_DEPTH = 10;

function collectObjects(
  value: unknown,
  sourceName: string,
  index: number,
  line: number,
  out: KubeObject[],
  depth: number,
): void {
  const where = `${sourceName}: document ${index} (line ${line})`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    throw new ManifestParseError(`${where}: expected an object with apiVersion and kind, found ${what}`, sourceName, index, line, undefined);
  }
  const obj = value as Record<string, unknown>;
  const kind = obj['kind'];
  const apiVersion = obj['apiVersion'];
  if (typeof kind !== 'string' || kind === '') {
    throw new ManifestParseError(`${where}: Object 'Kind' is missing`, sourceName, index, line, undefined);
  }
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    throw new ManifestParseError(`${where}: Object 'apiVersion' is missing (kind ${kind})`, sourceName, index, line, undefined);
  }
  if (kind.endsWith('List') && 'items' in obj) {
    const items = obj['items'];
    if (items === null || items === undefined) return;
    if (!Array.isArray(items)) {
      throw new ManifestParseError(`${where}: ${kind}.items must be a list`, sourceName, index, line, undefined);
    }
    if (depth >= MAX_LIST_DEPTH) {
      throw new ManifestParseError(`${where}: lists nested more than ${MAX_LIST_DEPTH} deep`, sourceName, index, line, undefined);
    }
    for (const item of items) collectObjects(item, sourceName, index, line, out, depth + 1);
    return;
  }
  const metadata = obj['metadata'];
  if (metadata !== undefined && metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw new ManifestParseError(`${where}: metadata must be an object`, sourceName, index, line, undefined);
  }
  if (metadata === undefined || metadata === null) obj['metadata'] = {};
  out.push(obj as KubeObject);
}

/** Prints an object as kubectl -o yaml does: keys sorted, sequences flush, YAML 1.1 quoting. */
export function toYaml(obj: unknown): string {
  return YAML.stringify(obj, PRINT_OPTIONS);
}

/** Prints several objects as one multi-document stream separated by `---`. */
export function toYamlDocuments(objs: readonly unknown[]): string {
  return objs.map((o) => toYaml(o)).join('---\n');
}
