// List continuation tokens, shaped like Kubernetes' (k8s.io/apiserver storage.EncodeContinue):
// base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key after the prefix>"}. `rv` pins the next
// page to the first page's revision (a consistent snapshot); -1 means "the latest revision" (the
// token handed back with a 410 when that revision was compacted). `start` is relative to the list
// prefix, so a token can never reach outside the resource it was issued for.
import { status } from '../../lib/api/status.js';
import { ApiError } from '../../lib/api/errors.js';

const TOKEN_VERSION = 'meta.k8s.io/v1';

export interface ContinueToken {
  /** Revision to read at; -1 = latest. */
  rv: number;
  /** First key (relative to the list prefix) of the next page. */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, rv: token.rv, start: token.start }), 'utf8').toString('base64');
}

function invalid(detail: string): ApiError {
  return new ApiError(status.badRequest(`invalid continue token: continue key is not valid: ${detail}`));
}

/** Decodes a client-supplied token; a malformed one is a 400 BadRequest. */
export function decodeContinue(text: string): ContinueToken {
  // Kubernetes emits standard base64; accept the URL-safe alphabet too, since tokens travel in query strings.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) throw invalid('not base64');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
  } catch {
    throw invalid('not a JSON token');
  }
  const t = parsed as { v?: unknown; rv?: unknown; start?: unknown } | null;
  if (typeof t !== 'object' || t === null) throw invalid('not a JSON token');
  if (t.v !== TOKEN_VERSION) throw invalid(`server does not recognize this encoded version ${JSON.stringify(t.v)}`);
  if (typeof t.rv !== 'number' || !Number.isSafeInteger(t.rv) || (t.rv < 1 && t.rv !== -1)) {
    throw invalid(`incorrect encoded start resourceVersion (version ${TOKEN_VERSION})`);
  }
  if (typeof t.start !== 'string' || t.start === '') throw invalid('encoded start key is empty');
  if (t.start.startsWith('/')) throw invalid('encoded start key must be relative to the list prefix');
  return { rv: t.rv, start: t.start };
}
