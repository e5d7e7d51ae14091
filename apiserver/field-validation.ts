// fieldValidation=Strict|Warn|Ignore as the real apiserver: unknown and duplicate fields in a
// body are a 400 under Strict, `Warning: 299` headers under Warn (the default), nothing under Ignore.
import { status } from '../lib/api/status.js';
import { apiVersionOf, type ResourceInfo } from '../lib/api/registry.js';
import {
  cannotBeHandledMessage,
  findDuplicateFields,
  findStrictDecodingErrors,
  findUnknownFields,
  strictDecodingMessage,
  strictErrorText,
  type StrictFieldError,
} from '../lib/api/unknown-fields.js';
import { ApiError } from '../lib/api/errors.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationOf(value: string | undefined): FieldValidation {
  if (value === undefined || value === '') return 'Warn';
  const v = value.toLowerCase();
  if (v === 'strict') return 'Strict';
  if (v === 'warn') return 'Warn';
  if (v === 'ignore') return 'Ignore';
  throw new ApiError(status.badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got ${JSON.stringify(value)}`));
}

function warnings(errors: readonly StrictFieldError[]): string[] {
  return errors.map((e) => `299 - "${strictErrorText(e).replace(/["\\]/g, (c) => `\\${c}`)}"`);
}

/** For create/update bodies: returns Warning header values, or throws under Strict. */
export function checkBodyFields(mode: FieldValidation, res: ResourceInfo, body: unknown, rawText: string | undefined, isJson: boolean): string[] {
  if (mode === 'Ignore') return [];
  const apiVersion = apiVersionOf(res);
  const errors: StrictFieldError[] = isJson && rawText !== undefined
    ? findStrictDecodingErrors(rawText, apiVersion, res.kind)
    : findUnknownFields(body, apiVersion, res.kind, { sortKeys: true }).map((path) => ({ type: 'unknown' as const, path }));
  if (errors.length === 0) return [];
  if (mode === 'Strict') throw new ApiError(status.badRequest(cannotBeHandledMessage(body, { apiVersion, kind: res.kind }, strictDecodingMessage(errors))));
  return warnings(errors);
}

/** For patches: duplicate fields of the patch body, then unknown fields of the patched object. */
export function checkPatchedFields(mode: FieldValidation, res: ResourceInfo, patchText: string | undefined, patched: unknown, checkDuplicates: boolean): string[] {
  if (mode === 'Ignore') return [];
  const dups = checkDuplicates && patchText !== undefined ? findDuplicateFields(patchText).map((path) => ({ type: 'duplicate' as const, path })) : [];
  const unknown = findUnknownFields(patched, apiVersionOf(res), res.kind, { sortKeys: true }).map((path) => ({ type: 'unknown' as const, path }));
  const errors: StrictFieldError[] = [...dups, ...unknown];
  if (errors.length === 0) return [];
  if (mode === 'Strict') throw new ApiError(status.badRequest(strictDecodingMessage(errors)));
  return warnings(errors);
}
