// Joins two WebSockets message for message (the apiserver between kubectl and a kubelet): every
// message goes across as it came (binary or text), and a close on either side closes the other
// with the same code, so the channel protocol — status frame, then close 1000 — passes through.
import type { WebSocket } from 'ws';

/** Close codes a peer may not send itself (1005/1006/1015 are reserved for "none"/"abnormal"). */
function forwardableCode(code: number): number {
  return code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999) ? code : 1000;
}

/** Resolves when both sides are closed. */
export function pipeWebSockets(a: WebSocket, b: WebSocket): Promise<void> {
  const closed = (ws: WebSocket) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve())));
  const join = (from: WebSocket, to: WebSocket) => {
    from.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      if (to.readyState === to.OPEN) to.send(data, { binary: isBinary });
    });
    from.on('error', () => undefined);
    from.on('close', (code: number, reason: Buffer) => {
      if (to.readyState === to.OPEN) to.close(forwardableCode(code), reason.length <= 123 ? reason : undefined);
      else if (to.readyState === to.CONNECTING) to.terminate();
    });
  };
  join(a, b);
  join(b, a);
  // Both may have been handed over paused (dialWebSocket, acceptWebSocket).
  a.resume();
  b.resume();
  return Promise.all([closed(a), closed(b)]).then(() => undefined);
}
