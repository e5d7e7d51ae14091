// kubelet entry point on the process harness: flags table → wiring → run(signal).
// Sources of pods: the API (a watch of spec.nodeName=<node>) and static manifests. The runtime is
// another process (kubelet/runtime/main.ts) reached over a unix socket, so this process can die
// and come back without touching a running container.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { runComponent, untilAborted, type ContextOf } from '../lib/component/index.js';
import { clientFromFlags } from '../lib/client/from-flags.js';
import { SharedInformerFactory } from '../lib/informer/factory.js';
import { DeletedFinalStateUnknown } from '../lib/informer/tombstone.js';
import { clientEventSink, Recorder } from '../lib/events/recorder.js';
import { realClock } from '../lib/util/clock.js';
import type { Node, Pod, PodStatus } from '../lib/api/types.js';
import { StaticPodFileSource } from './config/file-source.js';
import { checkKubeletFlags, DESCRIPTION, KUBELET_FLAGS, parseLabels, parseReserved, parseTaints, runtimeSocketPath } from './config/flags.js';
import { KubeMirrorPodApi, MirrorPodManager } from './config/mirror-pods.js';
import { CONFIG_SOURCE_ANNOTATION, isMirrorPod } from './config/static-pod.js';
import { ApiObjectSource } from './env/sources.js';
import { KubeletContainerEnvironment } from './env/container-env.js';
import { Kubelet } from './kubelet.js';
import { HandlerRunner } from './lifecycle/handlers.js';
import { KubeNodeApi } from './node/api.js';
import { goArch, readMachineInfo } from './node/machine-info.js';
import { NodeLeaseController } from './node/node-lease.js';
import { NodeStatusManager } from './node/node-status-manager.js';
import { nodeAllocatable, nodeCapacity } from './node/resources.js';
import { ProbeManager } from './prober/manager.js';
import { RemoteRuntime } from './runtime/remote-client.js';
import { buildKubeletServer } from './server/server.js';
import { clientPodStatusWriter, type PodStatusWriter } from './status/status-manager.js';
import { ApiTokenRequester } from './volumes/service-account-token.js';
import { KubeletPodVolumes } from './volumes/pod-volumes.js';

const isStatic = (pod: Pod) => pod.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION] === 'file';

async function run({ flags, logger, signal, health, metrics }: ContextOf<typeof KUBELET_FLAGS>): Promise<void> {
  const clock = realClock;
  const nodeName = flags.nodeName;
  const nodeIP = flags.nodeIp;
  const rootDir = resolve(flags.rootDir);
  const podLogsRoot = resolve(flags.podLogsDir);
  mkdirSync(rootDir, { recursive: true });
  mkdirSync(podLogsRoot, { recursive: true });
  if (flags.podManifestPath) mkdirSync(resolve(flags.podManifestPath), { recursive: true });
  const startedAt = clock.now();

  const client = clientFromFlags('kubelet', flags);
  const runtime = new RemoteRuntime({ socketPath: resolve(runtimeSocketPath(flags.containerRuntimeEndpoint)) });
  // Events have a rate budget of their own, as the real kubelet's event client does: a burst of
  // them must not hold back status updates (and the other way round).
  const eventClient = clientFromFlags('kubelet', { ...flags, kubeApiQps: flags.eventQps, kubeApiBurst: flags.eventBurst });
  const recorder = new Recorder({ sink: clientEventSink(eventClient), clock, log: logger.child({ part: 'events' }), component: 'kubelet', host: nodeName });
  const factory = new SharedInformerFactory(client, { logger });
  const podInformer = factory.informerFor<Pod>('pods', { fieldSelector: `spec.nodeName=${nodeName}` });
  const nodeInformer = factory.informerFor<Node>('nodes', { fieldSelector: `metadata.name=${nodeName}` });
  const currentNode = () => nodeInformer.indexer.getByKey(nodeName);

  const machine = readMachineInfo(rootDir);
  const capacity = nodeCapacity({ cpus: machine.cpus, memoryBytes: machine.memoryBytes, ephemeralStorageBytes: machine.rootFsBytes, maxPods: flags.maxPods });
  const allocatable = nodeAllocatable(capacity, { kubeReserved: parseReserved('kube-reserved', flags.kubeReserved), systemReserved: parseReserved('system-reserved', flags.systemReserved) });
  const nodeApi = new KubeNodeApi(client);
  const nodeStatus = new NodeStatusManager({
    api: nodeApi,
    runtime,
    clock,
    identity: {
      nodeName,
      hostname: nodeName,
      os: 'linux',
      arch: goArch(process.arch),
      roles: [],
      extraLabels: parseLabels('node-labels', flags.nodeLabels),
      registerWithTaints: parseTaints(flags.registerWithTaints),
      registerSchedulable: flags.registerSchedulable,
      podCIDRs: flags.podCidr ? [flags.podCidr] : [],
    },
    nodeIP,
    kubeletPort: flags.port,
    machine,
    capacity,
    allocatable,
    updateFrequencyMs: flags.nodeStatusUpdateFrequency,
    reportFrequencyMs: flags.nodeStatusReportFrequency,
    events: (type, reason, message) => recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, uid: nodeName } }, type, reason, message),
    logger: logger.child({ part: 'node-status' }),
  });
  const lease = new NodeLeaseController({ api: nodeApi, clock, nodeName, nodeUID: () => nodeStatus.nodeUID(), leaseDurationSeconds: flags.nodeLeaseDurationSeconds, logger: logger.child({ part: 'node-lease' }) });

  const objects = new ApiObjectSource(client, factory);
  const podEvent = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string) =>
    recorder.event(pod, type, reason, message, fieldPath ? { fieldPath } : {});
  const env = new KubeletContainerEnvironment({ source: objects, hostIPs: () => [nodeIP], allocatable: () => allocatable, events: podEvent });
  const volumes = new KubeletPodVolumes({ rootDir, source: objects, tokens: new ApiTokenRequester(client), allocatable: () => allocatable, clusterDomain: flags.clusterDomain, clock });
  const probes = new ProbeManager({ runtime, recordEvent: podEvent, clock, registry: metrics, logger: logger.child({ part: 'prober' }) });
  const lifecycle = new HandlerRunner({ runtime, recordEvent: podEvent, clock, logger: logger.child({ part: 'lifecycle' }) });

  // A static pod's status goes to its mirror pod, which has a UID of its own (upstream's
  // status manager translates the same way).
  const apiWriter = clientPodStatusWriter(client);
  const staticUIDs = new Set<string>();
  const statusWriter: PodStatusWriter = {
    async patchStatus(pod, status: PodStatus) {
      if (!staticUIDs.has(pod.uid)) return apiWriter.patchStatus(pod, status);
      const mirror = podInformer.indexer.getByKey(`${pod.namespace}/${pod.name}`);
      if (!mirror?.metadata?.uid) throw new Error(`static pod ${pod.namespace}/${pod.name} has no mirror pod yet`);
      return apiWriter.patchStatus({ ...pod, uid: mirror.metadata.uid }, status);
    },
    deletePod: (pod) => apiWriter.deletePod(pod),
  };

  let staticLoaded = flags.podManifestPath === '';
  const kubelet = new Kubelet({
    nodeName,
    runtime,
    env,
    volumes,
    probes,
    lifecycle,
    statusWriter,
    recorder,
    clock,
    log: logger,
    sandbox: {
      podLogsRoot,
      clusterDNS: flags.clusterDns,
      clusterDomain: flags.clusterDomain,
      nodeDNS: { servers: [], searches: [], options: [] },
      nodeHostname: nodeName,
    },
    node: currentNode,
    hostIPs: () => [nodeIP],
    sourcesReady: () => podInformer.hasSynced() && staticLoaded,
    crashBackoffInitialMs: flags.crashLoopBackoffInitial,
    crashBackoffMaxMs: flags.crashLoopBackoffMax,
    resyncIntervalMs: flags.syncFrequency,
  });

  // Pods from the API; mirror pods are the API's copies of static pods, which run from their files.
  podInformer.addEventHandler({
    onAdd: (pod) => void (isMirrorPod(pod) || kubelet.handlePodUpdate(pod)),
    onUpdate: (_old, pod) => void (isMirrorPod(pod) || kubelet.handlePodUpdate(pod)),
    onDelete: (gone) => {
      const pod = gone instanceof DeletedFinalStateUnknown ? (gone.obj as Pod) : gone;
      if (!isMirrorPod(pod)) kubelet.handlePodRemove(pod);
    },
  });

  let staticPods: Pod[] = [];
  const mirrors = new MirrorPodManager({ api: new KubeMirrorPodApi(client), nodeName, nodeUID: () => nodeStatus.nodeUID(), logger: logger.child({ part: 'mirror-pods' }) });
  const syncMirrors = () => mirrors.sync(staticPods).catch((err: Error) => logger.warn({ err: err.message }, 'mirror pod sync failed'));
  const staticSource = flags.podManifestPath
    ? new StaticPodFileSource({ dir: resolve(flags.podManifestPath), nodeName, clock, logger: logger.child({ part: 'static-pods' }) })
    : undefined;
  staticSource?.onPodsChanged((pods) => {
    const now = new Set(pods.map((p) => p.metadata!.uid!));
    for (const old of staticPods) if (!now.has(old.metadata!.uid!)) kubelet.handlePodRemove(old);
    staticPods = pods.filter(isStatic);
    staticUIDs.clear();
    for (const p of staticPods) staticUIDs.add(p.metadata!.uid!);
    for (const p of staticPods) kubelet.handlePodUpdate(p);
    staticLoaded = true;
    void syncMirrors();
  });

  // The runtime allocates pod IPs from the Node's podCIDR once node IPAM gives it one, else the flag's.
  let podCIDR = '';
  const configureRuntime = async () => {
    const want = currentNode()?.spec?.podCIDR ?? flags.podCidr;
    if (!want || want === podCIDR) return;
    await runtime.updateRuntimeConfig({ podCIDR: want });
    podCIDR = want;
    logger.info({ podCIDR }, 'runtime pod CIDR set');
  };
  nodeInformer.addEventHandler({ onAdd: () => void configureRuntime().catch(() => undefined), onUpdate: () => void configureRuntime().catch(() => undefined) });

  const server = buildKubeletServer({
    nodeName,
    runtime,
    // Every pod bound here, finished ones too (their logs stay readable), with the kubelet's own status.
    pods: () =>
      [...podInformer.indexer.list().filter((p) => !isMirrorPod(p)), ...staticPods].map((p) => ({ ...p, status: kubelet.statusManager.getPodStatus(p.metadata?.uid ?? '') ?? p.status ?? {} })),
    clock,
    logger: logger.child({ part: 'server' }),
    podLogsRoot,
    nodeStartTimeMs: startedAt,
    memoryCapacityBytes: machine.memoryBytes,
    health,
    metrics,
  });
  health.addReadyz('runtime', async () => {
    const conditions = await runtime.status();
    const down = conditions.filter((c) => !c.status);
    if (down.length > 0) throw new Error(down.map((c) => `${c.type}: ${c.message || c.reason}`).join('; '));
  });
  health.addReadyz('node-registered', () => {
    if (!nodeStatus.nodeUID()) throw new Error(`Node ${nodeName} is not registered yet`);
  });
  const url = await server.listen(flags.address || nodeIP, flags.port);
  logger.info({ node: nodeName, address: url, runtime: flags.containerRuntimeEndpoint }, 'kubelet serving');

  factory.start(signal);
  staticSource?.start(signal);
  void configureRuntime().catch((err: Error) => logger.warn({ err: err.message }, 'runtime not reachable yet; pods wait for it'));
  const loops = [
    nodeStatus.run(signal).catch((err: Error) => logger.error({ err: err.message }, 'node status loop ended')),
    lease.run(signal).catch((err: Error) => logger.error({ err: err.message }, 'node lease loop ended')),
    kubelet.start(signal),
    (async () => {
      while (!signal.aborted) {
        await clock.sleep(10_000, signal).catch(() => undefined);
        if (staticSource && !signal.aborted) await syncMirrors();
        if (!signal.aborted) await configureRuntime().catch(() => undefined);
      }
    })(),
  ];

  await untilAborted(signal);
  await Promise.all(loops);
  await server.close().catch(() => undefined);
  await probes.close();
  await lifecycle.close();
  await runtime.close();
  await client.close();
  await eventClient.close();
}

await runComponent({ name: 'kubelet', description: DESCRIPTION, flags: KUBELET_FLAGS, ops: 'mounted', check: checkKubeletFlags, run });
