// The nginx image: /docker-entrypoint.sh (prints its configuration lines, then execs "$@") and
// nginx serving /usr/share/nginx/html on port 80 — a volume mounted there, else the welcome page.
// One access-log line per request on stdout in the image's `main` format (combined +
// "$http_x_forwarded_for"); notices on stderr; TERM or INT exits 0 at once, as nginx's fast shutdown.
import type { HttpRequestInfo, Program, ProcessContext } from '../process.js';
import { accessLogTime, bindErrorText, goLogTime, headerOrDash, lifetime } from './lifetime.js';
import { serveStatic } from './static-site.js';
import { image, type ImageDefinition } from './types.js';

const VERSION = '1.27.3';
const DOCROOT = '/usr/share/nginx/html';

const WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
</body>
</html>
`;

const FIFTY_X = `<!DOCTYPE html>
<html>
<head><title>Error</title></head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.</p>
</body>
</html>
`;

function errorPage(status: number, text: string): string {
  return `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx/${VERSION}</center>\r\n</body>\r\n</html>\r\n`;
}

const STATUS_TEXT: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 405: 'Not Allowed' };

function notice(ctx: ProcessContext, text: string): void {
  ctx.stderr.write(`${goLogTime(ctx.clock.now())} [notice] 1#1: ${text}\n`);
}

export const nginx: Program = async (ctx) => {
  const life = lifetime(ctx);
  const onRequest = async (req: HttpRequestInfo) => {
    const found = await serveStatic(ctx.fs, DOCROOT, req.method, req.url);
    const status = found.status;
    const body = found.status === 200 ? found.body : Buffer.from(errorPage(status, STATUS_TEXT[status]!));
    const size = req.method === 'HEAD' ? 0 : body.length;
    ctx.stdout.write(`${req.remoteAddress} - - [${accessLogTime(ctx.clock.now())}] "${req.method} ${req.url} HTTP/1.1" ${status} ${size} "${headerOrDash(req.headers, 'referer')}" "${headerOrDash(req.headers, 'user-agent')}" "${headerOrDash(req.headers, 'x-forwarded-for')}"\n`);
    return {
      status,
      headers: { server: `nginx/${VERSION}`, 'content-type': found.status === 200 ? found.contentType : 'text/html' },
      body: req.method === 'HEAD' ? '' : body,
    };
  };
  try {
    await ctx.net.listenHttp(80, onRequest);
  } catch (err) {
    ctx.stderr.write(`${goLogTime(ctx.clock.now())} [emerg] 1#1: bind() to 0.0.0.0:80 failed (${bindErrorText(err)})\nnginx: [emerg] bind() to 0.0.0.0:80 failed (${bindErrorText(err)})\n`);
    return 1;
  }
  notice(ctx, 'using the "epoll" event method');
  notice(ctx, `nginx/${VERSION}`);
  notice(ctx, 'start worker processes');
  const shutdown = (sig: string, n: number) => () => {
    notice(ctx, `signal ${n} (${sig}) received, exiting`);
    notice(ctx, 'exit');
    life.exit(0);
  };
  ctx.onSignal('TERM', shutdown('SIGTERM', 15));
  ctx.onSignal('INT', shutdown('SIGINT', 2));
  return life.done;
};

/** The image's /docker-entrypoint.sh: configuration notes when it starts nginx, then exec "$@". */
function dockerEntrypoint(argv: readonly string[], ctx: { stdout: { write(s: string): void } }): void {
  const next = argv[1] ?? '';
  if (next !== 'nginx' && next !== 'nginx-debug') return;
  ctx.stdout.write('/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n');
  ctx.stdout.write('/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n');
  ctx.stdout.write('/docker-entrypoint.sh: Configuration complete; ready for start up\n');
}

export function nginxImage(): ImageDefinition {
  return image({
    entrypoint: ['/docker-entrypoint.sh'],
    cmd: ['nginx', '-g', 'daemon off;'],
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', NGINX_VERSION: VERSION },
    files: { [`${DOCROOT}/index.html`]: WELCOME, [`${DOCROOT}/50x.html`]: FIFTY_X },
    programs: new Map([
      ['nginx', nginx],
      ['nginx-debug', nginx],
    ]),
    execWrappers: new Map([['docker-entrypoint.sh', dockerEntrypoint]]),
    sizeBytes: 72 * 1024 * 1024,
  });
}
