import t from 'tap';
import { clientFlags, opsFlags, type ClientFlags } from '../../../../lib/component/common-flags.js';
import { defineFlags, FlagError } from '../../../../lib/component/flags.js';
import { parseCommandLine, type ComponentDefinition } from '../../../../lib/component/run.js';

const FLAGS = defineFlags(
  { name: 'node-name', type: 'string', help: 'the Node this kubelet registers' },
  { name: 'sync-frequency', type: 'duration', default: '1m', help: 'how often pods are resynced' },
  ...opsFlags({ port: 10250 }),
  ...clientFlags({ qps: 50, burst: 100 }),
);
const DEF: ComponentDefinition<typeof FLAGS> = { name: 'kubelet', description: 'Runs the pods bound to its node.', flags: FLAGS, ops: 'own', run: async () => undefined };

t.test('--help is generated from the table: grouped, types and defaults shown', async (t) => {
  const cl = parseCommandLine(DEF, ['--help']);
  const help = cl.kind === 'help' ? cl.text : '';
  t.match(help, /^usage: node dist\/kubelet\/main\.js \[flags\]\n\nRuns the pods bound to its node\.\n\nkubelet flags:\n/);
  // Long help wraps onto continuation lines: match the content on the text with spaces collapsed.
  const flat = help.replace(/\s+/g, ' ');
  t.match(help, /--node-name string +the Node this kubelet registers\n/);
  t.match(help, /--sync-frequency duration +how often pods are resynced \(default 1m\)/);
  t.match(help, /ops flags:\n +--bind-address string +IP address to listen on \(default 127\.0\.0\.1\)\n +--port int /);
  t.match(flat, /--port int port of \/healthz, \/livez, \/readyz and \/metrics \(0 = any free port\) \(default 10250\)/);
  t.match(help, /client flags:\n +--kubeconfig string/);
  t.match(flat, /--kube-api-qps float requests per second to the apiserver \(token bucket rate\) \(default 50\)/);
  t.match(flat, /--kube-api-burst int requests allowed in a burst above --kube-api-qps \(default 100\)/);
  t.match(help, /generic flags:\n/);
  t.match(help, /-h, --help +show this help/);
  t.match(flat, /--shutdown-timeout duration .* \(default 10s\)/);
  t.ok(help.indexOf('kubelet flags:') < help.indexOf('ops flags:'), "the component's own flags come first");
  for (const line of help.split('\n')) t.ok(line.length <= 110, `short line: ${line}`);
});

t.test('parseCommandLine: help (even next to bad flags), bad flags with usage, typed values', async (t) => {
  t.equal(parseCommandLine(DEF, ['--help']).kind, 'help');
  t.equal(parseCommandLine(DEF, ['--nope', '-h']).kind, 'help');
  const bad = parseCommandLine(DEF, ['--kube-api-burst', '0']);
  t.equal(bad.kind, 'badFlags');
  if (bad.kind === 'badFlags') {
    t.match(bad.message, /--kube-api-burst: want an integer >= 1/);
    t.match(bad.usage, /^usage: /);
  }
  t.match(parseCommandLine(DEF, ['--master', 'ftp://x']), { kind: 'badFlags', message: /--master: "ftp:\/\/x" is not an http\(s\) URL/ });
  t.match(parseCommandLine(DEF, ['--bind-address', 'localhost']), { kind: 'badFlags', message: /--bind-address: "localhost" is not an IP address/ });
  const ok = parseCommandLine(DEF, ['--node-name', 'node-1', '--port=0', '--master', 'http://127.0.0.1:6443', '--log-level', 'debug']);
  t.equal(ok.kind, 'run');
  if (ok.kind === 'run') {
    t.equal(ok.flags.nodeName, 'node-1');
    t.equal(ok.flags.port, 0);
    t.equal(ok.flags.syncFrequency, 60_000);
    t.equal(ok.flags.kubeApiQps, 50);
    t.equal(ok.flags.kubeApiBurst, 100);
    t.equal(ok.flags.master, 'http://127.0.0.1:6443');
    t.equal(ok.flags.kubeconfig, undefined);
    t.equal(ok.flags.logLevel, 'debug');
    t.equal(ok.flags.shutdownTimeout, 10_000);
  }
});

t.test('check(): flags judged together are bad flags with the usage; other errors propagate', async (t) => {
  const checked: ComponentDefinition<typeof FLAGS> = {
    ...DEF,
    check: (f) => {
      if (f.nodeName === 'boom') throw new Error('a bug, not a flag');
      if (f.nodeName === undefined && f.port === 0) throw new FlagError('--port 0 needs --node-name');
    },
  };
  t.match(parseCommandLine(checked, ['--port', '0']), { kind: 'badFlags', message: '--port 0 needs --node-name', usage: /^usage: / });
  t.equal(parseCommandLine(checked, ['--port', '0', '--node-name', 'n']).kind, 'run');
  t.equal(parseCommandLine(checked, ['--port', '0', '-h']).kind, 'help');
  t.throws(() => parseCommandLine(checked, ['--node-name', 'boom']), /a bug/);
});

t.test('ClientFlags is the shape clientFlags() parse to (what lib/client reads)', async (t) => {
  const ok = parseCommandLine(DEF, ['--kube-api-qps', '5', '--kube-api-burst', '10']);
  if (ok.kind !== 'run') return t.fail(ok.kind);
  const client: ClientFlags = ok.flags;
  t.same([client.kubeApiQps, client.kubeApiBurst, client.kubeconfig, client.master], [5, 10, undefined, undefined]);
});
