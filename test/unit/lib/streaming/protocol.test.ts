// Channel framing, subprotocol negotiation, the v5 close signal and the status frames.
import t from 'tap';
import {
  CHANNEL,
  closedChannel,
  decodeFrame,
  decodeResize,
  encodeCloseSignal,
  encodeFrame,
  encodeResize,
  negotiateProtocol,
  parseProtocolHeader,
  supportsCloseSignal,
} from '../../../../lib/streaming/protocol.js';
import { decodeStatus, errorStatus, exitCodeOf, exitStatus } from '../../../../lib/streaming/status.js';

t.test('frames: first byte is the channel', async (t) => {
  const f = encodeFrame(CHANNEL.stdout, 'hi');
  t.same([...f], [1, 0x68, 0x69]);
  t.same(decodeFrame(f), { channel: 1, data: Buffer.from('hi') });
  t.same([...encodeFrame(CHANNEL.stdin)], [0], 'an empty payload is just the channel');
  t.equal(decodeFrame(new Uint8Array(0)), null, 'an empty message has no channel');
  const u8 = new Uint8Array([2, 0x61]);
  t.same(decodeFrame(u8), { channel: 2, data: Buffer.from('a') }, 'plain Uint8Array too');
});

t.test('negotiation prefers v5, then v4; others are refused', async (t) => {
  t.equal(negotiateProtocol(['v4.channel.k8s.io', 'v5.channel.k8s.io']), 'v5.channel.k8s.io');
  t.equal(negotiateProtocol(['v4.channel.k8s.io', 'channel.k8s.io']), 'v4.channel.k8s.io');
  t.equal(negotiateProtocol(['channel.k8s.io', 'base64.channel.k8s.io']), undefined);
  t.same(parseProtocolHeader('v5.channel.k8s.io, v4.channel.k8s.io'), ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  t.same(parseProtocolHeader(['a', 'b, c']), ['a', 'b', 'c']);
  t.same(parseProtocolHeader(undefined), []);
});

t.test('close signal exists in v5 only', async (t) => {
  t.same([...encodeCloseSignal(CHANNEL.stdin)], [255, 0], 'what kubectl sends after stdin EOF');
  t.equal(closedChannel(decodeFrame(encodeCloseSignal(0))!), 0);
  t.equal(closedChannel(decodeFrame(encodeFrame(CHANNEL.stdin, 'x'))!), undefined, 'a stdin frame closes nothing');
  t.equal(closedChannel({ channel: 255, data: Buffer.alloc(0) }), undefined, 'a close signal without a channel is ignored');
  t.equal(supportsCloseSignal('v5.channel.k8s.io'), true);
  t.equal(supportsCloseSignal('v4.channel.k8s.io'), false);
});

t.test('resize frames', async (t) => {
  const f = decodeFrame(encodeResize({ width: 120, height: 40 }))!;
  t.equal(f.channel, CHANNEL.resize);
  t.same(JSON.parse(f.data.toString()), { Width: 120, Height: 40 });
  t.same(decodeResize(f.data), { width: 120, height: 40 });
  for (const bad of ['', 'null', '{"Width":-1,"Height":2}', '{"Width":"80","Height":24}', '{']) t.equal(decodeResize(Buffer.from(bad)), null, bad);
});

t.test('status frames for exit codes', async (t) => {
  t.same(exitStatus(0), { metadata: {}, status: 'Success' });
  const three = exitStatus(3, ['sh', '-c', 'exit 3']);
  t.match(three, { metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });
  t.match(three.message, 'command terminated with non-zero exit code');
  t.equal(exitCodeOf(three), 3);
  t.equal(exitCodeOf(exitStatus(0)), 0);
  t.equal(exitCodeOf(errorStatus('container gone')), undefined, 'not an exit code');
  t.match(errorStatus('container gone'), { status: 'Failure', reason: 'InternalError', code: 500 });
  t.same(decodeStatus(Buffer.from(JSON.stringify(three))), three);
  t.equal(decodeStatus(Buffer.from('plain text error (v1-v3)')), null);
  t.equal(decodeStatus(Buffer.from('{"status":"Maybe"}')), null);
});
