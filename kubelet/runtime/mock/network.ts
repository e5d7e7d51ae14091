// A process's sockets on its pod IP: HTTP and plain TCP listeners that the process host closes
// (connections included) when the process exits, and name resolution through the container's
// files. Bind errors read like Go's (`listen tcp 127.244.1.5:80: bind: address already in use`)
// and keep Node's code (EADDRINUSE, EACCES) for programs that branch on it.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { readBody } from '../http-body.js';
import type { HttpHandler, NetworkAccess } from './process.js';
import type { HttpRequestDetail } from './images/types.js';
import type { ContainerResolver } from './resolver.js';

const MAX_BODY = 1024 * 1024;

const BIND_TEXT: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
};

function bindError(err: NodeJS.ErrnoException, ip: string, port: number): Error {
  const why = BIND_TEXT[err.code ?? ''] ?? err.message;
  return Object.assign(new Error(`listen tcp ${ip}:${port}: bind: ${why}`), { code: err.code });
}

/** Listens on ip:port, rejecting with a Go-like bind error. */
export function listenOn(server: HttpServer | TcpServer, ip: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(bindError(err, ip, port));
    server.once('error', onError);
    server.listen({ host: ip, port, exclusive: true }, () => {
      server.off('error', onError);
      server.on('error', () => undefined);
      resolve();
    });
  });
}

export class ProcessNetwork implements NetworkAccess {
  private readonly closers = new Set<() => void>();
  private closed = false;

  constructor(
    readonly podIP: string,
    private readonly resolver: ContainerResolver,
  ) {}

  /** Remembers the server's connections; returns what closes it and them. */
  private track(server: HttpServer | TcpServer): () => void {
    const sockets = new Set<Socket>();
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    return () => {
      if (server.listening) server.close();
      for (const s of sockets) s.destroy();
    };
  }

  async listenHttp(port: number, handler: HttpHandler): Promise<void> {
    const server = createHttpServer(async (req, res) => {
      try {
        const body = await readBody(req, MAX_BODY);
        const info: HttpRequestDetail = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          remoteAddress: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
          remotePort: req.socket.remotePort ?? 0,
          body,
        };
        const answer = await handler(info);
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body);
      } catch {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      }
    });
    await this.listen(server, port);
  }

  async listenTcp(port: number): Promise<void> {
    // Accepts and holds connections: the port is open, nothing is said.
    await this.listen(createTcpServer((s) => s.on('error', () => undefined)), port);
  }

  private async listen(server: HttpServer | TcpServer, port: number): Promise<void> {
    if (this.closed) throw Object.assign(new Error('process has exited'), { code: 'ECANCELED' });
    const close = this.track(server);
    await listenOn(server, this.podIP, port);
    // The process may have ended while the bind was in flight.
    if (this.closed) close();
    else this.closers.add(close);
  }

  resolveHost(name: string): Promise<string[]> {
    return this.resolver.resolve(name);
  }

  /** The process exited: its listeners and their connections go with it. */
  closeAll(): void {
    this.closed = true;
    for (const close of this.closers) close();
    this.closers.clear();
  }
}
