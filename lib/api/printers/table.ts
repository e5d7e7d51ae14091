// The meta.k8s.io Table that `kubectl get` asks for, and the pieces every printer shares: column
// definitions, the human duration in AGE columns, and how `includeObject` shapes each row's object.
// Like the real apiserver, printers always fill every column (wide ones included); kubectl hides
// the priority-1 columns unless it runs with `-o wide`.

import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { KubeObject } from '../types.js';

/** What a row carries in `object`: nothing, only the metadata, or the whole object. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export const INCLUDE_OBJECT_VALUES: readonly IncludeObject[] = ['None', 'Metadata', 'Object'];

/** The Table versions kubectl negotiates; v1 is what 1.32 asks for first. */
export type TableApiVersion = 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';

/** OpenAPI-ish cell types Kubernetes uses in column definitions. */
export type ColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

export interface TableColumnDefinition {
  name: string;
  type: ColumnType;
  /** "name" marks the column that identifies the object (kubectl prefixes it with `kind/`). */
  format: string;
  description: string;
  /** 0 = always shown; 1 = only with `-o wide`. */
  priority: number;
}

export type TableCell = string | number | boolean | null;

/** A row condition; Kubernetes only defines `Completed` (pods that Succeeded or Failed). */
export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: TableApiVersion;
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  /** Kubernetes serialises an absent object (includeObject=None) as `null`. */
  object: KubeObject | PartialObjectMetadata | null;
}

export interface Table {
  kind: 'Table';
  apiVersion: TableApiVersion;
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** A printed row before `includeObject` is applied: the cells plus the object they came from. */
export interface PrintedRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  source: KubeObject;
}

export interface BuildTableOptions {
  includeObject?: IncludeObject;
  /** TableOptions.noHeaders: leave the column definitions out (watch events after the first). */
  noHeaders?: boolean;
  apiVersion?: TableApiVersion;
  continue?: string;
}

/** A query value that is not a valid includeObject (the apiserver answers 400 BadRequest). */
export class TableOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableOptionsError';
  }
}

/**
 * Reads the `includeObject` query parameter: absent or empty means Metadata. Anything else unknown
 * is rejected with Kubernetes' wording.
 */
export function parseIncludeObject(value: string | null | undefined): IncludeObject {
  if (value === undefined || value === null || value === '') return 'Metadata';
  if ((INCLUDE_OBJECT_VALUES as readonly string[]).includes(value)) return value as IncludeObject;
  throw new TableOptionsError(`unrecognized includeObject value: ${JSON.stringify(value)}`);
}

export interface ColumnOptions {
  format?: string;
  priority?: number;
}

/** A column definition with every field present, as the Kubernetes wire format has it. */
export function column(name: string, type: ColumnType, description: string, opts: ColumnOptions = {}): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** A wide-only column (priority 1). */
export function wideColumn(name: string, type: ColumnType, description: string): TableColumnDefinition {
  return column(name, type, description, { priority: 1 });
}

export const NAME_COLUMN: TableColumnDefinition = column(
  'Name',
  'string',
  'Name of the object, unique among objects of its kind in its namespace.',
  { format: 'name' },
);

export const AGE_COLUMN: TableColumnDefinition = column(
  'Age',
  'string',
  'Time since the object was created (metadata.creationTimestamp).',
);

/** Shared wide columns of the workload kinds. */
export const CONTAINERS_COLUMN = wideColumn('Containers', 'string', 'Names of the containers in the pod template.');
export const IMAGES_COLUMN = wideColumn('Images', 'string', 'Images of the containers in the pod template.');

function copyMetadata(obj: KubeObject): ObjectMeta {
  const meta = obj.metadata;
  if (meta === null || typeof meta !== 'object') return {};
  return structuredClone(meta);
}

function rowObject(source: KubeObject, include: IncludeObject, apiVersion: TableApiVersion): TableRow['object'] {
  switch (include) {
    case 'None':
      return null;
    case 'Object':
      return source;
    case 'Metadata':
      return { kind: 'PartialObjectMetadata', apiVersion, metadata: copyMetadata(source) };
  }
}

/**
 * Assembles the Table. The list's resourceVersion goes in metadata (kubectl needs it to start a
 * `--watch`); each row's object follows `includeObject` (default Metadata).
 */
export function buildTable(
  columns: readonly TableColumnDefinition[],
  rows: readonly PrintedRow[],
  resourceVersion: string | undefined,
  opts: BuildTableOptions = {},
): Table {
  const include = opts.includeObject ?? 'Metadata';
  if (!(INCLUDE_OBJECT_VALUES as readonly string[]).includes(include)) {
    throw new TableOptionsError(`unrecognized includeObject value: ${JSON.stringify(include)}`);
  }
  const apiVersion = opts.apiVersion ?? 'meta.k8s.io/v1';
  const metadata: Table['metadata'] = {};
  if (resourceVersion !== undefined && resourceVersion !== '') metadata.resourceVersion = resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  return {
    kind: 'Table',
    apiVersion,
    metadata,
    columnDefinitions: opts.noHeaders ? [] : columns.map((c) => ({ ...c })),
    rows: rows.map((r) => {
      const row: TableRow = { cells: r.cells, object: rowObject(r.source, include, apiVersion) };
      if (r.conditions && r.conditions.length > 0) row.conditions = r.conditions;
      return row;
    }),
  };
}

// ---- durations ----

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Kubernetes' duration.HumanDuration: about two to three significant figures, e.g. `45s`, `2m5s`,
 * `15m`, `3h10m`, `20h`, `3d4h`, `20d`, `2y30d`, `9y`. A clock skew of up to a second in the past
 * reads as `0s`; more than that is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '<invalid>';
  // Go truncates toward zero at every step (int(d.Seconds()), d / time.Minute, …).
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** Milliseconds since the epoch for an RFC 3339 timestamp; undefined when absent or unreadable. */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The AGE cell: how long ago `ts` was, or `<unknown>` when there is no timestamp. */
export function translateTimestampSince(ts: unknown, now: number): string {
  const at = parseTimestamp(ts);
  return at === undefined ? '<unknown>' : humanDuration(now - at);
}

/** The default table convertor's CREATED AT cell: the creation time in UTC, RFC 3339, whole seconds. */
export function formatCreatedAt(ts: unknown): string {
  const at = parseTimestamp(ts);
  // Go formats the zero time when the timestamp is missing.
  if (at === undefined) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(at / SECOND) * SECOND).toISOString().replace('.000Z', 'Z');
}

// ---- printers ----

/** What every printer gets besides the object: the injected clock's "now" in epoch milliseconds. */
export interface PrintContext {
  now: number;
}

/** The cells (and row conditions) one object prints as. */
export type PrintedCells = Omit<PrintedRow, 'source'>;

/** One kind's printer: its columns, and how an object becomes a row of cells in that order. */
export interface Printer<T = KubeObject> {
  readonly columns: readonly TableColumnDefinition[];
  print(obj: T, ctx: PrintContext): PrintedCells;
}
