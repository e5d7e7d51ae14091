import t from 'tap';
import type { ContainerStatus, Pod } from '../../../../lib/api/types.js';
import { getPhase } from '../../../../kubelet/status/phase.js';
import { podQOSClass } from '../../../../kubelet/status/qos.js';
import { goDuration } from '../../../../kubelet/pod/format.js';

const running = (name: string): ContainerStatus => ({ name, state: { running: { startedAt: 'x' } }, ready: true, restartCount: 0, image: 'i', imageID: '' });
const exited = (name: string, exitCode: number): ContainerStatus => ({ name, state: { terminated: { exitCode } }, ready: false, restartCount: 0, image: 'i', imageID: '' });
const crashLooping = (name: string): ContainerStatus => ({ name, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } }, ready: false, restartCount: 3, image: 'i', imageID: '' });
const pod = (restartPolicy: string, n = 1): Pod => ({ spec: { restartPolicy, containers: Array.from({ length: n }, (_, i) => ({ name: `c${i}` })) } }) as Pod;

t.test('getPhase', async (t) => {
  t.equal(getPhase(pod('Always'), [], [running('c0')]), 'Running');
  t.equal(getPhase(pod('Always'), [], []), 'Pending');
  t.equal(getPhase(pod('Always'), [], [exited('c0', 0)]), 'Running', 'Always restarts');
  t.equal(getPhase(pod('Always'), [], [crashLooping('c0')]), 'Running');
  t.equal(getPhase(pod('Never'), [], [exited('c0', 0)]), 'Succeeded');
  t.equal(getPhase(pod('Never'), [], [exited('c0', 2)]), 'Failed');
  t.equal(getPhase(pod('OnFailure'), [], [exited('c0', 2)]), 'Running', 'OnFailure restarts failures');
  t.equal(getPhase(pod('OnFailure'), [], [exited('c0', 0)]), 'Succeeded');
  t.equal(getPhase(pod('Never', 2), [], [exited('c0', 0), running('c1')]), 'Running');
  t.equal(getPhase(pod('Always'), [], [exited('c0', 0)], true), 'Succeeded', 'a terminated Always pod ends by exit codes');
  const withInit = { spec: { restartPolicy: 'Never', initContainers: [{ name: 'i' }], containers: [{ name: 'c0' }] } } as Pod;
  t.equal(getPhase(withInit, [running('i')], []), 'Pending');
  t.equal(getPhase(withInit, [exited('i', 1)], []), 'Failed');
});

t.test('qosClass', async (t) => {
  const p = (resources: object[]) => ({ spec: { containers: resources.map((r, i) => ({ name: `c${i}`, resources: r })) } }) as Pod;
  t.equal(podQOSClass(p([{}])), 'BestEffort');
  t.equal(podQOSClass(p([{ limits: { cpu: '1', memory: '1Gi' } }])), 'Guaranteed');
  t.equal(podQOSClass(p([{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1Gi' } }])), 'Guaranteed', 'equal quantities in other spellings');
  t.equal(podQOSClass(p([{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } }])), 'Burstable');
  t.equal(podQOSClass(p([{ limits: { cpu: '1', memory: '1Gi' } }, {}])), 'Burstable');
  t.equal(podQOSClass(p([{ requests: { memory: '10Mi' } }])), 'Burstable');
});

t.test('Go durations as the kubelet prints them', async (t) => {
  t.equal(goDuration(10_000), '10s');
  t.equal(goDuration(80_000), '1m20s');
  t.equal(goDuration(300_000), '5m0s');
  t.equal(goDuration(201), '201ms');
  t.equal(goDuration(1_500), '1.5s');
  t.equal(goDuration(3_600_000), '1h0m0s');
});
