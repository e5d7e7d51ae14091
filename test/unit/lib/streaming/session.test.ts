// serveSession and pipeWebSockets over real loopback WebSockets: a client ↔ (proxy ↔) server
// carrying stdin, stdout, stderr, resize, the v5 stdin close and the final status + close 1000.
import t, { type Test } from 'tap';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { WebSocket } from 'ws';
import { acceptWebSocket, dialWebSocket, negotiateProtocol, parseProtocolHeader, pipeWebSockets, rejectUpgrade, serveSession, type StreamSessionLike } from '../../../../lib/streaming/index.js';
import { CHANNEL, decodeFrame, encodeCloseSignal, encodeFrame, encodeResize } from '../../../../lib/streaming/protocol.js';
import { decodeStatus } from '../../../../lib/streaming/status.js';

/** A `cat` that upper-cases stdin to stdout, says "bye" on stderr and exits with `code` at EOF. */
function catSession(code: number): StreamSessionLike & { sizes: unknown[]; closed: boolean } {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let resolveExit!: (n: number) => void;
  const s = {
    stdin, stdout, stderr, sizes: [] as unknown[], closed: false,
    resize: (size: unknown) => void s.sizes.push(size),
    exit: new Promise<number>((r) => (resolveExit = r)),
    close: () => { s.closed = true; resolveExit(137); },
  };
  stdin.on('data', (d: Buffer) => stdout.write(d.toString().toUpperCase()));
  stdin.on('end', () => {
    stderr.end('bye');
    stdout.end();
    resolveExit(code);
  });
  return s;
}

async function listen(t: Test, onUpgrade: Parameters<Server['on']>[1]): Promise<string> {
  const server = createServer((_req, res) => res.end());
  server.on('upgrade', onUpgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Received { frames: Array<{ channel: number; text: string }>; close: Promise<number> }
function record(ws: WebSocket): Received {
  const frames: Array<{ channel: number; text: string }> = [];
  ws.on('message', (d: Buffer) => {
    const f = decodeFrame(d);
    if (f) frames.push({ channel: f.channel, text: f.data.toString() });
  });
  ws.resume();
  return { frames, close: new Promise((r) => ws.on('close', (code: number) => r(code))) };
}

async function sessionServer(t: Test, session: StreamSessionLike): Promise<string> {
  return listen(t, (req, socket, head) => {
    const protocol = negotiateProtocol(parseProtocolHeader(req.headers['sec-websocket-protocol']));
    if (!protocol) return rejectUpgrade(socket, 400, 'no protocol');
    void acceptWebSocket(req, socket, head, protocol).then((ws) => serveSession(ws, session, { protocol, command: ['cat'] }));
  });
}

t.test('v5: stdin, resize and the stdin close reach the session; output and status come back', async (t) => {
  const session = catSession(2);
  const url = await sessionServer(t, session);
  const dialed = await dialWebSocket(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  if (!dialed.ok) throw new Error('handshake refused');
  t.equal(dialed.protocol, 'v5.channel.k8s.io');
  const got = record(dialed.ws);
  dialed.ws.send(encodeResize({ width: 80, height: 24 }));
  dialed.ws.send(encodeFrame(CHANNEL.stdin, 'hello'));
  dialed.ws.send(encodeCloseSignal(CHANNEL.stdin));
  t.equal(await got.close, 1000, 'a normal close after the status');
  t.same(session.sizes, [{ width: 80, height: 24 }]);
  const out = got.frames.filter((f) => f.channel === CHANNEL.stdout).map((f) => f.text).join('');
  const err = got.frames.filter((f) => f.channel === CHANNEL.stderr).map((f) => f.text).join('');
  t.equal(out, 'HELLO');
  t.equal(err, 'bye');
  const last = got.frames[got.frames.length - 1]!;
  t.equal(last.channel, CHANNEL.error, 'the status is the last frame');
  t.match(decodeStatus(Buffer.from(last.text)), { status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '2' }] } });
});

t.test('the client going away closes the session', async (t) => {
  const session = catSession(0);
  const url = await sessionServer(t, session);
  const dialed = await dialWebSocket(url, ['v4.channel.k8s.io']);
  if (!dialed.ok) throw new Error('handshake refused');
  t.equal(dialed.protocol, 'v4.channel.k8s.io');
  dialed.ws.resume();
  dialed.ws.close(1000);
  t.equal(await session.exit, 137);
  t.equal(session.closed, true);
});

t.test('a refused handshake returns its status and body', async (t) => {
  const url = await sessionServer(t, catSession(0));
  const dialed = await dialWebSocket(url, ['channel.k8s.io']);
  t.same(dialed, { ok: false, statusCode: 400, body: 'no protocol' });
});

t.test('pipeWebSockets carries frames and the close code through a proxy', async (t) => {
  const session = catSession(0);
  const backend = await sessionServer(t, session);
  const proxy = await listen(t, (req, socket, head) => {
    void (async () => {
      const offered = parseProtocolHeader(req.headers['sec-websocket-protocol']);
      const up = await dialWebSocket(backend, offered);
      if (!up.ok) return rejectUpgrade(socket, up.statusCode, up.body);
      const client = await acceptWebSocket(req, socket, head, up.protocol);
      await pipeWebSockets(client, up.ws);
    })();
  });
  const dialed = await dialWebSocket(proxy, ['v5.channel.k8s.io']);
  if (!dialed.ok) throw new Error('handshake refused');
  t.equal(dialed.protocol, 'v5.channel.k8s.io', 'the backend chose, the proxy answered the same');
  const got = record(dialed.ws);
  dialed.ws.send(encodeFrame(CHANNEL.stdin, 'abc'));
  dialed.ws.send(encodeCloseSignal(CHANNEL.stdin));
  t.equal(await got.close, 1000);
  t.equal(got.frames.filter((f) => f.channel === CHANNEL.stdout).map((f) => f.text).join(''), 'ABC');
  t.match(decodeStatus(Buffer.from(got.frames[got.frames.length - 1]!.text)), { status: 'Success' });
});
