// The commands: table tests through sh in a tmpdir-backed container, then wget against a real
// HTTP server on loopback, nslookup, and tail -f on a FakeClock.
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { FakeClock } from '../../../../../lib/util/clock.js';
import { waitFor } from '../../../../../lib/util/wait.js';
import { testProcess, type TestProcessOptions } from '../../../../helpers/mock-process.js';

async function sh(script: string, opts: Partial<TestProcessOptions> = {}) {
  const proc = testProcess({ ...opts, argv: ['sh', '-c', script] });
  try {
    const status = await proc.run();
    return { status, out: proc.stdout(), err: proc.stderr() };
  } finally {
    proc.cleanup();
  }
}

const FILES = { '/data/words': 'banana\napple\ncherry\napple\n', '/data/nums': '10\n9\n100\n', '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' };

const CASES: Array<{ script: string; out: string; status?: number; err?: string }> = [
  { script: 'echo -n a; echo -e "b\\tc\\n"; echo "d\\n"', out: 'ab\tc\n\nd\\n\n' },
  { script: 'printf "%s|%5s|%-3s|%03d|%x|%X|%o|%c|%%|%.2f\\n" hi r l 7 255 255 8 xyz 3.14159', out: 'hi|    r|l  |007|ff|FF|10|x|%|3.14\n' },
  { script: 'printf "%s\\n" a b c', out: 'a\nb\nc\n' },
  { script: "printf '%s' 'a\\nb'", out: 'a\\nb' },
  { script: 'cat /data/words | head -n 2; head -1 /data/words; head -c 3 /data/words; echo', out: 'banana\napple\nbanana\nban\n' },
  { script: 'tail -n 2 /data/words; tail -1 /data/nums; tail -n +3 /data/nums', out: 'cherry\napple\n100\n100\n' },
  { script: 'sort /data/words; sort -n /data/nums; sort -rn /data/nums | head -n1; sort -u /data/words | wc -l', out: 'apple\napple\nbanana\ncherry\n9\n10\n100\n100\n3\n' },
  { script: 'sort /data/words | uniq; sort /data/words | uniq -d; sort /data/words | uniq -u', out: 'apple\nbanana\ncherry\napple\nbanana\ncherry\n' },
  { script: 'wc -l /data/words; wc -w < /data/words; wc -c < /data/nums; wc /data/nums', out: '      4 /data/words\n4\n9\n      3       3       9 /data/nums\n' },
  { script: 'grep apple /data/words; grep -c apple /data/words; grep -v a /data/words; grep -i APPLE -q /data/words && echo found', out: 'apple\napple\n2\ncherry\nfound\n' },
  { script: "grep -E '^(ba|ch)' /data/words; grep 'p\\{2\\}' /data/words; grep -n cherry /data/words; grep nomatch /data/words; echo $?", out: 'banana\ncherry\napple\napple\n3:cherry\n1\n' },
  { script: 'grep x /nope; echo $?', out: '2\n', err: "grep: can't open '/nope': No such file or directory\n" },
  { script: 'cut -d: -f1,7 /etc/passwd; echo abcdef | cut -c 2-4', out: 'root:/bin/sh\nnobody:/bin/false\nbcd\n' },
  { script: 'echo Hello World | tr a-z A-Z; echo hello | tr -d l; echo "a   b" | tr -s " "; echo abc | tr "[:lower:]" "[:upper:]"', out: 'HELLO WORLD\nheo\na b\nABC\n' },
  { script: "echo aaa bbb | sed 's/a/x/'; echo aaa | sed 's/a/x/g'; echo path/to | sed 's|/|::|g'; echo key=val | sed -E 's/(.*)=(.*)/\\2=\\1/'; echo hi | sed 's/hi/[&]/'", out: 'xaa bbb\nxxx\npath::to\nval=key\n[hi]\n' },
  { script: "sed -i 's/apple/pear/g' /data/words; cat /data/words", out: 'banana\npear\ncherry\npear\n' },
  { script: 'seq 3; seq 2 2 6; seq -s, 1 3; yes no | head -n 2', out: '1\n2\n3\n2\n4\n6\n1,2,3\nno\nno\n' },
  { script: 'basename /a/b/c.txt; basename /a/b/c.txt .txt; dirname /a/b/c.txt; dirname file', out: 'c.txt\nc\n/a/b\n.\n' },
  { script: 'mkdir -p /x/y/z && touch /x/y/z/f /x/y/g && ls /x/y; ls -a /x/y/z; ls /x/y/z/f', out: 'g\nz\n.\n..\nf\n/x/y/z/f\n' },
  { script: 'ls /nope; echo $?', out: '1\n', err: 'ls: /nope: No such file or directory\n' },
  { script: 'touch /tmp/f; ls -l /tmp | cut -c1-10', out: 'total 0\n-rw-r--r--\n' },
  { script: 'mkdir /tmp/d; mkdir /tmp/d; mkdir /no/such', status: 1, out: '', err: "mkdir: can't create directory '/tmp/d': File exists\nmkdir: can't create directory '/no/such': No such file or directory\n" },
  { script: 'rm /nope; echo $?; rm -f /nope; echo $?; mkdir /tmp/d; rm /tmp/d; rm -r /tmp/d && echo gone', out: '1\n0\ngone\n', err: "rm: can't remove '/nope': No such file or directory\nrm: '/tmp/d' is a directory\n" },
  { script: 'cp /data/nums /tmp/n; cat /tmp/n | wc -l; mkdir /tmp/dir; cp /data/words /data/nums /tmp/dir; ls /tmp/dir; cp -r /data /tmp/copy; ls /tmp/copy; cp /data /tmp/x', status: 1, out: '3\nnums\nwords\nnums\nwords\n', err: "cp: omitting directory '/data'\n" },
  { script: 'mv /data/nums /tmp/moved; ls /data; cat /tmp/moved | head -n1; mv /nope /tmp', status: 1, out: 'words\n10\n', err: "mv: can't rename '/nope': No such file or directory\n" },
  { script: 'cd /data; cat words | wc -l; ls', out: '4\nnums\nwords\n' },
  { script: 'cat -n /data/nums; cat /data/nums - < /data/nums | wc -l', out: '     1\t10\n     2\t9\n     3\t100\n6\n' },
  { script: 'date; date +%s; date -u "+%Y-%m-%dT%H:%M:%SZ %j %a %B"; date -d @0 +%F', out: 'Sat Dec  5 12:00:00 UTC 2026\n1796472000\n2026-12-05T12:00:00Z 339 Sat December\n1970-01-01\n' },
  { script: 'env | sort; printenv HOME; printenv NOPE; echo $?; env -i X=1 env', out: 'HOME=/root\nPATH=/bin\n/root\n1\nX=1\n' },
  { script: 'hostname; hostname -i; pwd; id; whoami; id -u', out: 'web-0\n127.0.0.1\n/\nuid=0(root) gid=0(root) groups=0(root)\nroot\n0\n' },
];

for (const c of CASES) {
  t.test(c.script, async (t) => {
    const r = await sh(c.script, { files: FILES, clock: new FakeClock(Date.UTC(2026, 11, 5, 12, 0, 0)), env: { HOME: '/root', PATH: '/bin' }, hostname: 'web-0' });
    t.equal(r.out, c.out, 'stdout');
    t.equal(r.err, c.err ?? '', 'stderr');
    t.equal(r.status, c.status ?? 0, 'status');
  });
}

t.test('wget against a real server on loopback', async (t) => {
  let hang: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    if (req.url === '/') res.end(`hello from ${req.headers.host}\n`);
    else if (req.url === '/moved') res.writeHead(302, { Location: '/' }).end();
    else if (req.url === '/slow') hang.push(() => res.end('late'));
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  t.teardown(() => {
    hang.forEach((f) => f());
    hang = [];
    server.close();
  });
  const resolveHost = async (name: string) => {
    if (name === 'web') return ['127.0.0.1'];
    throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  };
  let r = await sh(`wget -qO- http://web:${port}/`, { resolveHost });
  t.same(r, { status: 0, out: `hello from web:${port}\n`, err: '' }, '-qO- prints the body');
  r = await sh(`wget -qO- web:${port}/moved`, { resolveHost });
  t.equal(r.out, `hello from web:${port}\n`, 'redirect followed');
  r = await sh(`wget -O /tmp/page http://web:${port}/ && cat /tmp/page`, { resolveHost });
  t.equal(r.out, `hello from web:${port}\n`);
  t.match(r.err, new RegExp(`^Connecting to web:${port} \\(127\\.0\\.0\\.1:${port}\\)\nsaving to '/tmp/page'\n.*100%.*\n'/tmp/page' saved\n$`));
  r = await sh(`wget -q --spider http://web:${port}/ && echo up`, { resolveHost });
  t.equal(r.out, 'up\n');
  r = await sh(`wget -qO- http://web:${port}/missing`, { resolveHost });
  t.same(r, { status: 1, out: '', err: 'wget: server returned error: HTTP/1.1 404 Not Found\n' });
  r = await sh('wget -qO- http://nope/', { resolveHost });
  t.same(r, { status: 1, out: '', err: "wget: bad address 'nope'\n" });
  const closed = createServer();
  await new Promise<void>((res) => closed.listen(0, '127.0.0.1', res));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((res) => closed.close(() => res()));
  r = await sh(`wget -qO- http://127.0.0.1:${closedPort}/`);
  t.same(r, { status: 1, out: '', err: "wget: can't connect to remote host (127.0.0.1): Connection refused\n" });
  r = await sh('wget -qO- http://10.1.2.3/', {});
  t.equal(r.err, "wget: can't connect to remote host (10.1.2.3): Network is unreachable\n", 'never leaves loopback');

  const clock = new FakeClock();
  const proc = testProcess({ argv: ['wget', '-q', '-T', '5', '-O-', `http://web:${port}/slow`], clock, resolveHost });
  t.teardown(() => proc.cleanup());
  const status = proc.run();
  await waitFor(() => hang.length === 1, { description: 'request arrived' });
  clock.advance(5000);
  t.equal(await status, 1);
  t.equal(proc.stderr(), 'wget: download timed out\n');
});

t.test('nslookup prints busybox output and fails with NXDOMAIN', async (t) => {
  const opts = { files: { '/etc/resolv.conf': 'nameserver 127.96.0.10\n' }, resolveHost: async (n: string) => (n === 'kubernetes.default' ? ['127.96.0.1'] : []) };
  let r = await sh('nslookup kubernetes.default', opts);
  t.same(r, { status: 0, out: 'Server:\t\t127.96.0.10\nAddress:\t127.96.0.10:53\n\nName:\tkubernetes.default\nAddress: 127.96.0.1\n\n', err: '' });
  r = await sh('nslookup nothere', opts);
  t.equal(r.status, 1);
  t.match(r.out, /\*\* server can't find nothere: NXDOMAIN\n/);
});

t.test('tail -f follows appended lines until killed', async (t) => {
  const clock = new FakeClock();
  const proc = testProcess({ argv: ['sh', '-c', 'tail -f /var/log/app.log | grep ERROR'], clock, files: { '/var/log/app.log': 'INFO start\nERROR one\n' } });
  t.teardown(() => proc.cleanup());
  const run = proc.run();
  await waitFor(() => proc.stdout() === 'ERROR one\n' && clock.pending() === 1);
  appendFileSync(proc.hostPath('/var/log/app.log'), 'INFO x\nERROR two\n');
  clock.advance(1000);
  await waitFor(() => proc.stdout() === 'ERROR one\nERROR two\n', { description: 'appended line followed' });
  t.equal(readFileSync(proc.hostPath('/var/log/app.log'), 'utf8').split('\n').length, 5);
  proc.kill();
  t.equal(await run, 137);
  t.equal(clock.pending(), 0);
});
