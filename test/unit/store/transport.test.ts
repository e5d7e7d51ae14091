// The peer transport's bounds and liveness: frames are bounded, a peer that does not drain gets a
// bounded buffer (then drops, reported unreachable), and a stream that goes silent is detected and
// redialed rather than left to TCP's retransmission back-off.
import t from 'tap';
import { createServer, type Socket } from 'node:net';
import Fastify from 'fastify';
import { realClock } from '../../../lib/util/clock.js';
import { createLogger } from '../../../lib/util/logger.js';
import { waitFor } from '../../../lib/util/wait.js';
import { decodeMessages, encodeFrames } from '../../../store/codec.js';
import { Transport, type TransportOptions } from '../../../store/transport.js';
import { PeerFaults } from '../../../store/peer-faults.js';
import { makeMessage, type Message } from '../../../store/raft/types.js';

const logger = createLogger('store', { level: 'silent' });

function append(to: number, index: number, entryBytes: number, entries = 1): Message {
  return makeMessage({
    type: 'MsgApp', from: 1, to, term: 2, index, logTerm: 2, commit: index, clusterId: 'c',
    entries: Array.from({ length: entries }, (_, i) => ({ term: 2, index: index + 1 + i, type: 'normal' as const, data: new Uint8Array(entryBytes) })),
  });
}

t.test('encodeFrames: every frame stays within the bound and the frames decode to the input', async (t) => {
  const msgs = Array.from({ length: 300 }, (_, i) => append(2, i * 40, 100, 40)); // 300 messages of ~4 KiB of small entries
  const bound = 64 * 1024;
  const frames = encodeFrames(msgs, bound);
  t.ok(frames.length > 1, `split into ${frames.length} frames`);
  const largest = Math.max(...frames.map((f) => f.length));
  t.ok(largest <= bound, `the largest frame (${largest} bytes) is within ${bound}`);
  const back = frames.flatMap((f) => decodeMessages(f));
  t.equal(back.length, msgs.length, 'no message lost or duplicated');
  t.same(back.map((m) => m.index), msgs.map((m) => m.index), 'in order');
  const big = encodeFrames([append(2, 1, 200 * 1024)], bound);
  t.equal(big.length, 1, 'a message over the bound travels alone');
});

/** A TCP server that accepts connections and never reads or answers (a stalled peer). */
async function blackHole(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  let count = 0;
  const srv = createServer((s) => {
    count++;
    sockets.push(s);
    s.pause();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      srv.close(() => r());
    }),
  };
}

function transport(peerUrl: string, extra: Partial<TransportOptions> = {}) {
  const unreachable: number[] = [];
  const lost: number[] = [];
  const tr = new Transport({
    selfId: 1,
    clusterId: 'c',
    peers: [{ id: 1, name: 'a', url: 'http://127.0.0.1:1' }, { id: 2, name: 'b', url: peerUrl }],
    logger,
    clock: realClock,
    onUnreachable: (id) => unreachable.push(id),
    onSnapshotStatus: () => undefined,
    onPeerLost: (id) => lost.push(id),
    ...extra,
  });
  return { tr, unreachable, lost };
}

t.test('a peer that does not drain gets a bounded buffer; the rest is dropped and reported', async (t) => {
  const peer = await blackHole();
  t.teardown(peer.close);
  const max = 4 * 1024 * 1024;
  const { tr, unreachable } = transport(peer.url, { maxPeerBufferBytes: max, idleTimeoutMs: 60_000 });
  t.teardown(() => tr.close());
  // 64 MiB of appends at 1 MiB per message: what a stalled stream used to accumulate.
  for (let i = 0; i < 64; i++) tr.send([append(2, i, 1024 * 1024)]);
  t.ok(tr.bufferedBytes(2) <= max, `buffered ${tr.bufferedBytes(2)} bytes <= ${max}`);
  t.ok(unreachable.includes(2), 'the peer was reported unreachable when its buffer filled');
});

t.test('a silent stream is detected dead and redialed', async (t) => {
  const peer = await blackHole();
  t.teardown(peer.close);
  const { tr, unreachable, lost } = transport(peer.url, { keepaliveMs: 50, idleTimeoutMs: 300, dialTimeoutMs: 300 });
  t.teardown(() => tr.close());
  tr.send([append(2, 1, 10)]);
  await waitFor(() => lost.includes(2), { timeoutMs: 5000, description: 'the silent stream to be declared dead' });
  t.ok(unreachable.includes(2), 'reported unreachable');
  await waitFor(() => peer.connections() >= 2, { timeoutMs: 5000, description: 'a redial (keepalives reopen the stream)' });
  t.pass(`redialed: ${peer.connections()} connections`);
});

t.test('two transports talk; fault injection partitions them and healing restores traffic', async (t) => {
  const received: Message[] = [];
  const peers = [{ id: 1, name: 'a', url: 'http://127.0.0.1:1' }, { id: 2, name: 'b', url: 'http://127.0.0.1:1' }];
  const bFaults = new PeerFaults(peers);
  // b only receives here: its listener runs the transport's routes and the fault endpoint.
  const b = new Transport({ selfId: 2, clusterId: 'c', peers, logger, clock: realClock, onUnreachable: () => undefined, onSnapshotStatus: () => undefined, faults: bFaults, keepaliveMs: 50, idleTimeoutMs: 300 });
  t.teardown(() => b.close());
  const app = Fastify({ logger: false });
  b.routes(app, (msgs) => received.push(...msgs));
  bFaults.routes(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const bUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const { tr: a, lost } = transport(bUrl, { keepaliveMs: 50, idleTimeoutMs: 300, dialTimeoutMs: 300 });
  t.teardown(() => a.close());

  a.send([append(2, 1, 10)]);
  await waitFor(() => received.length === 1, { timeoutMs: 5000, description: 'the first message' });

  const put = (blockedPeers: string[]) => app.inject({ method: 'PUT', url: '/debug/faults', payload: { blockedPeers } });
  t.equal((await put(['a'])).statusCode, 200, 'b blocks a');
  t.equal((await put(['nobody'])).statusCode, 400, 'an unknown peer name is refused');
  t.same(bFaults.state(), { blockedPeers: ['a'] }, 'the failed update changed nothing');
  a.send([append(2, 2, 10)]);
  await waitFor(() => lost.includes(2), { timeoutMs: 5000, description: 'a to notice the silent stream' });
  t.equal(received.length, 1, 'nothing crossed the partition');

  await put([]);
  await waitFor(
    () => {
      a.send([append(2, 3, 10)]);
      return received.some((m) => m.index === 3);
    },
    { timeoutMs: 5000, intervalMs: 100, description: 'traffic after the heal' },
  );
  t.pass('traffic flows again after the heal');
});
