// Serves one exec/attach session over an accepted WebSocket (the kubelet's end of the protocol):
// frames from the client feed the session's stdin and terminal size; its stdout and stderr go
// back as frames; when the process exits and its output is drained, the exit status goes on
// channel 3 and the connection closes normally (1000).
import type { Readable, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import { CHANNEL, closedChannel, decodeFrame, decodeResize, encodeFrame, type StreamProtocol, type TerminalSize } from './protocol.js';
import { errorStatus, exitStatus, type StreamStatus } from './status.js';

/** The runtime's interactive session, as kubelet/runtime/types.ts StreamSession shapes it. */
export interface StreamSessionLike {
  stdin: Writable | null;
  stdout: Readable | null;
  stderr: Readable | null;
  resize(size: TerminalSize): void;
  exit: Promise<number>;
  close(): void;
}

export interface ServeSessionOptions {
  protocol: StreamProtocol;
  /** Named in the NonZeroExitCode message, as the kubelet does. */
  command?: readonly string[];
}

/** Resolves once the connection is finished (status sent, or the client went away). */
export function serveSession(ws: WebSocket, session: StreamSessionLike, opts: ServeSessionOptions): Promise<void> {
  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      resolve();
    };
    const send = (buf: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(buf, { binary: true });
    };

    ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
      const frame = decodeFrame(Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw));
      if (!frame) return;
      if (frame.channel === CHANNEL.stdin) {
        if (session.stdin && !session.stdin.writableEnded) session.stdin.write(frame.data);
      } else if (frame.channel === CHANNEL.resize) {
        const size = decodeResize(frame.data);
        if (size) session.resize(size);
      } else if (closedChannel(frame) === CHANNEL.stdin) {
        if (session.stdin && !session.stdin.writableEnded) session.stdin.end();
      }
      // Anything else (unknown channels, frames on output channels) is ignored, as wsstream does.
    });
    ws.on('error', () => undefined);
    ws.resume();
    ws.on('close', () => {
      // The client left: end the session from our side; its exit no longer has anyone to tell.
      session.stdin?.destroy();
      session.close();
      finish();
    });

    const drained = [pump(session.stdout, CHANNEL.stdout, send), pump(session.stderr, CHANNEL.stderr, send)];
    session.stdin?.on('error', () => undefined);

    const report = (status: StreamStatus) => {
      if (ws.readyState !== ws.OPEN) return finish();
      send(encodeFrame(CHANNEL.error, JSON.stringify(status)));
      ws.close(1000);
      finish();
    };
    session.exit.then(
      async (code) => {
        await Promise.all(drained);
        report(exitStatus(code, opts.command ?? []));
      },
      async (err: unknown) => {
        await Promise.all(drained);
        report(errorStatus(err instanceof Error ? err.message : String(err)));
      },
    );
  });
}

/** Forwards a stream as frames on one channel; resolves when it has ended (or failed). */
function pump(stream: Readable | null, channel: number, send: (buf: Buffer) => void): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer | string) => send(encodeFrame(channel, typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
  });
}
