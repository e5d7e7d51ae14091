// The httpd image: httpd-foreground serving /usr/local/apache2/htdocs on port 80 ("It works!"
// unless a volume is mounted there), access log in the common format on stdout, notices on stderr,
// TERM exits 0.
import type { HttpRequestInfo, Program, ProcessContext } from '../process.js';
import { accessLogTime, bindErrorText, httpdLogTime, lifetime } from './lifetime.js';
import { serveStatic } from './static-site.js';
import { image, type ImageDefinition } from './types.js';

const VERSION = '2.4.62';
const DOCROOT = '/usr/local/apache2/htdocs';
const STATUS_TEXT: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed' };

function errorPage(status: number, text: string, detail: string): string {
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${text}</title>\n</head><body>\n<h1>${text}</h1>\n<p>${detail}</p>\n</body></html>\n`;
}

function note(ctx: ProcessContext, text: string): void {
  ctx.stderr.write(`[${httpdLogTime(ctx.clock.now())}] [mpm_event:notice] [pid 1:tid 1] ${text}\n`);
}

export const httpd: Program = async (ctx) => {
  const life = lifetime(ctx);
  const onRequest = async (req: HttpRequestInfo) => {
    const found = await serveStatic(ctx.fs, DOCROOT, req.method, req.url);
    const status = found.status;
    const body = found.status === 200 ? found.body : Buffer.from(errorPage(status, STATUS_TEXT[status]!, 'The requested URL was not found on this server.'));
    ctx.stdout.write(`${req.remoteAddress} - - [${accessLogTime(ctx.clock.now())}] "${req.method} ${req.url} HTTP/1.1" ${status} ${req.method === 'HEAD' ? '-' : body.length}\n`);
    return {
      status,
      headers: { server: `Apache/${VERSION} (Unix)`, 'content-type': found.status === 200 ? found.contentType : 'text/html; charset=iso-8859-1' },
      body: req.method === 'HEAD' ? '' : body,
    };
  };
  try {
    await ctx.net.listenHttp(80, onRequest);
  } catch (err) {
    ctx.stderr.write(`(${bindErrorText(err).replace(': ', ')')}: AH00072: make_sock: could not bind to address 0.0.0.0:80\nno listening sockets available, shutting down\nAH00015: Unable to open logs\n`);
    return 1;
  }
  ctx.stderr.write(`AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using ${ctx.net.podIP}. Set the 'ServerName' directive globally to suppress this message\n`);
  note(ctx, `AH00489: Apache/${VERSION} (Unix) configured -- resuming normal operations`);
  note(ctx, "AH00094: Command line: 'httpd -D FOREGROUND'");
  ctx.onSignal('TERM', () => {
    note(ctx, 'AH00491: caught SIGTERM, shutting down');
    life.exit(0);
  });
  ctx.onSignal('INT', () => life.exit(0));
  return life.done;
};

export function httpdImage(): ImageDefinition {
  return image({
    cmd: ['httpd-foreground'],
    env: { PATH: '/usr/local/apache2/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HTTPD_PREFIX: '/usr/local/apache2', HTTPD_VERSION: VERSION },
    workingDir: '/usr/local/apache2',
    files: { [`${DOCROOT}/index.html`]: '<html><body><h1>It works!</h1></body></html>\n' },
    programs: new Map([
      ['httpd-foreground', httpd],
      ['httpd', httpd],
    ]),
    sizeBytes: 58 * 1024 * 1024,
  });
}
