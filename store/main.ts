// Store member entry point: flags → wiring → run(signal).
import { createLogger } from '../lib/util/logger.js';
import { runMain, untilAborted } from '../lib/util/main.js';
import { realClock } from '../lib/util/clock.js';
import { SeededRand } from './raft/rand.js';
import { buildHttp } from './http.js';
import { ERROR_SHAPE_OPTIONS, installErrorShape } from './http-errors.js';
import { Member } from './member.js';
import { Transport } from './transport.js';
import { PeerFaults } from './peer-faults.js';
import Fastify from 'fastify';
import { FlagError, USAGE, clusterId, memberId, parseStoreFlags, type StoreFlags } from './config.js';
import { randomInt } from 'node:crypto';

export async function run(flags: StoreFlags, signal: AbortSignal): Promise<void> {
  const log = createLogger('store', flags.logLevel !== undefined ? { level: flags.logLevel } : {}).child({ member: flags.name });
  const peers = flags.initialCluster.map((m) => ({ id: memberId(flags.token, m.name), name: m.name, url: m.url }));
  if (new Set(peers.map((p) => p.id)).size !== peers.length) throw new FlagError('member ids collide: choose different member names');
  const self = peers.find((p) => p.name === flags.name)!;
  const cluster = clusterId(flags.token, flags.initialCluster);
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
      process.exit(1);
    },
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
  const clientApp = buildHttp({ service: member, registry: member.metrics.registry });

  await member.start(transport);
  await peerApp.listen({ host: flags.peerUrl.hostname, port: Number(flags.peerUrl.port) });
  await clientApp.listen({ host: flags.clientUrl.hostname, port: Number(flags.clientUrl.port) });
  log.info({ id: member.memberIdHex, cluster, client: flags.clientUrl.origin, peer: flags.peerUrl.origin, dataDir: flags.dataDir }, 'store member serving');

  await untilAborted(signal);
  log.info('shutting down');
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
  if (await finishesWithin(graceful, 1000)) return;
  log.error('shutdown did not finish: exiting anyway');
  process.exit(1);
}

/** How long a SIGTERM'ed member waits for requests and streams to end before it cuts connections. */
const SHUTDOWN_DEADLINE_MS = 5000;

function finishesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  return Promise.race([work.then(() => true), deadline]).finally(() => clearTimeout(timer));
}

await runMain({ name: 'store', usage: USAGE, parse: parseStoreFlags, run });
