import t from 'tap';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigPaths, loadRestConfig, mergeKubeconfigs, restConfigFrom, KubeconfigError } from '../../../../lib/client/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubeconfig-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const a = file('a.yaml', `
apiVersion: v1
kind: Config
current-context: one
clusters:
- name: c1
  cluster: {server: "http://127.0.0.1:6443"}
- name: shared
  cluster: {server: "http://first"}
users:
- name: u1
  user: {tokenFile: token.txt}
contexts:
- name: one
  context: {cluster: c1, user: u1, namespace: team-a}
`);
const b = file('b.yaml', `
current-context: two
clusters:
- name: shared
  cluster: {server: "http://second"}
- name: c2
  cluster: {server: "https://127.0.0.2:6443", certificate-authority: ca.pem, insecure-skip-tls-verify: true}
users:
- name: u2
  user: {token: abc, client-certificate-data: ${Buffer.from('CERT').toString('base64')}, client-key: key.pem}
contexts:
- name: two
  context: {cluster: c2, user: u2}
- name: broken
  context: {cluster: nowhere}
`);
file('token.txt', 'tok-from-file\n');
file('ca.pem', 'CA');
file('key.pem', 'KEY');

t.test('KUBECONFIG files merge: first definition and first current-context win', async (t) => {
  const cfg = mergeKubeconfigs([a, b]);
  t.equal(cfg.currentContext, 'one');
  t.equal(cfg.clusters.get('shared')!.value.server, 'http://first');
  t.ok(cfg.contexts.has('two'));
  const rc = restConfigFrom(cfg);
  t.same(rc.servers, ['http://127.0.0.1:6443']);
  t.equal(rc.namespace, 'team-a');
  t.equal(rc.token, 'tok-from-file', 'tokenFile resolves relative to its kubeconfig');
});

t.test('a context with certificates, a CA and a bearer token', async (t) => {
  const rc = restConfigFrom(mergeKubeconfigs([b, a]));
  t.same(rc.servers, ['https://127.0.0.2:6443']);
  t.equal(rc.namespace, 'default');
  t.equal(rc.token, 'abc');
  t.equal(rc.tls?.cert?.toString(), 'CERT');
  t.equal(rc.tls?.key?.toString(), 'KEY');
  t.equal(rc.tls?.ca?.toString(), 'CA');
  t.equal(rc.tls?.insecureSkipVerify, true);
});

t.test('--context, --master and -n override the file', async (t) => {
  const cfg = mergeKubeconfigs([a, b]);
  const rc = restConfigFrom(cfg, { context: 'two', server: 'http://127.0.0.1:1,http://127.0.0.1:2', namespace: 'x' });
  t.same(rc.servers, ['http://127.0.0.1:1', 'http://127.0.0.1:2']);
  t.equal(rc.namespace, 'x');
  t.same(restConfigFrom(mergeKubeconfigs([]), { server: 'http://127.0.0.1:9' }).servers, ['http://127.0.0.1:9'], '--master alone is enough');
});

t.test('clear errors', async (t) => {
  const cfg = mergeKubeconfigs([a, b]);
  t.throws(() => restConfigFrom(cfg, { context: 'nope' }), { message: 'context "nope" does not exist' });
  t.throws(() => restConfigFrom(cfg, { context: 'broken' }), { message: 'cluster "nowhere" of context "broken" does not exist' });
  t.throws(() => restConfigFrom(mergeKubeconfigs([])), KubeconfigError);
  t.throws(() => mergeKubeconfigs([file('bad.yaml', 'clusters: {oops')]), /not valid YAML/);
  t.throws(() => mergeKubeconfigs([file('bad2.yaml', 'clusters: 3')]), /clusters must be a list/);
  t.throws(() => restConfigFrom(mergeKubeconfigs([file('ftp.yaml', 'current-context: x\nclusters: [{name: c, cluster: {server: "ftp://x"}}]\ncontexts: [{name: x, context: {cluster: c}}]')])), /must be http or https/);
  t.throws(() => kubeconfigPaths(join(dir, 'missing')), /no such file/);
});

t.test('lookup order: --kubeconfig, then existing KUBECONFIG entries, then ~/.kube/config', async (t) => {
  t.same(kubeconfigPaths(a), [a]);
  t.same(kubeconfigPaths(undefined, { KUBECONFIG: `${join(dir, 'missing')}:${b}:${a}:${b}` }), [b, a]);
  t.same(kubeconfigPaths(undefined, { HOME: dir }), []);
  t.equal(loadRestConfig({ env: { KUBECONFIG: `${b}:${a}` } }).token, 'abc');
});

t.test('clientFromFlags: --master wins over the kubeconfig, QPS/burst from the flags', async (t) => {
  const { clientFromFlags } = await import('../../../../lib/client/from-flags.js');
  const c = clientFromFlags('kube-scheduler', { kubeconfig: a, master: 'http://127.0.0.1:7001,http://127.0.0.1:7002', kubeApiQps: 50, kubeApiBurst: 100 });
  t.same(c.rest.servers, ['http://127.0.0.1:7001', 'http://127.0.0.1:7002']);
  t.equal(c.namespace, 'team-a');
  t.equal(c.config.token, 'tok-from-file');
  await c.close();
  t.throws(() => clientFromFlags('x', { kubeconfig: join(dir, 'missing'), kubeApiQps: 1, kubeApiBurst: 1 }), /no such file/);
});
