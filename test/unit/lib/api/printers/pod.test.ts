import t from 'tap';
import type { KubeObject } from '../../../../../lib/api/types.js';
import { ago, cells, headers, MINUTE, obj, SECOND, table } from './fixtures.js';

const running = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  ready: true,
  started: true,
  restartCount: 0,
  image: 'nginx',
  imageID: '',
  state: { running: { startedAt: ago(4 * MINUTE) } },
  ...extra,
});
const READY_CONDITIONS = [
  { type: 'Initialized', status: 'True' },
  { type: 'Ready', status: 'True' },
  { type: 'ContainersReady', status: 'True' },
  { type: 'PodScheduled', status: 'True' },
];

function pod(name: string, spec: Record<string, unknown>, status: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return obj('v1', 'Pod', name, { metadata, spec: { containers: [{ name: 'web', image: 'nginx' }], nodeName: 'node-1', ...spec }, status });
}

t.test('pod columns: NAME READY STATUS RESTARTS AGE, wide IP NODE NOMINATED NODE READINESS GATES', async (t) => {
  t.strictSame(headers('Pod'), ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP*', 'Node*', 'Nominated Node*', 'Readiness Gates*']);
  const defs = table('Pod', []).columnDefinitions;
  t.equal(defs[0]!.format, 'name');
  t.equal(defs[3]!.type, 'string', 'RESTARTS is a string since it carries "(5m ago)"');
});

// [what, pod, expected cells]
const CASES: Array<[string, KubeObject, unknown[]]> = [
  [
    'running',
    pod('web-1', {}, { phase: 'Running', conditions: READY_CONDITIONS, podIP: '10.0.0.3', podIPs: [{ ip: '10.0.0.3' }], containerStatuses: [running('web')] }),
    ['web-1', '1/1', 'Running', '0', '5m', '10.0.0.3', 'node-1', '<none>', '<none>'],
  ],
  [
    'pending, unscheduled, no status yet',
    pod('new', { nodeName: undefined }, { phase: 'Pending' }),
    ['new', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  ],
  [
    'pending with ContainerCreating',
    pod('creating', {}, {
      phase: 'Pending',
      containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }],
    }),
    ['creating', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'CrashLoopBackOff with restarts and the time of the last one',
    pod('crashy', {}, {
      phase: 'Running',
      podIPs: [{ ip: '10.0.0.9' }],
      containerStatuses: [
        {
          name: 'web',
          ready: false,
          restartCount: 5,
          image: 'nginx',
          imageID: '',
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(6 * MINUTE), finishedAt: ago(5 * MINUTE + 3 * SECOND) } },
        },
      ],
    }),
    ['crashy', '0/1', 'CrashLoopBackOff', '5 (5m3s ago)', '5m', '10.0.0.9', 'node-1', '<none>', '<none>'],
  ],
  [
    'restarts without a known last termination have no suffix',
    pod('restarted', {}, { phase: 'Running', conditions: READY_CONDITIONS, containerStatuses: [running('web', { restartCount: 3 })] }),
    ['restarted', '1/1', 'Running', '3', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'completed',
    pod('job-pod', { restartPolicy: 'Never' }, {
      phase: 'Succeeded',
      podIP: '10.0.0.4',
      containerStatuses: [
        { name: 'web', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: ago(MINUTE) } } },
      ],
    }),
    ['job-pod', '0/1', 'Completed', '0', '5m', '10.0.0.4', 'node-1', '<none>', '<none>'],
  ],
  [
    'failed with an exit code and no reason',
    pod('oom', {}, {
      phase: 'Failed',
      containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 137 } } }],
    }),
    ['oom', '0/1', 'ExitCode:137', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'killed by a signal',
    pod('sig', {}, {
      phase: 'Failed',
      containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, signal: 9 } } }],
    }),
    ['sig', '0/1', 'Signal:9', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'Init:0/1 while the init container runs',
    pod('init', { initContainers: [{ name: 'setup', image: 'busybox' }] }, {
      phase: 'Pending',
      conditions: [{ type: 'Initialized', status: 'False' }],
      initContainerStatuses: [{ name: 'setup', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { running: { startedAt: ago(MINUTE) } } }],
      containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
    }),
    ['init', '0/1', 'Init:0/1', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'Init:1/2 after the first of two init containers succeeded',
    pod('init2', { initContainers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] }, {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'a', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'b', ready: false, restartCount: 0, image: 'busybox', imageID: '', state: { waiting: { reason: 'PodInitializing' } } },
      ],
    }),
    ['init2', '0/1', 'Init:1/2', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'Init:CrashLoopBackOff counts the init container restarts',
    pod('initcrash', { initContainers: [{ name: 'setup', image: 'busybox' }] }, {
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: 'setup',
          ready: false,
          restartCount: 2,
          image: 'busybox',
          imageID: '',
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(30 * SECOND) } },
        },
      ],
      containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'nginx', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }],
    }),
    ['initcrash', '0/1', 'Init:CrashLoopBackOff', '2 (30s ago)', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'Init:Error from the terminated reason',
    pod('initerr', { initContainers: [{ name: 'a', image: 'x' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 1, reason: 'Error' } } }],
    }),
    ['initerr', '0/1', 'Init:Error', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'Init:ExitCode when the terminated init container gives no reason',
    pod('initfail', { initContainers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] }, {
      phase: 'Failed',
      initContainerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 3 } } }],
    }),
    ['initfail', '0/1', 'Init:ExitCode:3', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'a running sidecar counts as a container and does not hold up init',
    pod('sidecar', { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] }, {
      phase: 'Running',
      conditions: READY_CONDITIONS,
      initContainerStatuses: [running('proxy', { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(2 * MINUTE) } } })],
      containerStatuses: [running('web')],
    }),
    ['sidecar', '2/2', 'Running', '1 (2m ago)', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'a completed container next to a running one reads Running (pod Ready) or NotReady',
    pod('mixed', { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] }, {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        { name: 'a', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        running('b'),
      ],
    }),
    ['mixed', '1/2', 'NotReady', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'the same pod with a Ready condition reads Running',
    pod('mixed-ready', { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }] }, {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'a', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        running('b'),
      ],
    }),
    ['mixed-ready', '1/2', 'Running', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'terminating',
    pod('bye', {}, { phase: 'Running', conditions: READY_CONDITIONS, containerStatuses: [running('web')] }, {
      deletionTimestamp: ago(-30 * SECOND),
      deletionGracePeriodSeconds: 30,
    }),
    ['bye', '1/1', 'Terminating', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'a deleted pod that already finished keeps its final status',
    pod('done', {}, {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    }, { deletionTimestamp: ago(0) }),
    ['done', '0/1', 'Completed', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'deleted on an unreachable node',
    pod('lost', {}, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('web')] }, { deletionTimestamp: ago(0) }),
    ['lost', '1/1', 'Unknown', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'evicted: status.reason replaces the phase',
    pod('evicted', {}, { phase: 'Failed', reason: 'Evicted', message: 'low on memory' }),
    ['evicted', '0/1', 'Evicted', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
  [
    'scheduling gated',
    pod('gated', { nodeName: undefined, schedulingGates: [{ name: 'wait' }] }, {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
    }),
    ['gated', '0/1', 'SchedulingGated', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
  ],
  [
    'wide columns: nominated node, readiness gates, the first of several IPs',
    pod('wide', { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] }, {
      phase: 'Running',
      nominatedNodeName: 'node-2',
      podIP: '10.0.0.5',
      podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }],
      conditions: [...READY_CONDITIONS, { type: 'example.com/lb', status: 'True' }, { type: 'example.com/dns', status: 'False' }],
      containerStatuses: [running('web')],
    }),
    ['wide', '1/1', 'Running', '0', '5m', '10.0.0.5', 'node-1', 'node-2', '1/2'],
  ],
  [
    'the first container in spec order decides among several waiting reasons',
    pod('two', { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] }, {
      phase: 'Pending',
      containerStatuses: [
        { name: 'a', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ErrImagePull' } } },
        { name: 'b', ready: false, restartCount: 0, image: 'y', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    }),
    ['two', '0/2', 'ErrImagePull', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
  ],
];

t.test('pod cells', async (t) => {
  for (const [what, p, want] of CASES) t.strictSame(cells('Pod', p), want, what);
});

t.test('row conditions mark finished pods', async (t) => {
  const finished = (phase: string) => table('Pod', [pod('p', {}, { phase })]).rows[0]!.conditions;
  t.strictSame(finished('Succeeded'), [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  t.strictSame(finished('Failed'), [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
  t.equal(finished('Running'), undefined);
});

t.test('a pod missing spec and status still prints', async (t) => {
  const bare = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' } } as KubeObject;
  t.strictSame(cells('Pod', bare), ['bare', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
});
