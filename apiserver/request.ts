// A request as the verb handlers see it (parsed path, query, headers, raw body), the Reply they
// return, and the query readers every handler shares (resources, subresources, watches).
import { parseSelector, SelectorParseError, type Selector } from '../lib/api/labels.js';
import { convertFieldSelector, parseFieldSelector, type FieldSelector } from '../lib/api/fields.js';
import type { ResourceInfo } from '../lib/api/registry.js';
import { status } from '../lib/api/status.js';
import { ApiError } from '../lib/api/errors.js';
import type { ResourcePath } from './request-path.js';
import type { ListOptions } from './storage/interfaces.js';

export interface Reply {
  code: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RequestInfo {
  method: string;
  path: ResourcePath;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  body: string | Buffer | undefined;
}

export function q(query: RequestInfo['query'], name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function header(req: RequestInfo, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function selectorsFrom(req: RequestInfo, res: ResourceInfo): Pick<ListOptions, 'labelSelector' | 'fieldSelector'> {
  const out: Pick<ListOptions, 'labelSelector' | 'fieldSelector'> = {};
  const ls = q(req.query, 'labelSelector');
  if (ls) {
    try {
      out.labelSelector = parseSelector(ls) as Selector;
    } catch (err) {
      throw new ApiError(status.badRequest(`unable to parse requirement: ${err instanceof SelectorParseError ? err.message : String(err)}`));
    }
  }
  const fs = q(req.query, 'fieldSelector');
  if (fs) {
    try {
      out.fieldSelector = convertFieldSelector(res.kind, parseFieldSelector(fs)) as FieldSelector;
    } catch (err) {
      throw new ApiError(status.badRequest((err as Error).message));
    }
  }
  return out;
}
