import t, { type Test } from 'tap';
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { decodeKubernetesProtobuf, isKubernetesProtobufContentType } from '../../../../../lib/api/protobuf/index.js';
import { FakeApiserver } from './fake-apiserver.js';
import { protobufTestdataDir, stripNulls } from './helpers.js';
import { BLOB_BYTES, KUBECTL_CASES, type KubectlCase } from './kubectl-cases.js';

/**
 * Drives the real kubectl 1.32 against a loopback fake apiserver: each `kubectl create …` POSTs a
 * protobuf body, which must decode to exactly what `kubectl create … --dry-run=client -o json`
 * prints for the same command (apart from nulls, which protobuf cannot carry).
 *
 * With UPDATE_PROTOBUF_FIXTURES=1 the captured bodies and expected JSON are written to
 * test/testdata/protobuf, where fixtures.test.ts checks them without kubectl.
 */

const run = promisify(execFile);

function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const kubectl = findKubectl();
if (kubectl === undefined) {
  t.plan(0, 'kubectl not found on PATH');
} else {
  await main(kubectl);
}

async function main(kubectlPath: string): Promise<void> {
  const testdata = protobufTestdataDir();
  const updateFixtures = process.env.UPDATE_PROTOBUF_FIXTURES === '1';
  const home = mkdtempSync(join(tmpdir(), 'k8ts-protobuf-'));
  const server = await FakeApiserver.start();
  t.teardown(async () => {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  });

  const kubeconfig = join(home, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: fake, cluster: {server: "${server.url}"}}]`,
      'users: [{name: admin, user: {}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: admin, namespace: default}}]',
      'current-context: fake',
      '',
    ].join('\n'),
  );
  writeFileSync(join(home, 'blob.bin'), BLOB_BYTES);

  // A private HOME, so kubectl's discovery cache never answers instead of the fake server.
  const env = { PATH: process.env.PATH ?? '', HOME: home };
  const kubectlRun = async (args: string[]): Promise<string> => {
    const expanded = args.map((a) => a.replaceAll('{TESTDATA}', testdata).replaceAll('{TMP}', home));
    const { stdout } = await run(kubectlPath, ['--kubeconfig', kubeconfig, ...expanded], { env, timeout: 30_000 });
    return stdout;
  };

  const verified: string[] = [];
  for (const c of KUBECTL_CASES) {
    await t.test(`kubectl ${c.args.join(' ')}`, async (t) => {
      const body = await capture(t, c, kubectlRun, server);
      if (body === undefined) return;
      const decoded = decodeKubernetesProtobuf(body);
      t.same(decoded.unknownFields, [], 'every field kubectl sent is in our schema');

      const expected = c.expected ?? (JSON.parse(await kubectlRun(withDryRun(c.args))) as Record<string, unknown>);
      t.strictSame(stripNulls(decoded.object), stripNulls(expected), 'decoded body equals kubectl --dry-run=client -o json');
      verified.push(c.name);

      if (updateFixtures) {
        writeFileSync(join(testdata, `${c.name}.pb`), body);
        writeFileSync(join(testdata, `${c.name}.json`), `${JSON.stringify(expected, null, 2)}\n`);
      }
    });
  }
  t.equal(verified.length, KUBECTL_CASES.length, 'every command was verified');
}

/** The same command printing its object instead of sending it; flags go before a `--` command. */
function withDryRun(args: string[]): string[] {
  const dash = args.indexOf('--');
  const flags = ['--dry-run=client', '-o', 'json'];
  return dash < 0 ? [...args, ...flags] : [...args.slice(0, dash), ...flags, ...args.slice(dash)];
}

/** Runs the create, returns the one protobuf body it POSTed (or fails the test and returns undefined). */
async function capture(
  t: Test,
  c: KubectlCase,
  kubectlRun: (args: string[]) => Promise<string>,
  server: FakeApiserver,
): Promise<Buffer | undefined> {
  const before = server.captured.length;
  await kubectlRun(c.args);
  const posts = server.captured.slice(before);
  t.equal(posts.length, 1, 'one POST');
  const post = posts[0];
  if (post === undefined) return undefined;
  t.ok(isKubernetesProtobufContentType(post.contentType), `sent as protobuf (${post.contentType})`);
  return post.body;
}
