import t from 'tap';
import { FakeClock } from '../../../../lib/util/clock.js';
import { KubeClient } from '../../../../lib/client/client.js';
import { isResourceExpired } from '../../../../lib/client/errors.js';
import type { WatchEvent } from '../../../../lib/client/watch.js';
import type { KubeObject } from '../../../../lib/api/types.js';
import { FakeTransport, caught, drive, reset, status, type Handler } from '../../../helpers/fake-http.js';

function setup(handler: Handler) {
  const clock = new FakeClock(0);
  const transport = new FakeTransport(handler);
  const c = new KubeClient({ component: 'w', config: { servers: ['http://a'], namespace: 'default' }, transport, clock, qps: 1, burst: 1, random: () => 0 });
  return { clock, transport, pods: c.resource('pods') };
}
const pod = (name: string, rv: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion: rv } });
const rvParam = (path: string) => new URL(path, 'http://x').searchParams.get('resourceVersion');

async function take(clock: FakeClock, it: AsyncGenerator<WatchEvent<KubeObject>>, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await drive(clock, it.next());
    if (r.done) break;
    out.push(`${r.value.type} ${r.value.object.metadata?.name ?? ''}@${r.value.object.metadata?.resourceVersion}`);
  }
  return out;
}

t.test('long-poll: lists first, then polls from the last revision, resuming after errors', async (t) => {
  const { clock, transport, pods } = setup((r, n) => {
    const u = new URL(r.path, 'http://x');
    if (u.searchParams.get('watch') !== 'true') return { status: 200, body: { kind: 'PodList', metadata: { resourceVersion: '10' }, items: [pod('a', '5')] } };
    t.equal(u.searchParams.get('longPoll'), 'true');
    if (n === 1) return { status: 200, body: { metadata: { resourceVersion: '12' }, events: [{ type: 'MODIFIED', object: pod('a', '11') }, { type: 'ADDED', object: pod('b', '12') }] } };
    if (n === 2) throw reset();
    if (n === 3) return status(503, 'ServiceUnavailable');
    if (n === 4) return { status: 200, body: { metadata: { resourceVersion: '20' }, events: [] } };
    return { status: 200, body: { metadata: { resourceVersion: '21' }, events: [{ type: 'DELETED', object: pod('b', '21') }] } };
  });
  const ac = new AbortController();
  const it = pods.watch({ namespace: 'default', signal: ac.signal });
  t.same(await take(clock, it, 5), ['ADDED a@5', 'MODIFIED a@11', 'ADDED b@12', 'BOOKMARK @20', 'DELETED b@21']);
  t.same(transport.requests.slice(1).map((r) => rvParam(r.path)), ['10', '12', '12', '12', '20']);
  ac.abort();
  t.same(await it.next(), { done: true, value: undefined });
});

t.test('long-poll: 410 Expired ends the watch with a typed error', async (t) => {
  const { clock, pods } = setup(() => status(410, 'Expired', 'too old resource version: 3 (40)'));
  const it = pods.watch({ resourceVersion: '3' });
  const err = await caught(drive(clock, it.next()));
  t.ok(isResourceExpired(err), String(err));
});

t.test('long-poll: a 400 is not retried', async (t) => {
  const { clock, pods, transport } = setup(() => status(400, 'BadRequest', 'unable to parse requirement'));
  const err = await caught(drive(clock, pods.watch({ resourceVersion: '3', labelSelector: '!!' }).next()));
  t.match(String(err), /unable to parse requirement/);
  t.equal(transport.requests.length, 1);
});

t.test('stream: events split across chunks, resume from the last revision after the server closes', async (t) => {
  const first = ['{"type":"ADDED","object":', JSON.stringify(pod('a', '7')), '}\n{"type":"MODI', 'FIED","object":' + JSON.stringify(pod('a', '8')) + '}\n'];
  const { clock, transport, pods } = setup((_r, n) => {
    if (n === 0) return { status: 200, chunks: first };
    if (n === 1) return { status: 200, chunks: [`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '30' } } })}\n`] };
    return { status: 200, chunks: [`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old' } })}\n`] };
  });
  const it = pods.watch({ mode: 'stream', resourceVersion: '5' });
  t.same(await take(clock, it, 3), ['ADDED a@7', 'MODIFIED a@8', 'BOOKMARK @30']);
  const err = await caught(drive(clock, it.next()));
  t.ok(isResourceExpired(err), 'ERROR event with a 410 Status ends the watch');
  t.same(transport.requests.map((r) => rvParam(r.path)), ['5', '8', '30']);
  t.match(transport.requests[0]!.path, /allowWatchBookmarks=true/);
});

t.test('stream: a character split across chunks arrives whole', async (t) => {
  const line = Buffer.from(`${JSON.stringify({ type: 'ADDED', object: { ...pod('café-日本', '9') } })}\n`);
  const cut = line.indexOf(Buffer.from('日')) + 1; // inside the three bytes of 日
  const { clock, pods } = setup(() => ({ status: 200, chunks: [line.subarray(0, cut), line.subarray(cut)] }));
  t.same(await take(clock, pods.watch({ mode: 'stream', resourceVersion: '1' }), 1), ['ADDED café-日本@9']);
});

t.test('stream: a line that is not JSON is an error the watch resumes from', async (t) => {
  const { clock, transport, pods } = setup((_r, n) => (n === 0 ? { status: 200, chunks: ['garbage\n'] } : { status: 200, chunks: [`${JSON.stringify({ type: 'ADDED', object: pod('z', '9') })}\n`] }));
  const it = pods.watch({ mode: 'stream', resourceVersion: '1' });
  t.same(await take(clock, it, 1), ['ADDED z@9']);
  t.equal(transport.requests.length, 2);
});

t.test('resume: false ends after the first request', async (t) => {
  const { clock, pods } = setup(() => ({ status: 200, body: { metadata: { resourceVersion: '4' }, events: [{ type: 'ADDED', object: pod('a', '4') }] } }));
  const it = pods.watch({ resourceVersion: '1', resume: false });
  t.same(await take(clock, it, 5), ['ADDED a@4']);
});

t.test('watchBatches: one array per long-poll answer and per stream chunk; events before an ERROR arrive first', async (t) => {
  const poll = setup((_r, n) => (n === 0 ? { status: 200, body: { metadata: { resourceVersion: '9' }, events: [{ type: 'ADDED', object: pod('a', '3') }, { type: 'MODIFIED', object: pod('a', '4') }] } } : status(410, 'Expired', 'too old')));
  const pit = poll.pods.watchBatches({ resourceVersion: '2' });
  const first = await drive(poll.clock, pit.next());
  t.same((first.value as WatchEvent<KubeObject>[]).map((e) => `${e.type} ${e.object.metadata?.resourceVersion}`), ['ADDED 3', 'MODIFIED 4', 'BOOKMARK 9'], 'one answer, one batch, ending with the progress bookmark');
  t.ok(isResourceExpired(await caught(drive(poll.clock, pit.next()))));

  const line = (type: string, o: unknown) => `${JSON.stringify({ type, object: o })}\n`;
  const expired = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 410, reason: 'Expired', message: 'too old' };
  const stream = setup(() => ({ status: 200, chunks: [line('ADDED', pod('b', '5')) + line('ADDED', pod('c', '6')), line('DELETED', pod('b', '7')) + line('ERROR', expired)] }));
  const sit = stream.pods.watchBatches({ mode: 'stream', resourceVersion: '4' });
  const names = async () => ((await drive(stream.clock, sit.next())).value as WatchEvent<KubeObject>[]).map((e) => `${e.type} ${e.object.metadata?.name}`);
  t.same(await names(), ['ADDED b', 'ADDED c'], 'a chunk of two lines is one batch');
  t.same(await names(), ['DELETED b'], 'what came before the ERROR in its chunk');
  t.ok(isResourceExpired(await caught(drive(stream.clock, sit.next()))), 'then the error');
});
