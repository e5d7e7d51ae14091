// A kubelet's error answer, as the apiserver hands it to its client
// (apiserver/pkg/registry/generic/rest GenericHttpResponseChecker): 400 → BadRequest and 500 →
// InternalError carrying the kubelet's text; anything else a generic response naming the
// subresource. A kubelet that cannot be reached is a reason-less 500 with the dial error, which
// kubectl prints as `Error from server: …`.
import { status, type Status } from '../../lib/api/status.js';

export function statusFromKubelet(code: number, body: string, subresource: string, name: string): Status {
  const text = body.trim();
  if (code === 400) return status.badRequest(text);
  if (code === 500) return status.internalError(new Error(text));
  const generic: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${code === 404 ? 'the server could not find the requested resource' : `the server responded with the status code ${code} but did not return more information`} ( ${subresource} ${name})`,
    reason: code === 404 ? 'NotFound' : '',
    details: { name, kind: subresource },
    code,
  };
  return generic;
}

export function unreachable(method: string, url: string, err: unknown): Status {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const target = new URL(url).host;
  const why = e.code === 'ECONNREFUSED' ? `dial tcp ${target}: connect: connection refused` : e.code === 'ETIMEDOUT' ? `dial tcp ${target}: i/o timeout` : e.message;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `${method[0]}${method.slice(1).toLowerCase()} "${url}": ${why}`, reason: '', code: 500 };
}
