import t from 'tap';
import { computePodQOS } from '../../../../apiserver/registry/pod.js';

const c = (resources: Record<string, unknown>) => ({ name: 'c', image: 'x', resources });
const both = { cpu: '500m', memory: '64Mi' };

t.test('QoS classes as Kubernetes computes them', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['no resources', { containers: [{ name: 'c', image: 'x' }] }, 'BestEffort'],
    ['no spec at all', {}, 'BestEffort'],
    ['zero requests do not count', { containers: [c({ requests: { cpu: '0', memory: '0' } })] }, 'BestEffort'],
    ['other resources do not count', { containers: [c({ requests: { 'ephemeral-storage': '1Gi' }, limits: { 'nvidia.com/gpu': '1' } })] }, 'BestEffort'],
    ['a cpu request', { containers: [c({ requests: { cpu: '100m' } })] }, 'Burstable'],
    ['requests equal limits', { containers: [c({ requests: both, limits: both })] }, 'Guaranteed'],
    ['equal in value, not in spelling', { containers: [c({ requests: { cpu: '0.5', memory: '67108864' }, limits: both })] }, 'Guaranteed'],
    ['limits without requests (defaulting copies them first)', { containers: [c({ limits: both })] }, 'Burstable'],
    ['requests below limits', { containers: [c({ requests: { cpu: '100m', memory: '64Mi' }, limits: both })] }, 'Burstable'],
    ['memory limit missing', { containers: [c({ requests: { cpu: '1' }, limits: { cpu: '1' } })] }, 'Burstable'],
    ['one container without limits', { containers: [c({ requests: both, limits: both }), { name: 'd', image: 'x' }] }, 'Burstable'],
    ['an init container with a request only', { containers: [c({ requests: both, limits: both })], initContainers: [c({ requests: { cpu: '1' } })] }, 'Burstable'],
    ['init and app containers all guaranteed', { containers: [c({ requests: both, limits: both })], initContainers: [c({ requests: both, limits: both })] }, 'Guaranteed'],
    ['unparsable quantities are ignored', { containers: [c({ requests: { cpu: 'lots' } })] }, 'BestEffort'],
  ];
  for (const [name, spec, want] of cases) t.equal(computePodQOS(spec), want, name);
});
