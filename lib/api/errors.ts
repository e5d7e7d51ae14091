// The error the apiserver's layers throw: a metav1.Status (lib/api/status.ts) that the HTTP layer
// answers with, as the body and `status.code` as the HTTP code. It lives in lib/api, not in the
// apiserver's storage, because every layer (decode, registry, storage, routes) throws it.
import type { Status } from './status.js';

export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
    this.name = 'ApiError';
  }
}
