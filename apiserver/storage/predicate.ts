// Which objects a list or watch selects: label selector AND field selector (fields computed per kind
// with lib/api/fields.fieldSetFor). Namespace scoping is done by key prefix, not here.
import { isEmptyFieldSelector, matchesFields, fieldSetFor, type FieldSelector } from '../../lib/api/fields.js';
import { isEmpty, matches, type Selector } from '../../lib/api/labels.js';
import type { KubeObject } from '../../lib/api/types.js';

export interface SelectorOptions {
  labelSelector?: Selector | undefined;
  fieldSelector?: FieldSelector | undefined;
}

export class Predicate {
  private readonly labels: Selector | undefined;
  private readonly fields: FieldSelector | undefined;
  /** True when everything matches (no selector, or only empty ones). */
  readonly empty: boolean;

  constructor(
    opts: SelectorOptions,
    private readonly kind: string,
  ) {
    this.labels = opts.labelSelector && !isEmpty(opts.labelSelector) ? opts.labelSelector : undefined;
    this.fields = opts.fieldSelector && !isEmptyFieldSelector(opts.fieldSelector) ? opts.fieldSelector : undefined;
    this.empty = this.labels === undefined && this.fields === undefined;
  }

  /** Does `obj` match? `fields` may pass a precomputed field set (the watch cache keeps one per object). */
  matches(obj: KubeObject, fields?: Record<string, string>): boolean {
    if (this.labels && !matches(this.labels, obj.metadata?.labels)) return false;
    if (this.fields && !matchesFields(this.fields, fields ?? fieldSetFor(obj, this.kind))) return false;
    return true;
  }

  /** Whether matching needs the object's field set (so callers can skip computing it). */
  get usesFields(): boolean {
    return this.fields !== undefined;
  }
}
