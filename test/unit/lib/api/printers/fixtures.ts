// Shared clock and helpers for the printer tests: a fixed "now", timestamps relative to it, and
// shortcuts to print one object and read its cells or the column names.

import { tableFor, type Table, type TableCell } from '../../../../../lib/api/printers/index.js';
import type { KubeObject } from '../../../../../lib/api/types.js';

export const NOW = Date.parse('2025-06-01T12:00:00Z');
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The RFC 3339 timestamp `ms` before NOW, in whole seconds as Kubernetes writes it. */
export function ago(ms: number): string {
  return new Date(NOW - ms).toISOString().replace('.000Z', 'Z');
}

/** An object of `kind` created `age` before NOW, with the given extra fields. */
export function obj(apiVersion: string, kind: string, name: string, fields: Record<string, unknown> = {}, age = 5 * MINUTE): KubeObject {
  const { metadata, ...rest } = fields as { metadata?: Record<string, unknown> };
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '42', creationTimestamp: ago(age), ...(metadata ?? {}) },
    ...rest,
  };
}

export function table(kind: string, objects: KubeObject[], now = NOW): Table {
  return tableFor(kind, objects, { now, resourceVersion: '100' });
}

/** The cells `kind` prints for `o`. */
export function cells(kind: string, o: KubeObject, now = NOW): TableCell[] {
  return table(kind, [o], now).rows[0]!.cells;
}

/** Column names of the kind's table, wide-only ones marked with a trailing "*". */
export function headers(kind: string): string[] {
  return table(kind, []).columnDefinitions.map((c) => (c.priority === 1 ? `${c.name}*` : c.name));
}
