// The CRI log reader on temporary files with a fake clock: prefixes stripped, partial lines
// joined, torn lines skipped, tail / since / timestamps / limitBytes, and follow (growth, a torn
// tail completed later, rotation, the end when the container stops).
import t, { type Test } from 'tap';
import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../../lib/util/clock.js';
import { waitFor } from '../../../../lib/util/wait.js';
import { formatCriLine, rfc3339Nano } from '../../../../kubelet/logs/cri-format.js';
import type { ContainerLogOptions } from '../../../../kubelet/logs/log-options.js';
import { readContainerLog, trimTimestamp } from '../../../../kubelet/logs/log-reader.js';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');
const line = (content: string, ms: number, stream: 'stdout' | 'stderr' = 'stdout', partial = false) => formatCriLine({ time: rfc3339Nano(ms), stream, partial, content });

async function tmpFile(t: Test, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-logs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, '0.log');
  await writeFile(path, text);
  return path;
}

async function read(path: string, opts: Partial<ContainerLogOptions> = {}): Promise<string> {
  let out = '';
  await readContainerLog(path, { follow: false, previous: false, timestamps: false, ...opts }, { clock: new FakeClock(), isRunning: async () => false }, (b) => void (out += b.toString()));
  return out;
}

const SAMPLE = [
  line('one', T0),
  line('two', T0 + 1000, 'stderr'),
  'garbage that is not a CRI line\n',
  line('thr', T0 + 2000, 'stdout', true),
  line('ee', T0 + 2001),
  line('four', T0 + 3000),
].join('');

t.test('strips prefixes, joins partial lines, skips torn lines', async (t) => {
  const path = await tmpFile(t, SAMPLE);
  t.equal(await read(path), 'one\ntwo\nthree\nfour\n');
});

t.test('tailLines counts lines of the file', async (t) => {
  const path = await tmpFile(t, SAMPLE);
  t.equal(await read(path, { tailLines: 1 }), 'four\n');
  t.equal(await read(path, { tailLines: 3 }), 'three\nfour\n', 'both halves of a partial line are lines of the file');
  t.equal(await read(path, { tailLines: 0 }), '');
  t.equal(await read(path, { tailLines: 100 }), 'one\ntwo\nthree\nfour\n');
});

t.test('since drops earlier entries; timestamps prefix each line once', async (t) => {
  const path = await tmpFile(t, SAMPLE);
  t.equal(await read(path, { sinceMs: T0 + 1000 }), 'two\nthree\nfour\n', 'an entry at exactly since is kept');
  t.equal(await read(path, { sinceMs: T0 + 2500 }), 'four\n');
  t.equal(await read(path, { timestamps: true, tailLines: 3 }), '2026-01-02T03:04:07Z three\n2026-01-02T03:04:08Z four\n');
  t.equal(trimTimestamp('2026-01-02T03:04:05.120000000Z'), '2026-01-02T03:04:05.12Z');
  t.equal(trimTimestamp('2026-01-02T03:04:05.000000000Z'), '2026-01-02T03:04:05Z');
  t.equal(trimTimestamp('2026-01-02T03:04:05.123456789Z'), '2026-01-02T03:04:05.123456789Z');
});

t.test('limitBytes cuts the output', async (t) => {
  const path = await tmpFile(t, SAMPLE);
  t.equal(await read(path, { limitBytes: 6 }), 'one\ntw');
  t.equal(await read(path, { limitBytes: 4 }), 'one\n');
  t.equal(await read(path, { limitBytes: 1000 }), 'one\ntwo\nthree\nfour\n');
});

t.test('a last line without its newline is shown without one', async (t) => {
  const path = await tmpFile(t, line('one', T0) + line('cut', T0 + 1).slice(0, -1));
  t.equal(await read(path), 'one\ncut');
});

t.test('a missing file is an error before any output', async (t) => {
  await t.rejects(read('/nonexistent/k8ts/0.log'), { code: 'ENOENT' });
});

t.test('follow: new lines, a torn tail completed later, rotation, the end when the container stops', async (t) => {
  const path = await tmpFile(t, line('first', T0));
  const clock = new FakeClock(T0);
  let running = true;
  let out = '';
  const done = readContainerLog(path, { follow: true, previous: false, timestamps: false }, { clock, pollMs: 100, isRunning: async () => running }, (b) => void (out += b.toString()));
  const idle = () => waitFor(() => clock.pending() === 1, { timeoutMs: 5000, description: 'the reader waiting for more' });

  await idle();
  t.equal(out, 'first\n');
  const next = line('second', T0 + 1);
  await appendFile(path, next.slice(0, 10)); // torn: no newline yet
  clock.advance(100);
  await idle();
  t.equal(out, 'first\n', 'an incomplete line waits while the container runs');
  await appendFile(path, next.slice(10));
  clock.advance(100);
  await idle();
  t.equal(out, 'first\nsecond\n');

  // Rotation: the old file moves away, the runtime reopens a fresh one at the path.
  await rename(path, `${path}.1`);
  await writeFile(path, line('after rotation', T0 + 2));
  clock.advance(100);
  await idle();
  t.equal(out, 'first\nsecond\nafter rotation\n');

  await appendFile(path, line('last words', T0 + 3));
  running = false;
  clock.advance(100);
  await done;
  t.equal(out, 'first\nsecond\nafter rotation\nlast words\n', 'what was written before the stop is read');
  t.equal(clock.pending(), 0, 'no timer left');
});

t.test('follow ends when the reader goes away', async (t) => {
  const path = await tmpFile(t, line('x', T0));
  const clock = new FakeClock(T0);
  const ac = new AbortController();
  const done = readContainerLog(path, { follow: true, previous: false, timestamps: false }, { clock, signal: ac.signal, isRunning: async () => true }, () => undefined);
  await waitFor(() => clock.pending() === 1, { timeoutMs: 5000 });
  ac.abort();
  await done;
  t.equal(clock.pending(), 0);
});
