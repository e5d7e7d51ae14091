import t from 'tap';
import { Harness, makePod } from '../pod/harness.js';

t.test('a missing image: ErrImagePull, then ImagePullBackOff; backoff 10 s doubling', async (t) => {
  const h = new Harness();
  const pod = makePod({ containers: [{ name: 'web', image: 'nonexistent:1' }] });
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  let st = h.containerState(pod, 'web')!;
  t.equal(st.state!.waiting!.reason, 'ErrImagePull');
  t.match(st.state!.waiting!.message, /failed to pull and unpack image/);
  t.same(h.reasons(), ['Pulling', 'Failed', 'Failed']);
  t.match(h.events[1]!.message, /^Failed to pull image "nonexistent:1": /);
  t.equal(h.events[2]!.message, 'Error: ErrImagePull');
  t.equal(h.status(pod).phase, 'Pending');

  // Within the backoff a sync reports ImagePullBackOff without pulling.
  h.kubelet.workers.requeue(pod.metadata!.uid!);
  await h.settle();
  st = h.containerState(pod, 'web')!;
  t.equal(st.state!.waiting!.reason, 'ImagePullBackOff');
  t.equal(st.state!.waiting!.message, 'Back-off pulling image "nonexistent:1"');
  t.same(h.reasons().slice(3), ['BackOff', 'Failed']);
  t.equal(h.events[4]!.message, 'Error: ImagePullBackOff');
  const pulls = () => h.runtime.calls.filter((c) => c.startsWith('pullImage')).length;
  t.equal(pulls(), 1);

  await h.advance(10_000);
  t.equal(pulls(), 2, 'pulled again after 10 s');
  await h.advance(10_000);
  t.equal(pulls(), 2, 'not yet: the second backoff is 20 s');
  await h.advance(10_000);
  t.equal(pulls(), 3);
  h.kubelet.workers.stop();
});

t.test('imagePullPolicy Never with a missing image: ErrImageNeverPull', async (t) => {
  const h = new Harness();
  const pod = makePod({ containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'Never' }] });
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  t.equal(h.containerState(pod, 'web')!.state!.waiting!.reason, 'ErrImageNeverPull');
  t.equal(h.events[0]!.message, 'Container image "nginx:1.27" is not present with pull policy of Never');
  h.kubelet.workers.stop();
});

t.test(':latest and untagged images are pulled every time (policy Always)', async (t) => {
  const h = new Harness();
  await h.runtime.pullImage({ image: 'nginx' });
  const pod = makePod({ containers: [{ name: 'web', image: 'nginx' }] });
  h.kubelet.handlePodUpdate(pod);
  await h.settle();
  t.same(h.reasons().slice(0, 2), ['Pulling', 'Pulled']);
  h.kubelet.workers.stop();
});
