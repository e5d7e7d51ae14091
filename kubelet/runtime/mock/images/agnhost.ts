// registry.k8s.io/e2e-test-images/agnhost: entrypoint /agnhost, default subcommand `pause`.
// Subcommands as upstream test/images/agnhost: netexec (HTTP endpoints + a UDP echo server),
// serve-hostname, pause, liveness; plus the resource-consumer endpoints /ConsumeCPU and /ConsumeMem
// on netexec so autoscaling can be driven. Logs go to stderr in Go's log format, as agnhost's do.
import { createSocket } from 'node:dgram';
import { CommandNotFoundError, type HttpRequestInfo, type HttpResponseInfo, type Program, type ProcessContext } from '../process.js';
import { goLogTime, lifetime } from './lifetime.js';
import { image, type HttpRequestDetail, type ImageDefinition } from './types.js';

const MIB = 1024 * 1024;

/** cobra/pflag-style `--name=value`, `--name value`, `--flag`; unknown flags are an error. */
export function parseSubcommandFlags(args: readonly string[], known: Record<string, 'int' | 'bool' | 'string'>): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) return `unknown command "${a}"`;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    const kind = known[name];
    if (!kind) return `unknown flag: --${name}`;
    let value = eq < 0 ? undefined : a.slice(eq + 1);
    if (value === undefined) {
      if (kind === 'bool') value = 'true';
      else if (i + 1 < args.length) value = args[++i]!;
      else return `flag needs an argument: --${name}`;
    }
    if (kind === 'int' && !/^-?\d+$/.test(value)) return `invalid argument "${value}" for "--${name}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`;
    out[name] = value;
  }
  return out;
}

function log(ctx: ProcessContext, text: string): void {
  ctx.stderr.write(`${goLogTime(ctx.clock.now())} ${text}\n`);
}

function query(url: string): URLSearchParams {
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

const text = (body: string, status = 200): HttpResponseInfo => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });

/** Go durations as agnhost's /exit takes them (`10s`, `500ms`); NaN when malformed. */
function goDurationMs(s: string): number {
  if (s === '' || s === '0') return 0;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return NaN;
    ms += Number(m[1]) * units[m[2]!]!;
    pos = re.lastIndex;
  }
  return ms;
}

/** Runs `/bin/sh -c cmd` in the container with output combined, as exec.Command(...).CombinedOutput(). */
async function shell(ctx: ProcessContext, cmd: string): Promise<{ output: string; error?: string }> {
  let output = '';
  const sink = { write: (c: string | Uint8Array) => void (output += typeof c === 'string' ? c : Buffer.from(c).toString()) };
  try {
    const code = await ctx.spawn(['/bin/sh', '-c', cmd], { stdout: sink, stderr: sink });
    return code === 0 ? { output } : { output, error: `exit status ${code}` };
  } catch (err) {
    if (err instanceof CommandNotFoundError) return { output, error: 'fork/exec /bin/sh: no such file or directory' };
    return { output, error: (err as Error).message };
  }
}

function netexecRoutes(ctx: ProcessContext, exit: (code: number) => void): (req: HttpRequestInfo) => Promise<HttpResponseInfo> {
  return async (req) => {
    const path = req.url.split('?')[0]!;
    const q = query(req.url);
    switch (path) {
      case '/hostname':
      case '/hostName':
        log(ctx, `GET ${path}`);
        return text(ctx.hostname);
      case '/clientip':
        log(ctx, 'GET /clientip');
        return text(`${req.remoteAddress}:${(req as HttpRequestDetail).remotePort ?? 0}`);
      case '/echo': {
        const msg = q.get('msg') ?? '';
        const code = q.get('code') ?? '';
        log(ctx, `GET /echo?msg=${msg}&code=${code}`);
        if (code !== '' && !/^\d+$/.test(code)) return text(`argument 'code' must be an integer or empty, got ${JSON.stringify(code)}\n`);
        return text(msg, code === '' ? 200 : Number(code));
      }
      case '/healthz':
      case '/readyz':
        log(ctx, `GET ${path}`);
        return text('', 200);
      case '/exit': {
        const codeText = q.get('code') ?? '';
        const waitMs = goDurationMs(q.get('wait') ?? '');
        log(ctx, `GET /exit?code=${codeText}&timeout=${q.get('timeout') ?? ''}&wait=${q.get('wait') ?? ''}`);
        if (Number.isNaN(waitMs)) return text(`argument 'wait' must be a valid golang duration or empty, got ${JSON.stringify(q.get('wait'))}\n`);
        if (codeText !== '' && !/^\d+$/.test(codeText)) return text(`argument 'code' must be an integer [0-127] or empty, got ${JSON.stringify(codeText)}\n`);
        if (waitMs > 0) await ctx.clock.sleep(waitMs, ctx.killed).catch(() => undefined);
        // The process exits without answering: the client sees its connection close.
        exit(codeText === '' ? 0 : Number(codeText));
        return new Promise<never>(() => undefined);
      }
      case '/shutdown':
        log(ctx, 'GET /shutdown');
        exit(0);
        return new Promise<never>(() => undefined);
      case '/shell': {
        const cmd = q.get('shellCommand') || q.get('cmd') || '';
        log(ctx, `GET /shell?cmd=${cmd}`);
        const result = await shell(ctx, cmd);
        const out: Record<string, string> = {};
        if (result.error !== undefined) out.error = result.error;
        if (result.output) out.output = result.output;
        return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: JSON.stringify(out) };
      }
      case '/redirect': {
        const location = q.get('location') ?? '/';
        const code = Number(q.get('code') || 303);
        return { status: code, headers: { location }, body: '' };
      }
      case '/ConsumeCPU':
      case '/ConsumeMem': {
        const amountName = path === '/ConsumeCPU' ? 'millicores' : 'megabytes';
        const amountText = q.get(amountName);
        const durationText = q.get('durationSec');
        if (!amountText || !durationText) return text('not given function argument\n', 400);
        if (!/^\d+$/.test(amountText) || !/^\d+$/.test(durationText)) return text('incorrect function argument\n', 400);
        const amount = Number(amountText);
        const durationMs = Number(durationText) * 1000;
        if (path === '/ConsumeCPU') {
          void ctx.usage.consumeCpu(amount, durationMs, ctx.killed).catch(() => undefined);
        } else {
          ctx.usage.allocate(amount * MIB);
          void ctx.clock.sleep(durationMs, ctx.killed).then(() => ctx.usage.allocate(-amount * MIB), () => undefined);
        }
        return text(`${path.slice(1)}\n${amount} ${amountName}\n${durationText} durationSec\n`);
      }
      case '/':
        log(ctx, 'GET /');
        return text(`NOW: ${new Date(ctx.clock.now()).toISOString()}`);
      default:
        return text('404 page not found\n', 404);
    }
  };
}

/** The UDP side of netexec: `hostname`, `echo <msg>`, `clientip`. Closed with the process. */
async function startUdp(ctx: ProcessContext, port: number): Promise<void> {
  const sock = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    const line = msg.toString().trim();
    let reply: string;
    if (line === 'hostname') reply = ctx.hostname;
    else if (line.startsWith('echo ')) reply = line.slice(5);
    else if (line === 'clientip') reply = `${rinfo.address}:${rinfo.port}`;
    else reply = `unknown command ${JSON.stringify(line)}`;
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, ctx.net.podIP, () => {
      sock.off('error', reject);
      sock.on('error', () => undefined);
      resolve();
    });
  });
  ctx.killed.addEventListener('abort', () => sock.close(), { once: true });
}

async function netexec(ctx: ProcessContext, args: readonly string[]): Promise<number> {
  const flags = parseSubcommandFlags(args, { 'http-port': 'int', 'udp-port': 'int', 'sctp-port': 'int', 'tls-cert-file': 'string', 'tls-private-key-file': 'string', 'http-override': 'string', 'udp-listen-addresses': 'string', 'delay-shutdown': 'int' });
  if (typeof flags === 'string') return usageError(ctx, flags, 'netexec');
  const httpPort = Number(flags['http-port'] ?? 8080);
  const udpPort = Number(flags['udp-port'] ?? 8081);
  const life = lifetime(ctx);
  if (udpPort !== -1) {
    try {
      await startUdp(ctx, udpPort);
      log(ctx, `Started UDP server on port ${udpPort}`);
    } catch (err) {
      log(ctx, `listen udp :${udpPort}: bind: ${(err as Error).message}`);
      return 1;
    }
  }
  try {
    await ctx.net.listenHttp(httpPort, netexecRoutes(ctx, life.exit));
  } catch (err) {
    log(ctx, `listen tcp :${httpPort}: bind: ${(err as Error).message}`);
    return 1;
  }
  log(ctx, `Started HTTP server on port ${httpPort}`);
  return life.done;
}

async function serveHostname(ctx: ProcessContext, args: readonly string[]): Promise<number> {
  const flags = parseSubcommandFlags(args, { port: 'int', http: 'bool', tcp: 'bool', udp: 'bool', close: 'bool' });
  if (typeof flags === 'string') return usageError(ctx, flags, 'serve-hostname');
  const port = Number(flags.port ?? 9376);
  const life = lifetime(ctx);
  try {
    if (flags.tcp === 'true') await ctx.net.listenTcp(port);
    else await ctx.net.listenHttp(port, (req) => {
      log(ctx, `HTTP request from ${req.remoteAddress}`);
      return text(ctx.hostname);
    });
  } catch (err) {
    log(ctx, `listen tcp :${port}: bind: ${(err as Error).message}`);
    return 1;
  }
  log(ctx, `Serving on port ${port}.`);
  ctx.onSignal('TERM', () => {
    log(ctx, 'Shutting down after receiving signal: terminated.');
    log(ctx, 'Awaiting pod deletion.');
    void ctx.clock.sleep(60_000, ctx.killed).then(() => life.exit(0), () => undefined);
  });
  return life.done;
}

async function agnhostPause(ctx: ProcessContext): Promise<number> {
  ctx.stdout.write('Paused\n');
  const life = lifetime(ctx);
  ctx.onSignal('INT', () => life.exit(1));
  ctx.onSignal('TERM', () => life.exit(2));
  return life.done;
}

/** liveness: /healthz answers 200 for the first 10 s after start, then 500 (port 8080). */
async function liveness(ctx: ProcessContext): Promise<number> {
  const started = ctx.clock.now();
  const life = lifetime(ctx);
  await ctx.net.listenHttp(8080, (req) => {
    if (req.url.split('?')[0] !== '/healthz') return text('404 page not found\n', 404);
    const age = ctx.clock.now() - started;
    return age > 10_000 ? text(`error: ${(age / 1000).toFixed(6)}`, 500) : text('ok');
  });
  ctx.onSignal('TERM', () => life.exit(0));
  return life.done;
}

function usageError(ctx: ProcessContext, message: string, sub: string): number {
  ctx.stderr.write(`Error: ${message}\nRun 'agnhost ${sub} --help' for usage.\n`);
  return 1;
}

export const agnhost: Program = async (ctx) => {
  const [sub, ...rest] = ctx.argv.slice(1);
  switch (sub) {
    case 'netexec':
      return netexec(ctx, rest);
    case 'serve-hostname':
      return serveHostname(ctx, rest);
    case 'pause':
      return agnhostPause(ctx);
    case 'liveness':
      return liveness(ctx);
    case undefined:
      ctx.stdout.write('agnhost: a test server with subcommands (netexec, serve-hostname, pause, liveness)\n');
      return 0;
    default:
      ctx.stderr.write(`Error: unknown command "${sub}" for "agnhost"\nRun 'agnhost --help' for usage.\n`);
      return 1;
  }
};

export function agnhostImage(): ImageDefinition {
  return image({ entrypoint: ['/agnhost'], cmd: ['pause'], programs: new Map([['agnhost', agnhost]]), sizeBytes: 52 * 1024 * 1024 });
}
