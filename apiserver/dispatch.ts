// Routes a resource request to its verb: the object verbs (resources.ts), the subresources
// (subresources.ts), or 'watch' for server.ts to serve from the watch cache.
import { status } from '../lib/api/status.js';
import { ApiError } from '../lib/api/errors.js';
import type { ApiDeps } from './deps.js';
import { q, type Reply, type RequestInfo } from './request.js';
import { createObject, deleteCollection, deleteObject, getObject, listObjects, patchObject, updateObject } from './resources.js';
import { handleSubresource } from './subresources.js';

export async function handleResourceRequest(deps: ApiDeps, req: RequestInfo): Promise<Reply | 'watch'> {
  const { path, method } = req;
  const res = path.resource;
  if (path.subresource) return handleSubresource(deps, req);
  const isWatch = path.legacyWatch || q(req.query, 'watch') === 'true' || q(req.query, 'watch') === '1';
  if (path.name === undefined) {
    if (method === 'GET') return isWatch ? 'watch' : listObjects(deps, req);
    if (method === 'POST') return createObject(deps, req);
    if (method === 'DELETE') return deleteCollection(deps, req);
    throw new ApiError(status.methodNotAllowed(method, res.plural));
  }
  switch (method) {
    case 'GET':
      return isWatch ? 'watch' : getObject(deps, req);
    case 'PUT':
      return updateObject(deps, req);
    case 'PATCH':
      return patchObject(deps, req);
    case 'DELETE':
      return deleteObject(deps, req);
    default:
      throw new ApiError(status.methodNotAllowed(method, `${res.plural}/${path.name}`));
  }
}
