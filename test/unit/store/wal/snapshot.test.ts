import t from 'tap';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadNewest, purge, save, snapshotFileName } from '../../../../store/snapshot/snapshot.js';
import { tempDir } from './helpers.js';

function payload(seed: number, size: number): Buffer {
  const buf = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  return buf;
}

t.test('save then loadNewest round-trips index, term, meta and data', async (t) => {
  const dir = await tempDir(t, 'k8ts-snap-');
  const data = payload(1, 10_000);
  const meta = Buffer.from(JSON.stringify({ voters: [1, 2, 3] }));
  const saved = await save(dir, { index: 42, term: 7, data, meta });
  t.equal(saved.file, '000000000000002a-0000000000000007.snap');
  t.equal(saved.bytes, (await stat(join(dir, saved.file))).size);
  const { snapshot, skipped } = await loadNewest(dir);
  t.same(skipped, []);
  t.match(snapshot, { file: saved.file, index: 42, term: 7 });
  t.same(snapshot!.meta, meta);
  t.ok(snapshot!.data.equals(data));
  t.same(await readdir(dir), [saved.file], 'no temp file left behind');
});

t.test('loadNewest picks the highest index, and an empty or missing directory has none', async (t) => {
  const dir = await tempDir(t, 'k8ts-snap-');
  t.same(await loadNewest(join(dir, 'missing')), { snapshot: undefined, skipped: [] });
  t.same(await loadNewest(dir), { snapshot: undefined, skipped: [] });
  for (const [index, term] of [
    [10, 1],
    [300, 2],
    [25, 1],
  ] as const) {
    await save(dir, { index, term, data: payload(index, 100) });
  }
  const { snapshot } = await loadNewest(dir);
  t.equal(snapshot!.index, 300);
  t.ok(snapshot!.data.equals(payload(300, 100)));
  const capped = await loadNewest(dir, { maxIndex: 299 });
  t.equal(capped.snapshot!.index, 25, 'maxIndex skips newer snapshots');
});

t.test('a leftover temp file from a crashed save is ignored', async (t) => {
  const dir = await tempDir(t, 'k8ts-snap-');
  await save(dir, { index: 5, term: 1, data: payload(5, 500) });
  // A newer snapshot whose save never reached its rename: half-written, under the temp name.
  const full = join(dir, 'x');
  await save(dir, { index: 9, term: 1, data: payload(9, 500) });
  const bytes = await readFile(join(dir, snapshotFileName(9, 1)));
  await writeFile(full, ''); // an unrelated file is ignored too
  await writeFile(join(dir, snapshotFileName(12, 2) + '.tmp'), bytes.subarray(0, 200));
  const { snapshot, skipped } = await loadNewest(dir);
  t.equal(snapshot!.index, 9);
  t.same(skipped, []);
});

t.test('a corrupt newest snapshot is skipped, reported, quarantined, and an older one is used', async (t) => {
  const cases: [string, (b: Buffer) => Buffer, RegExp][] = [
    ['flipped data byte', (b) => ((b[b.length - 100] ^= 0x01), b), /data CRC mismatch/],
    ['flipped header byte', (b) => ((b[20] ^= 0x01), b), /header CRC mismatch/],
    ['cut short', (b) => b.subarray(0, b.length - 30), /trailer/],
    ['empty file', () => Buffer.alloc(0), /too short/],
    ['data appended after the trailer', (b) => Buffer.concat([b, Buffer.alloc(10)]), /trailer magic/],
  ];
  for (const [name, damage, reason] of cases) {
    await t.test(name, async (t) => {
      const dir = await tempDir(t, 'k8ts-snap-');
      await save(dir, { index: 10, term: 1, data: payload(10, 2000) });
      const newest = await save(dir, { index: 20, term: 2, data: payload(20, 2000) });
      const file = join(dir, newest.file);
      await writeFile(file, damage(await readFile(file)));
      const warnings: object[] = [];
      const { snapshot, skipped } = await loadNewest(dir, { logger: { warn: (o) => warnings.push(o) } });
      t.equal(snapshot!.index, 10, 'fell back to the older snapshot');
      t.ok(snapshot!.data.equals(payload(10, 2000)));
      t.match(skipped, [{ file: newest.file, reason, quarantinedAs: newest.file + '.broken' }]);
      t.equal(warnings.length, 1);
      t.ok((await readdir(dir)).includes(newest.file + '.broken'));
      // The quarantined file no longer counts: purge(1) keeps the good one.
      await purge(dir, 1);
      t.equal((await loadNewest(dir)).snapshot!.index, 10);
    });
  }
});

t.test('without quarantine a corrupt file stays in place; all corrupt means none', async (t) => {
  const dir = await tempDir(t, 'k8ts-snap-');
  const a = await save(dir, { index: 1, term: 1, data: payload(1, 100) });
  const b = await save(dir, { index: 2, term: 1, data: payload(2, 100) });
  for (const f of [a.file, b.file]) {
    const p = join(dir, f);
    const buf = await readFile(p);
    buf[50] ^= 0xff;
    await writeFile(p, buf);
  }
  const { snapshot, skipped } = await loadNewest(dir, { quarantine: false });
  t.equal(snapshot, undefined);
  t.same(
    skipped.map((s) => s.file),
    [b.file, a.file],
  );
  t.same((await readdir(dir)).sort(), [a.file, b.file]);
});

t.test('a renamed snapshot (name disagrees with header) is corrupt', async (t) => {
  const dir = await tempDir(t, 'k8ts-snap-');
  const saved = await save(dir, { index: 3, term: 1, data: payload(3, 100) });
  const bytes = await readFile(join(dir, saved.file));
  await writeFile(join(dir, snapshotFileName(4, 1)), bytes);
  const { snapshot, skipped } = await loadNewest(dir);
  t.equal(snapshot!.index, 3);
  t.match(skipped, [{ file: snapshotFileName(4, 1), reason: /file name says/ }]);
});

t.test('streamed data (many small chunks and a few large ones) is written and checksummed', async (t) => {
  const dir = await tempDir(t, 'k8ts-snap-');
  const chunks: Buffer[] = [];
  for (let i = 0; i < 3000; i++) chunks.push(payload(i, (i * 7) % 300));
  chunks.push(payload(9999, 3 * 1024 * 1024));
  for (let i = 0; i < 100; i++) chunks.push(payload(i + 5000, 50));
  async function* stream(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) yield c;
  }
  await save(dir, { index: 77, term: 3, data: stream() });
  const { snapshot } = await loadNewest(dir);
  t.ok(snapshot!.data.equals(Buffer.concat(chunks)));
});

t.test('a failing data stream leaves no snapshot and no temp file', async (t) => {
  const dir = await tempDir(t, 'k8ts-snap-');
  async function* stream(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('partial');
    throw new Error('serialiser failed');
  }
  await t.rejects(save(dir, { index: 8, term: 1, data: stream() }), /serialiser failed/);
  t.same(await readdir(dir), []);
});

t.test('large snapshots round-trip', async (t) => {
  const dir = await tempDir(t, 'k8ts-snap-');
  const data = Buffer.alloc(48 * 1024 * 1024);
  for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i, i);
  await save(dir, { index: 1000, term: 9, data });
  const { snapshot } = await loadNewest(dir);
  t.equal(snapshot!.data.length, data.length);
  t.ok(snapshot!.data.equals(data));
});

t.test('purge keeps the newest N and old temp files go with the old snapshots', async (t) => {
  const dir = await tempDir(t, 'k8ts-snap-');
  for (const index of [1, 2, 3, 4, 5]) await save(dir, { index, term: 1, data: payload(index, 64) });
  await writeFile(join(dir, snapshotFileName(2, 1) + '.tmp'), 'old crash leftover');
  await writeFile(join(dir, snapshotFileName(9, 1) + '.tmp'), 'a save in progress');
  const deleted = await purge(dir, 2);
  t.same(deleted.sort(), [snapshotFileName(1, 1), snapshotFileName(2, 1), snapshotFileName(2, 1) + '.tmp', snapshotFileName(3, 1)].sort());
  t.same((await readdir(dir)).sort(), [snapshotFileName(4, 1), snapshotFileName(5, 1), snapshotFileName(9, 1) + '.tmp'].sort());
  t.same(await purge(dir, 2), []);
  await t.rejects(purge(dir, 0), /at least 1/);
});

t.test('bad input to save is refused', async (t) => {
  const dir = await tempDir(t, 'k8ts-snap-');
  const table: [string, unknown][] = [
    ['negative index', { index: -1, term: 1, data: Buffer.alloc(1) }],
    ['fractional term', { index: 1, term: 1.5, data: Buffer.alloc(1) }],
    ['string data', { index: 1, term: 1, data: 'abc' }],
    ['meta not bytes', { index: 1, term: 1, data: Buffer.alloc(1), meta: { a: 1 } }],
  ];
  for (const [name, input] of table) await t.rejects(save(dir, input as never), Error, name);
  t.same(await readdir(dir), []);
});
