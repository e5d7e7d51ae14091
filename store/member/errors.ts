// Errors of the state machine and of anything unexpected, as the service's ServiceError.
import { isMvccError } from '../mvcc/index.js';
import { ServiceError } from '../service.js';

export function toServiceError(err: unknown): ServiceError {
  if (err instanceof ServiceError) return err;
  if (isMvccError(err)) return new ServiceError(err.code, err.message, err.compactRevision !== undefined ? { compactRevision: err.compactRevision } : {});
  return new ServiceError('internal', (err as Error)?.message ?? String(err));
}
