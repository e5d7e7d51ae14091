// Opening a channel-protocol WebSocket to a server (the apiserver to a kubelet, our kubectl to the
// apiserver). A refused handshake is not an exception: its HTTP status and body come back so the
// caller can turn them into the error its own client should see. The socket comes back paused.
import { WebSocket } from 'ws';

export type DialResult =
  | { ok: true; ws: WebSocket; protocol: string }
  | { ok: false; statusCode: number; body: string };

const MAX_ERROR_BODY = 50_000;

export function dialWebSocket(url: string, protocols: readonly string[], opts: { timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<DialResult> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [...protocols], {
      perMessageDeflate: false,
      handshakeTimeout: opts.timeoutMs ?? 10_000,
      maxPayload: 16 * 1024 * 1024,
      ...(opts.headers ? { headers: opts.headers } : {}),
    });
    let settled = false;
    ws.once('open', () => {
      // Frames may follow the handshake at once: hold them until the caller listens (resume()).
      ws.pause();
      settled = true;
      resolve({ ok: true, ws, protocol: ws.protocol });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        if (body.length < MAX_ERROR_BODY) body += d;
      });
      const done = () => {
        if (settled) return;
        settled = true;
        ws.terminate();
        resolve({ ok: false, statusCode: res.statusCode ?? 500, body: body.slice(0, MAX_ERROR_BODY) });
      };
      res.once('end', done);
      res.once('error', done);
      res.once('close', done);
    });
    ws.once('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
  });
}
