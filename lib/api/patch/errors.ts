// The one error type of the patch engines. Each carries the HTTP code and metav1 reason the real
// apiserver answers with for that kind of failure, plus a detailed message for logs and tests.
import type { Status } from '../status.js';
import { jsonDepth, MAX_PATCH_DEPTH } from './json-value.js';

/**
 * - BadRequest (400): the patch document itself is malformed (not an array of operations, a bad
 *   `$retainKeys` / `$setElementOrder` / `$deleteFromPrimitiveList` directive, an unknown `$patch`).
 * - Invalid (422): a well-formed patch that cannot be applied to this object (a failed `test`, a
 *   path that does not exist, lists of lists).
 * - RequestEntityTooLarge (413): more JSON patch operations than the apiserver accepts.
 */
export type PatchErrorReason = 'BadRequest' | 'Invalid' | 'RequestEntityTooLarge';

const CODES: Record<PatchErrorReason, number> = { BadRequest: 400, Invalid: 422, RequestEntityTooLarge: 413 };

/**
 * What the real apiserver says for a 422 from applying a patch: it builds the Status with
 * NewGenericServerResponse, which drops the underlying error text.
 */
export const GENERIC_INVALID_PATCH_MESSAGE = 'the server rejected our request due to an error in our request';

export class PatchError extends Error {
  readonly reason: PatchErrorReason;
  readonly code: number;

  constructor(reason: PatchErrorReason, message: string) {
    super(message);
    this.name = 'PatchError';
    this.reason = reason;
    this.code = CODES[reason];
  }

  static badRequest(message: string): PatchError {
    return new PatchError('BadRequest', message);
  }

  static invalid(message: string): PatchError {
    return new PatchError('Invalid', message);
  }

  /**
   * The metav1.Status the apiserver answers with, worded as Kubernetes words it. For 422 that is
   * the generic message with empty details (kubectl prints "The request is invalid: the server
   * rejected our request due to an error in our request"); `message` keeps the detail for logs.
   */
  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.reason === 'Invalid') {
      status.message = GENERIC_INVALID_PATCH_MESSAGE;
      status.details = {};
    } else if (this.reason === 'RequestEntityTooLarge') {
      status.message = `Request entity too large: ${this.message}`;
    }
    return status;
  }
}

export function isPatchError(err: unknown): err is PatchError {
  return err instanceof PatchError;
}

/** Rejects input nested deeper than the engines recurse, before any recursion starts. */
export function assertPatchDepth(value: unknown, what: string): void {
  let depth: number;
  try {
    depth = jsonDepth(value, MAX_PATCH_DEPTH);
  } catch (err) {
    throw PatchError.badRequest(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (depth > MAX_PATCH_DEPTH) {
    throw PatchError.badRequest(`${what} nests deeper than the maximum of ${MAX_PATCH_DEPTH} levels`);
  }
}
