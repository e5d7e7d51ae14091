// Store member entry point on the process harness: flags table → wiring → run(signal).
import { randomInt } from 'node:crypto';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { mountOpsRoutes, runComponent, untilAborted, type ContextOf } from '../lib/component/index.js';
import { realClock } from '../lib/util/clock.js';
import { SeededRand } from './raft/rand.js';
import { buildHttp } from './http.js';
import { ERROR_SHAPE_OPTIONS, installErrorShape } from './http-errors.js';
import { Member } from './member.js';
import { StoreMetrics } from './metrics.js';
import { Transport } from './transport.js';
import { PeerFaults } from './peer-faults.js';
import { DESCRIPTION, STORE_FLAGS, clusterId, memberId, storeConfig } from './config.js';

async function run({ flags: values, logger, signal, health, metrics }: ContextOf<typeof STORE_FLAGS>): Promise<void> {
  const flags = storeConfig(values);
  const log = logger.child({ member: flags.name });
  const peers = flags.initialCluster.map((m) => ({ id: memberId(flags.token, m.name), name: m.name, url: m.url }));
  const self = peers.find((p) => p.name === flags.name)!;
  const cluster = clusterId(flags.token, flags.initialCluster);
  // The harness's registry already carries the process metrics.
  const storeMetrics = new StoreMetrics(false);
  const member = new Member({
    name: flags.name,
    id: self.id,
    clusterId: cluster,
    peers,
    dataDir: flags.dataDir,
    clock: realClock,
    rand: new SeededRand(randomInt(1, 2 ** 31)),
    random: Math.random,
    logger: log,
    metrics: storeMetrics,
    tickMs: flags.heartbeatMs,
    electionTicks: Math.round(flags.electionMs / flags.heartbeatMs),
    heartbeatTicks: 1,
    snapshotCount: flags.snapshotCount,
    snapshotCatchUpEntries: Math.min(5000, Math.floor(flags.snapshotCount / 2)),
    requestTimeoutMs: flags.requestTimeoutMs,
    autoCompactionRetention: flags.autoCompactionRetention,
    autoCompactionIntervalMs: 5000,
    fsync: flags.fsync,
    // A member that can no longer keep its promises exits so its supervisor restarts it (from
    // disk), rather than staying up and serving nothing.
    onFatal: () => {
      log.fatal('exiting: a failed member recovers only by a restart');
      log.flush();
      process.exit(1);
    },
  });
  health.addReadyz('raft', () => {
    const r = member.ready();
    if (!r.ok) throw new Error(r.reason ?? 'not ready');
  });
  const faults = flags.faultInjection ? new PeerFaults(peers) : undefined;
  if (faults) log.warn('fault injection is enabled (--unsafe-enable-fault-injection): for tests only');
  const transport = new Transport({
    selfId: self.id,
    clusterId: cluster,
    peers,
    logger: log,
    clock: realClock,
    onUnreachable: (id) => member.reportUnreachable(id),
    onSnapshotStatus: (id, ok) => member.reportSnapshot(id, ok),
    onPeerLost: (id) => member.peerLost(id),
    metrics: member.metrics,
    ...(faults ? { faults } : {}),
  });
  // Peer streams live as long as both members do: no request timeout; closed on shutdown.
  const peerApp = Fastify({ ...ERROR_SHAPE_OPTIONS, logger: false, bodyLimit: 2 * 1024 * 1024, requestTimeout: 0, connectionTimeout: 0, forceCloseConnections: true });
  installErrorShape(peerApp, { bodyLimit: 2 * 1024 * 1024 });
  transport.routes(peerApp, (msgs) => member.receive(msgs));
  member.peerRoutes(peerApp);
  faults?.routes(peerApp);
  peerApp.get('/healthz', async () => 'ok');
  const served = Registry.merge([metrics, storeMetrics.registry]);
  const clientApp = buildHttp({ service: member, ops: (app) => mountOpsRoutes(app, { health, metrics: served }) });

  await member.start(transport);
  await peerApp.listen({ host: flags.peerUrl.hostname, port: Number(flags.peerUrl.port) });
  await clientApp.listen({ host: flags.clientUrl.hostname, port: Number(flags.clientUrl.port) });
  log.info({ id: member.memberIdHex, cluster, client: flags.clientUrl.origin, peer: flags.peerUrl.origin, dataDir: flags.dataDir }, 'store member serving');

  await untilAborted(signal);
  // The member goes first: it ends watch streams and answers pending requests. A server's close()
  // waits for every open response, and a watch response never ends by itself.
  const graceful = (async () => {
    await member.stop();
    await clientApp.close().catch(() => undefined);
    await transport.close();
    await peerApp.close().catch(() => undefined);
  })();
  if (await finishesWithin(graceful, SHUTDOWN_DEADLINE_MS)) return;
  log.warn({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown deadline passed: closing every connection');
  clientApp.server.closeAllConnections();
  peerApp.server.closeAllConnections();
  await graceful;
}

/**
 * How long a SIGTERM'ed member waits for requests and streams to end before it cuts connections;
 * the harness's --shutdown-timeout (default 10 s) bounds the whole shutdown after that.
 */
const SHUTDOWN_DEADLINE_MS = 5000;

function finishesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  return Promise.race([work.then(() => true), deadline]).finally(() => clearTimeout(timer));
}

await runComponent({ name: 'store', description: DESCRIPTION, flags: STORE_FLAGS, ops: 'mounted', check: (f) => void storeConfig(f), run });
