// What one kind adds to the shared metadata rules of strategies.ts: its status reset, its
// generation semantics, its own prepare steps and its update validation (Kubernetes'
// pkg/registry/<group>/<kind>/strategy.go, one file per kind family here).
import type { StatusCause } from '../../lib/api/field-errors.js';
import type { Obj } from '../../lib/api/objects.js';
import { semanticEqual } from './equality.js';
import type { StrategyContext } from './interfaces.js';

export interface KindRules {
  /** PUT of a missing object creates it (upstream's AllowCreateOnUpdate). */
  readonly allowCreateOnUpdate?: boolean;
  /**
   * For kinds whose metadata.generation tracks the desired state: a new object starts at
   * generation 1, and an update bumps it when this says the new object differs from the old one.
   */
  readonly generationChanged?: (obj: Obj, old: Obj) => boolean;
  /** The status a new object starts with (absent: kept as sent, e.g. a Node registered with status). */
  readonly initialStatus?: (obj: Obj, ctx: StrategyContext) => Obj;
  /** After the shared create rules, initial status and generation. */
  readonly prepareForCreate?: (obj: Obj, ctx: StrategyContext) => void;
  /** After status was restored from `old`, before the generation check. */
  readonly prepareForUpdate?: (obj: Obj, old: Obj, ctx: StrategyContext) => void;
  /** After everything but metadata and status was restored from `old`. */
  readonly prepareForStatusUpdate?: (obj: Obj, old: Obj, ctx: StrategyContext) => void;
  readonly validateCreate?: (obj: Obj) => StatusCause[];
  /** Runs after the shared metadata checks. */
  readonly validateUpdate?: (obj: Obj, old: Obj) => StatusCause[];
}

/** The usual generation rule: any change of spec. */
export function specChanged(obj: Obj, old: Obj): boolean {
  return !semanticEqual(obj['spec'], old['spec']);
}
