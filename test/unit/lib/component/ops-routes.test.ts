import t from 'tap';
import Fastify from 'fastify';
import { Counter, Registry } from 'prom-client';
import { HealthChecks } from '../../../../lib/component/health.js';
import { mountOpsRoutes, startOpsServer } from '../../../../lib/component/ops-routes.js';

function setup() {
  const health = new HealthChecks(200);
  const metrics = new Registry();
  const app = Fastify();
  mountOpsRoutes(app, { health, metrics });
  return { health, metrics, app };
}

t.test('all checks passing: "ok", or one line per check with ?verbose', async (t) => {
  const { health, app } = setup();
  health.addReadyz('store', async () => true);
  health.addLivez('loop', () => undefined);
  for (const path of ['/healthz', '/livez', '/readyz']) {
    const r = await app.inject(path);
    t.equal(r.statusCode, 200, path);
    t.equal(r.body, 'ok', path);
  }
  const v = await app.inject('/readyz?verbose');
  t.equal(v.statusCode, 200);
  t.equal(v.body, '[+]ping ok\n[+]store ok\n[+]loop ok\nreadyz check passed\n');
  t.equal((await app.inject('/livez?verbose')).body, '[+]ping ok\n[+]loop ok\nlivez check passed\n', 'readiness checks are not liveness checks');
});

t.test('a failing check: 500 with the reason, ?exclude skips it, /readyz/<name> runs one', async (t) => {
  const { health, app } = setup();
  let storeUp = false;
  health.addReadyz('store', async () => {
    if (!storeUp) throw new Error('connect ECONNREFUSED 127.0.0.1:2379');
  });
  health.addReadyz('informers', () => false);
  health.addReadyz('slow', () => new Promise(() => undefined));
  const r = await app.inject('/readyz');
  t.equal(r.statusCode, 500);
  t.equal(r.body, '[+]ping ok\n[-]store failed: connect ECONNREFUSED 127.0.0.1:2379\n[-]informers failed: check returned false\n[-]slow failed: timed out after 200 ms\nreadyz check failed\n');
  t.equal((await app.inject('/livez')).statusCode, 200, 'liveness ignores readiness checks');
  t.equal((await app.inject('/readyz?exclude=informers&exclude=slow&exclude=store')).statusCode, 200);
  const one = await app.inject('/readyz/store');
  t.equal(one.statusCode, 500);
  t.match(one.body, /ECONNREFUSED/);
  storeUp = true;
  t.equal((await app.inject('/readyz/store')).body, 'ok');
  t.equal((await app.inject('/readyz/nope')).statusCode, 404);
});

t.test('check names are validated and unique', async (t) => {
  const h = new HealthChecks();
  t.throws(() => h.addReadyz('Bad Name', () => true));
  t.throws(() => h.addReadyz('ping', () => true), /twice/);
});

t.test('/metrics serves the registry in the Prometheus text format', async (t) => {
  const { metrics, app } = setup();
  new Counter({ name: 'widgets_total', help: 'Widgets.', registers: [metrics] }).inc(3);
  const r = await app.inject('/metrics');
  t.equal(r.statusCode, 200);
  t.match(r.headers['content-type'], /text\/plain/);
  t.match(r.body, /# TYPE widgets_total counter\nwidgets_total 3/);
});

t.test('startOpsServer listens on its own port (0 = any)', async (t) => {
  const health = new HealthChecks();
  const srv = await startOpsServer({ health, metrics: new Registry() }, { host: '127.0.0.1', port: 0 });
  t.teardown(() => srv.close());
  t.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${srv.url}/healthz`);
  t.equal(res.status, 200);
  t.equal(await res.text(), 'ok');
});
