// Cell formatting shared by the printers, each the counterpart of a Kubernetes helper: label maps
// and selectors, container lists, quantities, "N + M more..." lists, booleans, object names.

import type { Container } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';
import { formatLabelSelector, selectorFromLabelSelector, selectorToString, type LabelSelector } from '../labels.js';
import { normalize } from '../quantity.js';

/** labels.FormatLabels: `k=v` pairs sorted by key and joined by ",", or `<none>`. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  if (!labels || typeof labels !== 'object') return '<none>';
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels[k]}`).join(',');
}

/** metav1.FormatLabelSelector: the selector text, `<none>` when it selects everything or nothing, `<error>` when invalid. */
export function formatSelector(selector: LabelSelector | null | undefined): string {
  return formatLabelSelector(selector);
}

/**
 * The Deployment printer's selector cell: LabelSelectorAsSelector(...).String(), which is empty
 * (not `<none>`) for a missing or empty selector and `<invalid>` when it does not convert.
 */
export function selectorText(selector: LabelSelector | null | undefined): string {
  try {
    return selectorToString(selectorFromLabelSelector(selector));
  } catch {
    return '<invalid>';
  }
}

/** Container names and images, each comma-joined in template order. */
export function layoutContainerCells(containers: readonly Container[] | null | undefined): [string, string] {
  const list = Array.isArray(containers) ? containers : [];
  return [list.map((c) => c?.name ?? '').join(','), list.map((c) => c?.image ?? '').join(',')];
}

/**
 * A resource.Quantity as Kubernetes prints it (`1536Mi` for "1.5Gi"); a missing quantity is the
 * zero value "0". Text that does not parse is shown as it is rather than failing the whole table.
 */
export function quantityString(q: unknown): string {
  if (q === undefined || q === null || q === '') return '0';
  if (typeof q === 'number') return normalizeOr(String(q));
  if (typeof q !== 'string') return String(q);
  return normalizeOr(q);
}

function normalizeOr(text: string): string {
  try {
    return normalize(text);
  } catch {
    return text;
  }
}

/** Up to `max` entries joined by ",", then " + N more..."; `<unset>` when empty. */
export function listWithMoreString(list: readonly string[], more: boolean, count: number, max: number): string {
  const joined = list.join(',');
  if (more) return `${joined} + ${count - max} more...`;
  return joined === '' ? '<unset>' : joined;
}

/** `True`/`False` for a set pointer, `<unset>` otherwise (printBoolPtr). */
export function printBoolPtr(value: unknown): string {
  if (typeof value !== 'boolean') return '<unset>';
  return value ? 'True' : 'False';
}

/** net.JoinHostPort: IPv6 addresses go in brackets. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A non-negative whole count for an integer cell; anything else counts as 0. */
export function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;
}

/** A string field, or "" when absent (Go's zero value). */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The number of keys of a map-like field (len(map) in Go). */
export function countKeys(value: unknown): number {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).length : 0;
}

/** The length of a list field, 0 when absent. */
export function countItems(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/** A list field as an array without null entries; [] when absent or not a list. */
export function items<T>(value: readonly T[] | null | undefined): readonly NonNullable<T>[] {
  return Array.isArray(value) ? value.filter((v): v is NonNullable<T> => v !== null && v !== undefined) : [];
}

/** metadata.name, or "" when missing. */
export function nameOf(obj: { metadata?: ObjectMeta }): string {
  return str(obj.metadata?.name);
}

/** The ownerReference with controller: true, if any (metav1.GetControllerOf). */
export function controllerOf(obj: { metadata?: ObjectMeta }): OwnerReference | undefined {
  return items(obj.metadata?.ownerReferences).find((ref) => ref?.controller === true);
}

/** The group of an apiVersion: "apps" for "apps/v1", "" for "v1". */
export function groupOf(apiVersion: string | undefined): string {
  if (!apiVersion) return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** `kind.group/name` in lower case (`daemonset.apps/web`), or just `kind/name` for the core group. */
export function formatResourceName(kind: string, group: string, name: string): string {
  if (kind === '' && group === '') return name;
  const groupKind = group === '' ? kind : `${kind}.${group}`;
  return `${groupKind.toLowerCase()}/${name}`;
}
