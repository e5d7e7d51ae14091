// pkg/probe/http DoHTTPProbe: 2xx succeeds, a 3xx that was not followed succeeds with a warning,
// anything else fails with the status code (never the body, as upstream); transport errors fail
// with their text, a body that cannot be read is an error.
import { HttpBodyError, httpGet, type HttpGetOptions, type HttpGetRequest } from './http-get.js';
import type { ProbeOutcome } from './outcome.js';

export async function httpProbe(req: HttpGetRequest, opts: HttpGetOptions): Promise<ProbeOutcome> {
  let res;
  try {
    res = await httpGet(req, opts);
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    if (err instanceof HttpBodyError) return { result: 'failure', output: '', error: text };
    return { result: 'failure', output: text };
  }
  if (res.statusCode >= 200 && res.statusCode < 400) {
    if (res.statusCode >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${res.body}` };
    return { result: 'success', output: res.body };
  }
  return { result: 'failure', output: `HTTP probe failed with statuscode: ${res.statusCode}` };
}
