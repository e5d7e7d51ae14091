// The kubelet's container log options (core/v1 PodLogOptions as the apiserver forwards them in the
// query of /containerLogs): parsed defensively — a value that is not what it should be is a 400,
// never a crash.

export interface ContainerLogOptions {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  /** Lines from the end; undefined = all. */
  tailLines?: number;
  /** Only entries at or after this time (ms since the epoch); from sinceSeconds or sinceTime. */
  sinceMs?: number;
  limitBytes?: number;
}

export class LogOptionsError extends Error {
  override readonly name = 'LogOptionsError';
}

type Query = Record<string, string | string[] | undefined>;

function last(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function bool(q: Query, name: string): boolean {
  const v = last(q, name);
  if (v === undefined || v === '') return false;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new LogOptionsError(`invalid value for ${name}: ${JSON.stringify(v)}`);
}

function int(q: Query, name: string): number | undefined {
  const v = last(q, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new LogOptionsError(`invalid value for ${name}: ${JSON.stringify(v)}`);
  return Number(v);
}

/** Parses the query; `nowMs` turns sinceSeconds into a time, as the kubelet does on arrival. */
export function parseContainerLogOptions(q: Query, nowMs: number): ContainerLogOptions {
  const opts: ContainerLogOptions = { follow: bool(q, 'follow'), previous: bool(q, 'previous'), timestamps: bool(q, 'timestamps') };
  const tail = int(q, 'tailLines');
  if (tail !== undefined) {
    if (tail < 0) throw new LogOptionsError('tailLines: must be greater than or equal to 0');
    opts.tailLines = tail;
  }
  const limit = int(q, 'limitBytes');
  if (limit !== undefined) {
    if (limit < 1) throw new LogOptionsError('limitBytes: must be greater than 0');
    opts.limitBytes = limit;
  }
  const sinceSeconds = int(q, 'sinceSeconds');
  const sinceTime = last(q, 'sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw new LogOptionsError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (sinceSeconds !== undefined) {
    if (sinceSeconds < 1) throw new LogOptionsError('sinceSeconds: must be greater than 0');
    opts.sinceMs = nowMs - sinceSeconds * 1000;
  } else if (sinceTime) {
    const ms = Date.parse(sinceTime);
    if (Number.isNaN(ms)) throw new LogOptionsError(`invalid value for sinceTime: ${JSON.stringify(sinceTime)}`);
    opts.sinceMs = ms;
  }
  return opts;
}
