// Accepting a channel-protocol WebSocket on a plain Node HTTP upgrade (fastify leaves upgrades to
// the server's 'upgrade' event), and refusing one with an HTTP answer before the handshake.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

const CHOSEN = Symbol('chosen subprotocol');
type Tagged = IncomingMessage & { [CHOSEN]?: string };

// One handshake helper per process: noServer, so the caller decides which requests to accept.
const acceptor = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  maxPayload: 16 * 1024 * 1024,
  handleProtocols: (_offered, req) => (req as Tagged)[CHOSEN] ?? false,
});

/**
 * Completes the handshake answering `protocol` (which the caller negotiated from the offer). The
 * socket comes back paused, so no frame is emitted before the caller listens: call resume().
 */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
  (req as Tagged)[CHOSEN] = protocol;
  return new Promise((resolve) =>
    acceptor.handleUpgrade(req, socket, head, (ws) => {
      ws.pause();
      resolve(ws);
    }),
  );
}

/** Answers an upgrade request with a plain HTTP response and closes the socket. */
export function rejectUpgrade(socket: Duplex, code: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  if (socket.destroyed) return;
  const reason = STATUS_TEXT[code] ?? 'Error';
  const bytes = Buffer.from(body, 'utf8');
  socket.end(`HTTP/1.1 ${code} ${reason}\r\ncontent-type: ${contentType}\r\ncontent-length: ${bytes.length}\r\nconnection: close\r\n\r\n${body}`);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** True for an `Upgrade: websocket` request. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}
