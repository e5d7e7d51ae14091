import t from 'tap';
import type { Event } from '../../../../lib/api/types.js';
import { KubeClient } from '../../../../lib/client/client.js';
import { clientEventSink, Recorder, type EventSink } from '../../../../lib/events/recorder.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { createLogger } from '../../../../lib/util/logger.js';
import { FakeTransport, drive, refused } from '../../../helpers/fake-http.js';

const log = createLogger('test', { level: 'silent' });
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default', uid: 'u1', resourceVersion: '7' } };

function client(transport: FakeTransport, clock: FakeClock): KubeClient {
  return new KubeClient({ component: 'kubelet', config: { servers: ['http://127.0.0.1:1'], namespace: 'default' } as never, transport, clock, qps: 0 });
}

t.test('an event becomes a core/v1 Event; the same event again bumps count with a PATCH', async (t) => {
  const clock = new FakeClock(Date.UTC(2025, 0, 1, 12, 0, 0));
  const transport = new FakeTransport((req) => ({ status: req.method === 'POST' ? 201 : 200, body: req.body ? JSON.parse(req.body) : {} }));
  const r = new Recorder({ sink: clientEventSink(client(transport, clock)), clock, log, component: 'kubelet', host: 'node-1' });
  r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container web in pod web-1_default(u1)', { fieldPath: 'spec.containers{web}' });
  await drive(clock, r.idle());
  const created = transport.requests[0]!;
  t.equal(created.method, 'POST');
  t.equal(created.path, '/api/v1/namespaces/default/events');
  const ev = JSON.parse(created.body!) as Event;
  t.match(ev.metadata!.name, /^web-1\.[0-9a-f]+$/);
  t.same(ev.involvedObject, { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1', apiVersion: 'v1', resourceVersion: '7', fieldPath: 'spec.containers{web}' });
  t.same(ev.source, { component: 'kubelet', host: 'node-1' });
  t.equal(ev.reportingComponent, 'kubelet');
  t.equal(ev.reportingInstance, 'node-1');
  t.equal(ev.firstTimestamp, '2025-01-01T12:00:00Z');
  t.equal(ev.count, 1);
  t.equal(ev.type, 'Warning');

  clock.advance(30_000);
  r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container web in pod web-1_default(u1)', { fieldPath: 'spec.containers{web}' });
  r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container web in pod web-1_default(u1)', { fieldPath: 'spec.containers{web}' });
  await drive(clock, r.idle());
  t.same(transport.requests.slice(1).map((q) => q.method), ['PATCH', 'PATCH']);
  t.equal(transport.requests[1]!.path, `/api/v1/namespaces/default/events/${ev.metadata!.name}`);
  t.equal(transport.requests[1]!.headers['content-type'], 'application/strategic-merge-patch+json');
  t.same(JSON.parse(transport.requests[2]!.body!), { count: 3, lastTimestamp: '2025-01-01T12:00:30Z', message: 'Back-off restarting failed container web in pod web-1_default(u1)' });

  // A different message is a different event; after 10 minutes the same one starts afresh.
  r.event(pod, 'Normal', 'Pulled', 'Container image "nginx" already present on machine');
  await drive(clock, r.idle());
  t.equal(transport.requests.at(-1)!.method, 'POST');
  clock.advance(11 * 60_000);
  r.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container web in pod web-1_default(u1)', { fieldPath: 'spec.containers{web}' });
  await drive(clock, r.idle());
  t.equal(transport.requests.at(-1)!.method, 'POST');
});

t.test('a PATCH of an Event that is gone creates a new one', async (t) => {
  const clock = new FakeClock(0);
  const calls: string[] = [];
  const sink: EventSink = {
    create: async (_ns, e) => (calls.push('create'), e),
    patch: async () => {
      calls.push('patch');
      throw Object.assign(new (await import('../../../../lib/client/errors.js')).StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'not found', reason: 'NotFound', code: 404 }));
    },
  };
  const r = new Recorder({ sink, clock, log, component: 'kubelet' });
  r.event(pod, 'Normal', 'Started', 'Started container web');
  r.event(pod, 'Normal', 'Started', 'Started container web');
  await r.idle();
  t.same(calls, ['create', 'patch', 'create']);
});

t.test('the apiserver is down: events are dropped after a few attempts, the caller never waits', async (t) => {
  const clock = new FakeClock(0);
  const transport = new FakeTransport(() => {
    throw refused();
  });
  const r = new Recorder({ sink: clientEventSink(client(transport, clock)), clock, log, component: 'kubelet', maxAttempts: 2, retryDelayMs: 1000, queueSize: 2 });
  for (let i = 0; i < 5; i++) r.event(pod, 'Normal', 'Pulled', `message ${i}`);
  t.equal(r.dropped, 2, 'past the queue bound, events are dropped at once');
  await drive(clock, r.idle());
  t.equal(r.dropped, 5, 'the rest are dropped once their attempts are used up');
});

t.test('the spam filter drops a flood about one object', async (t) => {
  const clock = new FakeClock(0);
  let created = 0;
  const sink: EventSink = { create: async (_n, e) => (created++, e), patch: async () => ({}) as Event };
  const r = new Recorder({ sink, clock, log, component: 'kubelet', correlator: { spamBurst: 3, spamQps: 1 / 300 } });
  for (let i = 0; i < 5; i++) r.event(pod, 'Normal', 'X', `m${i}`);
  await r.idle();
  t.equal(created, 3);
  t.equal(r.dropped, 2);
});
