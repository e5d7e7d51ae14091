// wget [-q] [-O FILE|-O-] [-T SEC] [--spider] [-S] [-U AGENT] [--header H] URL: real HTTP/1.1
// through node:http to the address ctx.net.resolveHost gives, redirects followed, with busybox's
// messages (`bad address 'web'`, `can't connect to remote host (…): Connection refused`,
// `server returned error: HTTP/1.1 404 Not Found`, `download timed out`).
import { request, STATUS_CODES, type IncomingMessage } from 'node:http';
import { posix } from 'node:path';
import type { OutputSink, Program, ProcessContext } from '../../process.js';
import { errorText, openOutput, type OpenOutput } from '../files.js';
import { LinkedAbort } from '../io.js';
import { fail, options } from './common.js';
import { isLoopback, resolveAddress } from './resolve.js';

class WgetError extends Error {}

const MAX_REDIRECTS = 20;
const DEFAULT_TIMEOUT_S = 900;

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ECONNRESET: 'Connection reset by peer',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

interface Fetched {
  response: IncomingMessage;
  url: URL;
}

function get(url: URL, address: string, headers: Record<string, string>, method: string, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port: Number(url.port || 80), path: `${url.pathname}${url.search}`, method, headers: { Host: url.host, ...headers }, signal, agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
}

async function fetchFollowing(ctx: ProcessContext, start: URL, quiet: boolean, method: string, headers: Record<string, string>, signal: AbortSignal): Promise<Fetched> {
  let url = start;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:') throw new WgetError(url.protocol === 'https:' ? 'not an http or ftp url: https is not available in mock containers' : `not an http or ftp url: ${url.href}`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const address = await resolveAddress(ctx, host);
    if (address === null) throw new WgetError(`bad address '${host}'`);
    const port = url.port || '80';
    if (!quiet) ctx.stderr.write(`Connecting to ${url.host} (${address}:${port})\n`);
    if (!isLoopback(address)) throw new WgetError(`can't connect to remote host (${address}): Network is unreachable`);
    let response: IncomingMessage;
    try {
      response = await get(url, address, headers, method, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      const code = (err as { code?: string }).code ?? '';
      throw new WgetError(`can't connect to remote host (${address}): ${CONNECT_ERRORS[code] ?? errorText(err)}`);
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if ([301, 302, 303, 307, 308].includes(status) && location) {
      response.resume();
      if (hop >= MAX_REDIRECTS) throw new WgetError('too many redirections');
      url = new URL(location, url);
      continue;
    }
    if (status !== 200 && status !== 204 && status !== 206) {
      response.resume();
      throw new WgetError(`server returned error: HTTP/1.1 ${status} ${response.statusMessage || STATUS_CODES[status] || ''}`.trimEnd());
    }
    return { response, url };
  }
}

function progressLine(name: string, size: number): string {
  return `${name.padEnd(20).slice(0, 20)} 100% |********************************| ${String(size).padStart(6)}  0:00:00 ETA\n`;
}

export const wget: Program = async (ctx) => {
  const headerArgs: string[] = [];
  const argv = ctx.argv.slice(1);
  for (let i = 0; i < argv.length; i++) if (argv[i] === '--header' && argv[i + 1] !== undefined) headerArgs.push(argv[i + 1]!);
  const opts = options(ctx, 'qO:T:SsU:cP:Y:t:H:k', {
    long: { quiet: 'q', 'output-document': 'O', timeout: 'T', spider: 's', 'server-response': 'S', 'user-agent': 'U', header: 'H', continue: 'c', tries: 't', 'no-check-certificate': 'k' },
  });
  if (!opts) return 1;
  const target = opts.operands[0];
  if (target === undefined) return fail(ctx, 'usage: wget [-q] [-O FILE] [-T SEC] [--spider] URL');
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(target) ? target : `http://${target}`);
  } catch {
    return fail(ctx, `bad address '${target}'`);
  }
  const quiet = opts.flags.has('q');
  const spider = opts.flags.has('s');
  const timeoutS = Number(opts.flags.get('T') ?? DEFAULT_TIMEOUT_S);
  const headers: Record<string, string> = { 'User-Agent': opts.flags.get('U') ?? 'Wget', Connection: 'close' };
  for (const h of headerArgs) {
    const colon = h.indexOf(':');
    if (colon > 0) headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  const timedOut = new AbortController();
  const timer = ctx.clock.setTimeout(() => timedOut.abort('timeout'), timeoutS * 1000);
  const link = new LinkedAbort([ctx.killed, timedOut.signal]);
  let output: OpenOutput | undefined;
  try {
    const { response, url: finalUrl } = await fetchFollowing(ctx, url, quiet, spider ? 'HEAD' : 'GET', headers, link.signal);
    if (opts.flags.has('S')) {
      ctx.stderr.write(`  HTTP/1.1 ${response.statusCode} ${response.statusMessage}\n`);
      for (let i = 0; i < response.rawHeaders.length; i += 2) ctx.stderr.write(`  ${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}\n`);
    }
    if (spider) {
      response.resume();
      if (!quiet) ctx.stderr.write('remote file exists\n');
      return 0;
    }
    const file = opts.flags.get('O') ?? (posix.basename(finalUrl.pathname) || 'index.html');
    const toStdout = file === '-';
    let sink: OutputSink;
    if (toStdout) sink = ctx.stdout;
    else {
      try {
        output = openOutput(ctx, file, false);
      } catch (err) {
        response.resume();
        return fail(ctx, `can't open '${file}': ${errorText(err)}`);
      }
      sink = output.sink;
    }
    if (!quiet) ctx.stderr.write(toStdout ? 'writing to stdout\n' : `saving to '${file}'\n`);
    let size = 0;
    for await (const chunk of response) {
      size += (chunk as Buffer).length;
      sink.write(chunk as Buffer);
    }
    if (!quiet) ctx.stderr.write(`${progressLine(toStdout ? '-' : file, size)}${toStdout ? 'written to stdout' : `'${file}' saved`}\n`);
    return 0;
  } catch (err) {
    if (timedOut.signal.aborted && !ctx.killed.aborted) return fail(ctx, 'download timed out');
    if (err instanceof WgetError) return fail(ctx, err.message);
    throw err;
  } finally {
    ctx.clock.clearTimeout(timer);
    link.dispose();
    output?.close();
  }
};
