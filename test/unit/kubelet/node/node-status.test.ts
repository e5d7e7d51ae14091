import t from 'tap';
import type { Lease, Node } from '../../../../lib/api/types.js';
import { FakeClock } from '../../../../lib/util/clock.js';
import { StatusError } from '../../../../lib/client/errors.js';
import { flush } from '../../../helpers/fake-http.js';
import type { NodeApi } from '../../../../kubelet/node/api.js';
import { NodeStatusManager } from '../../../../kubelet/node/node-status-manager.js';
import { NodeLeaseController } from '../../../../kubelet/node/node-lease.js';
import { nodeAllocatable, nodeCapacity, parseResourceList } from '../../../../kubelet/node/resources.js';
import { goArch, osImageFrom, type MachineInfo } from '../../../../kubelet/node/machine-info.js';
import type { NodeIdentity } from '../../../../kubelet/node/node-object.js';
import type { Image, RuntimeCondition } from '../../../../kubelet/runtime/types.js';

const err = (code: number, reason: string) => new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: reason, reason: reason as 'NotFound', code });

/** An apiserver holding one Node and its Lease; `down` makes every call fail as a refused connection. */
class FakeNodeApi implements NodeApi {
  node: Node | undefined;
  lease: Lease | undefined;
  down = false;
  calls: string[] = [];
  private rv = 1;
  private check(call: string) {
    this.calls.push(call);
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  }
  async getNode(name: string) {
    this.check('getNode');
    if (!this.node || this.node.metadata?.name !== name) throw err(404, 'NotFound');
    return structuredClone(this.node);
  }
  async createNode(node: Node) {
    this.check('createNode');
    if (this.node) throw err(409, 'AlreadyExists');
    this.node = { ...structuredClone(node), metadata: { ...node.metadata, uid: 'node-uid', resourceVersion: String(this.rv++) } };
    return structuredClone(this.node);
  }
  async patchNode(_name: string, patch: { metadata?: { labels?: Record<string, string> }; spec?: object }) {
    this.check('patchNode');
    const n = this.node!;
    this.node = { ...n, metadata: { ...n.metadata, labels: { ...n.metadata?.labels, ...patch.metadata?.labels } }, spec: { ...n.spec, ...patch.spec } };
    return structuredClone(this.node);
  }
  async patchNodeStatus(_name: string, patch: { status: Node['status'] }) {
    this.check('patchNodeStatus');
    this.node = { ...this.node!, status: structuredClone(patch.status) };
    return structuredClone(this.node);
  }
  async getLease() {
    this.check('getLease');
    if (!this.lease) throw err(404, 'NotFound');
    return structuredClone(this.lease);
  }
  async createLease(lease: Lease) {
    this.check('createLease');
    this.lease = { ...structuredClone(lease), metadata: { ...lease.metadata, resourceVersion: String(this.rv++) } };
    return structuredClone(this.lease);
  }
  async updateLease(lease: Lease) {
    this.check('updateLease');
    if (lease.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion) throw err(409, 'Conflict');
    this.lease = { ...structuredClone(lease), metadata: { ...lease.metadata, resourceVersion: String(this.rv++) } };
    return structuredClone(this.lease);
  }
}

const machine: MachineInfo = {
  hostname: 'node-1', cpus: 4, memoryBytes: 8 * 1024 ** 3, rootFsBytes: 100 * 1024 ** 3, machineID: 'mid', systemUUID: 'suuid',
  bootID: 'boot', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)', architecture: 'amd64',
};

const identity = (o: Partial<NodeIdentity> = {}): NodeIdentity => ({
  nodeName: 'node-1', hostname: 'node-1', os: 'linux', arch: 'amd64', roles: ['worker'], extraLabels: { zone: 'a' },
  registerWithTaints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }], registerSchedulable: true, podCIDRs: ['127.244.1.0/24'], ...o,
});

function fakeRuntime() {
  const rt = {
    conditions: [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, { type: 'NetworkReady', status: true, reason: '', message: '' }] as RuntimeCondition[],
    down: false,
    images: [
      { id: 'sha256:a', repoTags: ['busybox:1.36'], repoDigests: [], size: 10 },
      { id: 'sha256:b', repoTags: ['nginx:1.27', 'nginx:latest'], repoDigests: ['nginx@sha256:bb'], size: 500 },
    ] as Image[],
    async status() {
      if (rt.down) throw new Error('connect ENOENT runtime.sock');
      return rt.conditions;
    },
    async version() {
      return { version: '0.1.0', runtimeName: 'mock', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
    },
    async listImages() {
      return rt.images;
    },
  };
  return rt;
}

function manager(api: FakeNodeApi, clock: FakeClock, rt = fakeRuntime(), id = identity()) {
  const capacity = nodeCapacity({ cpus: 4, memoryBytes: machine.memoryBytes, ephemeralStorageBytes: machine.rootFsBytes, maxPods: 110 });
  const allocatable = nodeAllocatable(capacity, { kubeReserved: parseResourceList('cpu=100m,memory=256Mi'), systemReserved: parseResourceList('cpu=100m') });
  const events: string[] = [];
  const m = new NodeStatusManager({
    api, runtime: rt, clock, identity: id, nodeIP: '127.0.10.1', kubeletPort: 10250, machine, capacity, allocatable,
    events: (type, reason, message) => events.push(`${type} ${reason} ${message}`),
  });
  return { m, rt, events };
}

/** Runs the clock forward in steps, letting async work settle between timers. */
async function advance(clock: FakeClock, ms: number, step = 1000) {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await flush();
  }
}

t.test('helpers: arch names, os-release, capacity and allocatable', async (t) => {
  t.equal(goArch('x64'), 'amd64');
  t.equal(goArch('arm64'), 'arm64');
  t.equal(osImageFrom('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'), 'Debian GNU/Linux 12 (bookworm)');
  const cap = nodeCapacity({ cpus: 2, memoryBytes: 8 * 1024 ** 3, ephemeralStorageBytes: 10 * 1024 ** 3, maxPods: 110 });
  t.same(cap, { cpu: '2', 'ephemeral-storage': '10Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8Gi', pods: '110' });
  const alloc = nodeAllocatable(cap, { kubeReserved: { cpu: '250m', memory: '1Gi' } });
  t.equal(alloc.cpu, '1750m');
  t.equal(alloc.memory, `${8 * 1024 - 1024 - 100}Mi`, 'reserved and the 100Mi eviction threshold come off');
  t.equal(alloc.pods, '110');
  t.equal(alloc['ephemeral-storage'], '9Gi', 'nodefs 10% eviction threshold');
  t.throws(() => parseResourceList('cpu'), /want name=quantity/);
});

t.test('registration: the Node object as the kubelet creates it', async (t) => {
  const api = new FakeNodeApi();
  const clock = new FakeClock(Date.parse('2024-05-01T00:00:00Z'));
  const { m, events } = manager(api, clock);
  const ac = new AbortController();
  const run = m.run(ac.signal);
  await flush();
  const n = api.node!;
  t.same(n.metadata?.labels, {
    'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': 'node-1',
    'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/worker': '', zone: 'a',
  });
  t.same(n.spec, { podCIDR: '127.244.1.0/24', podCIDRs: ['127.244.1.0/24'], taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] });
  const st = n.status!;
  t.same(st.capacity, { cpu: '4', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8Gi', pods: '110' });
  t.equal(st.allocatable?.cpu, '3800m');
  t.equal(st.allocatable?.memory, `${8 * 1024 - 256 - 100}Mi`);
  t.same(st.addresses, [{ type: 'InternalIP', address: '127.0.10.1' }, { type: 'Hostname', address: 'node-1' }]);
  t.same(st.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  t.same(st.nodeInfo, {
    machineID: 'mid', systemUUID: 'suuid', bootID: 'boot', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)',
    containerRuntimeVersion: 'mock://0.1.0', kubeletVersion: 'v1.32.0', kubeProxyVersion: 'v1.32.0', operatingSystem: 'linux', architecture: 'amd64',
  });
  t.same(st.images, [{ names: ['nginx@sha256:bb', 'nginx:1.27', 'nginx:latest'], sizeBytes: 500 }, { names: ['busybox:1.36'], sizeBytes: 10 }], 'largest first');
  const cond = Object.fromEntries((st.conditions ?? []).map((c) => [c.type, c]));
  t.same(Object.keys(cond), ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
  t.match(cond.MemoryPressure, { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: '2024-05-01T00:00:00Z', lastTransitionTime: '2024-05-01T00:00:00Z' });
  t.match(cond.DiskPressure, { status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' });
  t.match(cond.PIDPressure, { status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' });
  t.match(cond.Ready, { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
  t.ok(events.includes('Normal NodeHasSufficientMemory Node node-1 status is now: NodeHasSufficientMemory'));
  ac.abort();
  await run;
});

t.test('registration retries while the apiserver is down; an existing Node keeps its cordon and taints', async (t) => {
  const api = new FakeNodeApi();
  api.node = {
    metadata: { name: 'node-1', uid: 'old-uid', labels: { 'kubernetes.io/hostname': 'stale', admin: 'yes' } },
    spec: { unschedulable: true, taints: [{ key: 'admin', effect: 'NoExecute' }] },
  };
  api.down = true;
  const clock = new FakeClock(0);
  const { m } = manager(api, clock);
  const ac = new AbortController();
  const run = m.run(ac.signal);
  await advance(clock, 3000, 50);
  const tries = api.calls.filter((c) => c === 'createNode').length;
  t.ok(tries >= 4 && tries <= 6, `retried with backoff (${tries} tries in 3 s)`);
  api.down = false;
  await advance(clock, 8000, 100);
  t.equal(api.node.metadata?.labels?.['kubernetes.io/hostname'], 'node-1', 'default labels reconciled');
  t.equal(api.node.metadata?.labels?.admin, 'yes', 'other labels kept');
  t.equal(api.node.spec?.unschedulable, true, 'an admin cordon is not undone');
  t.same(api.node.spec?.taints, [{ key: 'admin', effect: 'NoExecute' }], 'taints as the admin left them');
  t.equal(api.node.spec?.podCIDR, '127.244.1.0/24', 'a missing pod CIDR is filled in');
  t.equal(m.nodeUID(), 'old-uid');
  ac.abort();
  await run;
});

t.test('status: NotReady when the runtime is down, transition times, report cadence', async (t) => {
  const api = new FakeNodeApi();
  const clock = new FakeClock(Date.parse('2024-05-01T00:00:00Z'));
  const { m, rt, events } = manager(api, clock);
  const ac = new AbortController();
  const run = m.run(ac.signal);
  await flush();
  const patches = () => api.calls.filter((c) => c === 'patchNodeStatus').length;
  const first = patches();
  await advance(clock, 60_000);
  t.equal(patches(), first, 'nothing changed: no PATCH within the report frequency');
  const ready = () => api.node!.status!.conditions!.find((c) => c.type === 'Ready')!;
  t.equal(ready().lastHeartbeatTime, '2024-05-01T00:00:00Z', 'heartbeat only moves with a report');

  rt.down = true;
  await advance(clock, 10_000);
  t.match(ready(), { status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down', lastTransitionTime: '2024-05-01T00:01:10Z' });
  t.ok(events.includes('Normal NodeNotReady Node node-1 status is now: NodeNotReady'));

  rt.down = false;
  rt.conditions = [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'cni not initialized' }];
  await advance(clock, 10_000);
  t.match(ready(), { status: 'False', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:cni not initialized', lastTransitionTime: '2024-05-01T00:01:10Z' }, 'still NotReady: transition time kept');

  rt.conditions = [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, { type: 'NetworkReady', status: true, reason: '', message: '' }];
  await advance(clock, 10_000);
  t.match(ready(), { status: 'True', reason: 'KubeletReady', lastTransitionTime: '2024-05-01T00:01:30Z' });
  t.ok(events.includes('Normal NodeReady Node node-1 status is now: NodeReady'));

  const before = patches();
  await advance(clock, 5 * 60_000);
  t.equal(patches(), before + 1, 'reported once per 5 minutes when nothing changes');
  t.equal(ready().lastHeartbeatTime, '2024-05-01T00:06:30Z');

  rt.images = [...rt.images, { id: 'sha256:c', repoTags: ['new:1'], repoDigests: [], size: 1 }];
  await advance(clock, 10_000);
  t.equal(patches(), before + 2, 'a new image is a change');
  ac.abort();
  await run;
});

t.test('lease: created with the node as owner, renewed every 10 s, recreated, retried while down', async (t) => {
  const api = new FakeNodeApi();
  const clock = new FakeClock(Date.parse('2024-05-01T00:00:00Z'));
  const lease = new NodeLeaseController({ api, clock, nodeName: 'node-1', nodeUID: () => 'node-uid' });
  t.equal(lease.renewIntervalMs, 10_000, 'a quarter of 40 s');
  const ac = new AbortController();
  const run = lease.run(ac.signal);
  await flush();
  t.same(api.lease, {
    metadata: { name: 'node-1', namespace: 'kube-node-lease', resourceVersion: '1', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: 'node-uid' }] },
    spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T00:00:00.000000Z' },
  });
  await advance(clock, 10_000);
  t.equal(api.lease!.spec!.renewTime, '2024-05-01T00:00:10.000000Z');
  await advance(clock, 20_000);
  t.equal(api.lease!.spec!.renewTime, '2024-05-01T00:00:30.000000Z');
  t.equal(api.calls.filter((c) => c === 'updateLease').length, 3, 'one update per interval');

  api.lease = undefined; // someone deleted it
  await advance(clock, 10_000);
  t.equal(api.lease!.spec!.renewTime, '2024-05-01T00:00:40.000000Z', 'recreated');

  api.down = true;
  await advance(clock, 30_000);
  api.down = false;
  await advance(clock, 10_000);
  const back = Date.parse(api.lease!.spec!.renewTime!);
  t.ok(back > Date.parse('2024-05-01T00:01:10Z'), `renews again once the apiserver is back (${api.lease!.spec!.renewTime})`);
  await advance(clock, 10_000);
  t.equal(Date.parse(api.lease!.spec!.renewTime!), back + 10_000, 'and keeps its 10 s cadence');
  ac.abort();
  await run;
});
