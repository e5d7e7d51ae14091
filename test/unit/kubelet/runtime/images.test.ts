import t from 'tap';
import { resolveArgv } from '../../../../kubelet/runtime/mock/argv.js';
import { imageIdOf, parseImageRef } from '../../../../kubelet/runtime/mock/image-ref.js';
import { ImageStore, matchesPattern } from '../../../../kubelet/runtime/mock/image-store.js';
import { imageDefinition } from '../../../../kubelet/runtime/mock/images/index.js';
import { isRuntimeError } from '../../../../kubelet/runtime/types.js';
import { FakeClock } from '../../../../lib/util/clock.js';

t.test('references are normalized as containerd does', async (t) => {
  const cases: Array<[string, string]> = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['library/nginx', 'docker.io/library/nginx:latest'],
    ['user/app:v1', 'docker.io/user/app:v1'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['registry.k8s.io/e2e-test-images/agnhost:2.52', 'registry.k8s.io/e2e-test-images/agnhost:2.52'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    [`nginx:1.25@sha256:${'a'.repeat(64)}`, `docker.io/library/nginx@sha256:${'a'.repeat(64)}`],
  ];
  for (const [input, want] of cases) t.equal(parseImageRef(input).normalized, want, input);
  for (const bad of ['Nginx', 'nginx:', 'ngi nx', '', 'nginx@sha256:abc']) {
    t.throws(() => parseImageRef(bad), { code: 'InvalidArgument' }, `${JSON.stringify(bad)} is invalid`);
  }
  t.equal(imageIdOf(parseImageRef('nginx')), imageIdOf(parseImageRef('docker.io/library/nginx:latest')), 'same image, same id');
  t.not(imageIdOf(parseImageRef('nginx:1.25')), imageIdOf(parseImageRef('nginx:1.26')));
  t.match(imageIdOf(parseImageRef('nginx')), /^sha256:[a-f0-9]{64}$/);
});

t.test('entrypoint/cmd resolution: command replaces entrypoint and drops cmd, args replace cmd', async (t) => {
  const table: Array<[string, string[], string[], string[]]> = [
    ['nginx', [], [], ['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']],
    ['nginx', [], ['nginx-debug'], ['/docker-entrypoint.sh', 'nginx-debug']],
    ['nginx', ['nginx'], [], ['nginx']],
    ['busybox', [], [], ['sh']],
    ['busybox', [], ['/bin/sh', '-c', 'echo hi'], ['/bin/sh', '-c', 'echo hi']],
    ['busybox', ['sh', '-c'], ['echo hi'], ['sh', '-c', 'echo hi']],
    ['registry.k8s.io/e2e-test-images/agnhost:2.52', [], [], ['/agnhost', 'pause']],
    ['registry.k8s.io/e2e-test-images/agnhost:2.52', [], ['netexec', '--http-port=8080'], ['/agnhost', 'netexec', '--http-port=8080']],
    ['registry.k8s.io/pause:3.10', [], [], ['/pause']],
    ['alpine', [], [], ['/bin/sh']],
    ['ubuntu:24.04', [], [], ['bash']],
    ['httpd:2.4', [], [], ['httpd-foreground']],
    ['example.com/some/app:1', [], [], ['/k8ts-serve']],
  ];
  for (const [image, command, args, want] of table) {
    const def = imageDefinition(parseImageRef(image), { ports: [] });
    t.same(resolveArgv(def, command, args), want, `${image} command=${JSON.stringify(command)} args=${JSON.stringify(args)}`);
  }
});

t.test('pulls take the configured delay on the clock and fail for images that cannot exist', async (t) => {
  const clock = new FakeClock(1_000);
  const store = new ImageStore({ clock, pullDelayMs: 500, failPatterns: ['private.example/*', 'broken'] });
  const pulling = store.pull('nginx');
  const again = store.pull('docker.io/library/nginx:latest');
  t.equal(store.find('nginx'), null, 'not present before the delay');
  clock.advance(500);
  const id = await pulling;
  t.equal(await again, id, 'a concurrent pull of the same image shares the first');
  t.equal(store.find('nginx')?.id, id);
  t.equal(store.find(id)?.repoTags[0], 'docker.io/library/nginx:latest', 'found by id');
  t.match(store.find('nginx')?.repoDigests[0], /^docker\.io\/library\/nginx@sha256:[a-f0-9]{64}$/);

  for (const [ref, normalized] of [
    ['x-doesnotexist', 'docker.io/library/x-doesnotexist:latest'],
    ['nonexistent/app:v2', 'docker.io/nonexistent/app:v2'],
    ['private.example/team/app', 'private.example/team/app:latest'],
    ['myorg/broken-image', 'docker.io/myorg/broken-image:latest'],
  ]) {
    const failing = store.pull(ref!);
    clock.advance(500);
    try {
      await failing;
      t.fail(`${ref} pulled`);
    } catch (err) {
      t.ok(isRuntimeError(err, 'ImagePullFailed'), `${ref}: ImagePullFailed`);
      t.equal((err as Error).message, `failed to pull and unpack image "${normalized}": failed to resolve reference "${normalized}": ${normalized}: not found`);
    }
  }
  t.same(store.pulls, { succeeded: 1, failed: 4 });
  t.equal(store.list().length, 1);
  store.remove('nginx');
  t.equal(store.list().length, 0);
});

t.test('fail patterns: substring without *, glob with it', async (t) => {
  t.ok(matchesPattern('bad', 'my/bad-app', 'docker.io/my/bad-app:latest'));
  t.ok(matchesPattern('docker.io/my/*', 'my/app', 'docker.io/my/app:latest'));
  t.notOk(matchesPattern('docker.io/my/*:v1', 'my/app', 'docker.io/my/app:latest'));
});
