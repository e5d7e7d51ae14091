// Serves a Runtime on a unix socket (protocol.ts, README.md): unary calls as HTTP/JSON, exec and
// attach as WebSockets with the Kubernetes channel framing. Bad requests get an error answer and
// never reach the runtime; a client that goes away mid-stream ends its session, nothing more.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { unlinkSync } from 'node:fs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../lib/util/logger.js';
import { readBody } from './http-body.js';
import { CHANNEL, HTTP_STATUS, MAX_REQUEST_BYTES, STREAM_PROTOCOLS, UNARY_METHODS, exitStatus, failureStatus, isUnaryMethod, type StreamStatus } from './protocol.js';
import { RuntimeError, isRuntimeError, type Runtime, type RuntimeErrorCode, type StreamSession } from './types.js';

interface ErrorBody {
  error: { code: RuntimeErrorCode; message: string };
}

function errorBody(err: unknown): ErrorBody {
  if (isRuntimeError(err)) return { error: { code: err.code, message: err.message } };
  return { error: { code: 'Internal', message: (err as Error)?.message ?? String(err) } };
}

/** One unary call: method name and JSON body → the answer's status and body. */
export async function callUnary(runtime: Runtime, method: string, body: Buffer): Promise<{ status: number; body: unknown }> {
  try {
    if (!isUnaryMethod(method)) throw new RuntimeError('NotFound', `unknown method ${JSON.stringify(method)}`);
    let params: unknown = {};
    if (body.length > 0) {
      try {
        params = JSON.parse(body.toString('utf8'));
      } catch {
        throw new RuntimeError('InvalidArgument', 'request body is not valid JSON');
      }
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new RuntimeError('InvalidArgument', 'request body must be a JSON object');
    const args = UNARY_METHODS[method].map((name) => (params as Record<string, unknown>)[name]);
    const fn = runtime[method] as (...a: unknown[]) => Promise<unknown>;
    const result = await fn.apply(runtime, args);
    return { status: 200, body: { result: result ?? null } };
  } catch (err) {
    const e = errorBody(err);
    return { status: HTTP_STATUS[e.error.code], body: e };
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Refuses an upgrade with an HTTP answer the client maps back to a RuntimeError. */
function refuseUpgrade(socket: Duplex, err: unknown): void {
  const e = errorBody(err);
  const text = JSON.stringify(e);
  const status = HTTP_STATUS[e.error.code];
  socket.end(`HTTP/1.1 ${status} Error\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === '1' || v === 'true';
}

/** Pipes a session over a WebSocket: output frames out, input frames in, the status last. */
function bridge(ws: WebSocket, session: StreamSession, cmd: readonly string[], logger?: Logger): void {
  const frame = (channel: number, data: Buffer | string) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
  };
  const drained = (stream: NodeJS.ReadableStream | null, channel: number) =>
    new Promise<void>((resolve) => {
      if (!stream) return resolve();
      stream.on('data', (chunk: Buffer | string) => frame(channel, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
      stream.on('end', () => resolve());
      stream.on('close', () => resolve());
      stream.on('error', () => resolve());
    });
  const outputs = Promise.all([drained(session.stdout, CHANNEL.stdout), drained(session.stderr, CHANNEL.stderr)]);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const buf = isBinary ? data : Buffer.from(data.toString());
    if (buf.length === 0) return;
    const channel = buf[0];
    const payload = buf.subarray(1);
    if (channel === CHANNEL.stdin) session.stdin?.write(payload);
    else if (channel === CHANNEL.close && payload[0] === CHANNEL.stdin) session.stdin?.end();
    else if (channel === CHANNEL.resize) {
      try {
        const size = JSON.parse(payload.toString()) as { Width?: unknown; Height?: unknown };
        if (typeof size.Width === 'number' && typeof size.Height === 'number') session.resize({ width: size.Width, height: size.Height });
      } catch {
        // A malformed resize is dropped, as the kubelet drops it.
      }
    }
  });
  // The client went away: end the session (an exec'd process is killed), nothing else.
  ws.on('close', () => session.close());
  ws.on('error', () => session.close());
  session.exit.then(
    async (code) => {
      await outputs;
      finish(exitStatus(code, cmd));
    },
    (err: unknown) => finish(failureStatus((err as Error)?.message ?? String(err))),
  );
  function finish(status: StreamStatus): void {
    frame(CHANNEL.error, JSON.stringify(status));
    if (ws.readyState === ws.OPEN) ws.close(1000);
    logger?.debug({ status: status.status }, 'stream session ended');
  }
}

export function buildRuntimeServer(runtime: Runtime, logger?: Logger): { server: Server; terminateStreams(): void } {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_REQUEST_BYTES,
    handleProtocols: (offered) => STREAM_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://runtime');
    const m = /^\/v1\/([A-Za-z]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return send(res, 404, { error: { code: 'NotFound', message: `no route for ${req.method} ${url.pathname}: calls are POST /v1/<method>` } });
    let body: Buffer;
    try {
      body = await readBody(req, MAX_REQUEST_BYTES);
    } catch (err) {
      return send(res, 400, errorBody(new RuntimeError('InvalidArgument', (err as Error).message)));
    }
    const answer = await callUnary(runtime, m[1]!, body);
    if (answer.status >= 500) logger?.warn({ method: m[1], error: answer.body }, 'runtime call failed');
    send(res, answer.status, answer.body);
  });
  server.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://runtime');
    const q = url.searchParams;
    const kind = url.pathname === '/v1/exec' ? 'exec' : url.pathname === '/v1/attach' ? 'attach' : null;
    let session: StreamSession;
    const cmd = q.getAll('cmd');
    const opts = { tty: flag(q, 'tty'), stdin: flag(q, 'stdin'), stdout: flag(q, 'stdout'), stderr: flag(q, 'stderr') };
    try {
      if (!kind) throw new RuntimeError('NotFound', `no stream route ${url.pathname}: use /v1/exec or /v1/attach`);
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
      if (!STREAM_PROTOCOLS.some((p) => offered.includes(p))) throw new RuntimeError('InvalidArgument', `a stream needs the subprotocol ${STREAM_PROTOCOLS.join(' or ')}`);
      const id = q.get('containerId') ?? '';
      session = kind === 'exec' ? await runtime.exec(id, { ...opts, cmd }) : await runtime.attach(id, opts);
    } catch (err) {
      return refuseUpgrade(socket, err);
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, session, kind === 'exec' ? cmd : ['attach'], logger));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return { server, terminateStreams: () => wss.clients.forEach((ws) => ws.terminate()) };
}

export interface RuntimeServer {
  server: Server;
  close(): Promise<void>;
}

/** True when something answers on the socket (another runtime is serving there). */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Listens on the unix socket, replacing a stale socket file but never a live runtime's. */
export async function serveRuntime(runtime: Runtime, socketPath: string, logger?: Logger): Promise<RuntimeServer> {
  if (await socketAnswers(socketPath)) throw new Error(`${socketPath} is in use: another runtime is serving there`);
  try {
    unlinkSync(socketPath);
  } catch {
    // No stale socket.
  }
  const { server, terminateStreams } = buildRuntimeServer(runtime, logger);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          try {
            unlinkSync(socketPath);
          } catch {
            // Already gone.
          }
          resolve();
        });
        server.closeAllConnections();
        terminateStreams();
      }),
  };
}
