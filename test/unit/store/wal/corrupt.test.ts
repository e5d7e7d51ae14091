// Damage anywhere but a torn tail must refuse to open, naming the file and byte offset, and must
// leave the files untouched for inspection.
import t, { type Test } from 'tap';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Wal, WalCorruptError } from '../../../../store/wal/wal.js';
import { encodedSize, segmentFileName, segmentHeaderSize } from '../../../../store/wal/format.js';
import { entries, entry, segmentNames, tempDir } from './helpers.js';

const RECORD = encodedSize(entry(1));

function offsetOf(k: number): number {
  return segmentHeaderSize() + (k - 1) * RECORD;
}

async function expectCorrupt(
  t: Test,
  dir: string,
  want: { file: string; offset: number; detail?: RegExp },
): Promise<void> {
  const before = await Promise.all((await segmentNames(dir)).map((n) => readFile(join(dir, n))));
  try {
    const { wal } = await Wal.open(dir);
    await wal.close();
    t.fail('open succeeded on a corrupt log');
  } catch (err) {
    t.type(err, WalCorruptError);
    const e = err as WalCorruptError;
    t.equal(e.file, want.file);
    t.equal(e.offset, want.offset);
    t.match(e.message, want.file, 'message names the file');
    t.match(e.message, `offset ${want.offset}`, 'message names the offset');
    if (want.detail) t.match(e.detail, want.detail);
  }
  const after = await Promise.all((await segmentNames(dir)).map((n) => readFile(join(dir, n))));
  t.same(after, before, 'nothing was truncated or rewritten');
}

async function tenSeparateBatches(dir: string): Promise<string> {
  const { wal } = await Wal.open(dir);
  for (let i = 1; i <= 10; i++) await wal.append([entry(i)]);
  await wal.close();
  return (await segmentNames(dir))[0]!;
}

async function damage(file: string, fn: (b: Buffer) => void): Promise<void> {
  const buf = await readFile(file);
  fn(buf);
  await writeFile(file, buf);
}

t.test('a flipped byte in an early record (later batches follow) is corruption', async (t) => {
  const dir = await tempDir(t);
  const name = await tenSeparateBatches(dir);
  await damage(join(dir, name), (b) => (b[offsetOf(2) + 30] ^= 0x04));
  await expectCorrupt(t, dir, { file: name, offset: offsetOf(2), detail: /CRC mismatch.*later write batch/ });
});

t.test('a flipped byte in an early record of one big batch is corruption (bit rot, not a torn write)', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir);
  await wal.append(entries(1, 10));
  await wal.close();
  const [name] = await segmentNames(dir);
  await damage(join(dir, name!), (b) => (b[offsetOf(3) + 25] ^= 0x80));
  await expectCorrupt(t, dir, { file: name!, offset: offsetOf(3), detail: /CRC mismatch.*valid record follows/ });
});

t.test('a corrupted length field in the middle is corruption, not a torn tail', async (t) => {
  const dir = await tempDir(t);
  const name = await tenSeparateBatches(dir);
  // A huge length makes the record look like it runs past the end of the file.
  await damage(join(dir, name), (b) => b.writeUInt32LE(0x00ff_ffff, offsetOf(4) + 4));
  await expectCorrupt(t, dir, { file: name, offset: offsetOf(4), detail: /runs past the end/ });
});

t.test('a zeroed record in the middle is corruption', async (t) => {
  const dir = await tempDir(t);
  const name = await tenSeparateBatches(dir);
  await damage(join(dir, name), (b) => b.fill(0, offsetOf(5), offsetOf(6)));
  await expectCorrupt(t, dir, { file: name, offset: offsetOf(5), detail: /zero-filled/ });
});

t.test('damage in a segment that is not the last is corruption, even at its end', async (t) => {
  const cases: [string, (b: Buffer) => Buffer, (len: number) => number][] = [
    ['flipped byte', (b) => ((b[offsetOf(3) + 33] ^= 0x01), b), () => offsetOf(3)],
    ['flipped byte in its last record', (b) => ((b[b.length - 3] ^= 0x01), b), (len) => len - RECORD],
    ['cut short', (b) => b.subarray(0, b.length - 10), (len) => len - RECORD],
    ['zero padding', (b) => Buffer.concat([b, Buffer.alloc(512)]), (len) => len],
  ];
  for (const [what, fn, offset] of cases) {
    await t.test(what, async (t) => {
      const dir = await tempDir(t);
      const { wal } = await Wal.open(dir, { segmentBytes: 1024 });
      for (let i = 1; i <= 40; i++) await wal.append([entry(i)]);
      await wal.close();
      const names = await segmentNames(dir);
      t.ok(names.length >= 3);
      const file = join(dir, names[0]!);
      const original = await readFile(file);
      await writeFile(file, fn(Buffer.from(original)));
      await expectCorrupt(t, dir, { file: names[0]!, offset: offset(original.length), detail: /not the last/ });
    });
  }
});

t.test('a missing segment in the middle is corruption', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, { segmentBytes: 1024 });
  for (let i = 1; i <= 40; i++) await wal.append([entry(i)]);
  await wal.close();
  const names = await segmentNames(dir);
  await unlink(join(dir, names[1]!));
  await expectCorrupt(t, dir, { file: names[2]!, offset: 0, detail: /segment 2 is missing/ });
});

t.test('a damaged segment header is corruption', async (t) => {
  const dir = await tempDir(t);
  const name = await tenSeparateBatches(dir);
  await damage(join(dir, name), (b) => (b[25] ^= 0xff));
  await expectCorrupt(t, dir, { file: name, offset: 0, detail: /bad segment header/ });
});

t.test('a segment whose name disagrees with its header is corruption', async (t) => {
  const dir = await tempDir(t);
  const name = await tenSeparateBatches(dir);
  const renamed = segmentFileName(1, 5);
  await rename(join(dir, name), join(dir, renamed));
  await expectCorrupt(t, dir, { file: renamed, offset: 0, detail: /file name says 1 \/ 5/ });
});

t.test('oldest segments deleted without a snapshot covering them is corruption', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, { segmentBytes: 1024 });
  for (let i = 1; i <= 40; i++) await wal.append([entry(i)]);
  await wal.close();
  const names = await segmentNames(dir);
  await unlink(join(dir, names[0]!));
  await expectCorrupt(t, dir, { file: names[1]!, offset: 0, detail: /entries 1\.\.\d+ are missing/ });
});
