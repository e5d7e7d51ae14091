// A crash mid-write leaves a partial or garbled record at the very end of the last segment (or
// zero-filled space). open() must cut it off, report it, and keep every complete record.
import t from 'tap';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Wal, type WalRecord } from '../../../../store/wal/wal.js';
import { encodedSize, segmentHeaderSize } from '../../../../store/wal/format.js';
import { entries, entry, segmentNames, tempDir } from './helpers.js';

const ENTRY_BYTES = 40;
const RECORD = encodedSize(entry(1, ENTRY_BYTES));

/** Offset of entry `k` (1-based) in a single-segment log written one entry per append. */
function offsetOf(k: number): number {
  return segmentHeaderSize() + (k - 1) * RECORD;
}

interface Case {
  name: string;
  /** Damage done to the last segment's bytes. */
  damage: (buf: Buffer) => Buffer;
  /** Entries that must survive. */
  keep: number;
  /** Where the file must be cut. */
  cutAt: (originalLength: number) => number;
  reason: string;
}

const cases: Case[] = [
  {
    name: 'half a header',
    damage: (b) => b.subarray(0, offsetOf(10) + 9),
    keep: 9,
    cutAt: () => offsetOf(10),
    reason: 'short-header',
  },
  {
    name: 'half a payload',
    damage: (b) => b.subarray(0, offsetOf(10) + 30),
    keep: 9,
    cutAt: () => offsetOf(10),
    reason: 'short-payload',
  },
  {
    name: 'bad CRC on the last record (payload byte flipped)',
    damage: (b) => ((b[offsetOf(10) + 40] ^= 0x10), b),
    keep: 9,
    cutAt: () => offsetOf(10),
    reason: 'crc-mismatch',
  },
  {
    name: 'bad CRC on the last record (checksum byte flipped)',
    damage: (b) => ((b[offsetOf(10) + 2] ^= 0x01), b),
    keep: 9,
    cutAt: () => offsetOf(10),
    reason: 'crc-mismatch',
  },
  {
    name: 'the last record zeroed in place',
    damage: (b) => (b.fill(0, offsetOf(10)), b),
    keep: 9,
    cutAt: () => offsetOf(10),
    reason: 'zero-header',
  },
  {
    name: 'zero padding after the last record (preallocated space)',
    damage: (b) => Buffer.concat([b, Buffer.alloc(8192)]),
    keep: 10,
    cutAt: (len) => len,
    reason: 'zero-header',
  },
  {
    name: 'a few zero bytes after the last record',
    damage: (b) => Buffer.concat([b, Buffer.alloc(7)]),
    keep: 10,
    cutAt: (len) => len,
    reason: 'short-header',
  },
  {
    name: 'garbage after the last record',
    damage: (b) => Buffer.concat([b, Buffer.alloc(300, 0xab)]),
    keep: 10,
    cutAt: (len) => len,
    reason: 'bad-header',
  },
];

async function writeTen(dir: string, segmentBytes?: number): Promise<void> {
  const { wal } = await Wal.open(dir, segmentBytes ? { segmentBytes } : {});
  for (let i = 1; i <= 10; i++) await wal.append([entry(i, ENTRY_BYTES)]);
  await wal.close();
}

function summary(list: { index: number; data: Buffer }[]): string[] {
  return list.map((e) => `${e.index}:${e.data.toString('latin1')}`);
}

function expected(list: WalRecord[]): string[] {
  return list.map((r) => (r.type === 'entry' ? `${r.index}:${Buffer.from(r.data).toString('latin1')}` : ''));
}

for (const c of cases) {
  t.test(`torn tail: ${c.name}`, async (t) => {
    const dir = await tempDir(t);
    await writeTen(dir);
    const [name] = await segmentNames(dir);
    const file = join(dir, name!);
    const original = await readFile(file);
    await writeFile(file, c.damage(Buffer.from(original)));

    const warnings: object[] = [];
    const { wal, replay } = await Wal.open(dir, { logger: { warn: (o) => warnings.push(o), error: () => undefined } });
    t.same(summary(replay.entries), expected(entries(1, c.keep, ENTRY_BYTES)), 'complete records kept');
    const cut = c.cutAt(original.length);
    t.match(replay.repairs, [{ file: name, offset: cut, reason: c.reason }]);
    t.equal((await stat(file)).size, cut, 'file truncated to the last good record');
    t.equal(warnings.length, 1, 'the repair was logged');

    // The log goes on from the repaired tail, and the next open is clean.
    await wal.append([entry(c.keep + 1, ENTRY_BYTES, 'new')]);
    await wal.close();
    const again = await Wal.open(dir);
    t.same(again.replay.repairs, []);
    t.same(summary(again.replay.entries), expected([...entries(1, c.keep, ENTRY_BYTES), entry(c.keep + 1, ENTRY_BYTES, 'new')]));
    await again.wal.close();
  });
}

t.test('torn tail in the last of several segments', async (t) => {
  const dir = await tempDir(t);
  const { wal } = await Wal.open(dir, { segmentBytes: 1024 });
  for (let i = 1; i <= 40; i++) await wal.append([entry(i, ENTRY_BYTES)]);
  await wal.close();
  const names = await segmentNames(dir);
  t.ok(names.length >= 3);
  const last = join(dir, names[names.length - 1]!);
  const buf = await readFile(last);
  await writeFile(last, buf.subarray(0, buf.length - 5));
  const { wal: w2, replay } = await Wal.open(dir, { segmentBytes: 1024 });
  t.same(summary(replay.entries), expected(entries(1, 39, ENTRY_BYTES)));
  t.equal(replay.repairs.length, 1);
  t.equal(replay.repairs[0]!.file, names[names.length - 1]);
  await w2.close();
});

t.test('torn write inside the final batch: a lost (zeroed) sector with later records of that batch intact', async (t) => {
  // The final batch was never acknowledged (its fsync did not complete), so losing it is correct,
  // even though pages after the lost sector reached the disk.
  const dir = await tempDir(t);
  const size = 1500;
  const { wal } = await Wal.open(dir);
  await wal.append(entries(1, 3, size));
  await wal.append(entries(4, 8, size));
  await wal.close();
  const [name] = await segmentNames(dir);
  const file = join(dir, name!);
  const buf = await readFile(file);
  const rec = encodedSize(entry(1, size));
  const entry5 = segmentHeaderSize() + 4 * rec;
  const sector = Math.ceil((entry5 + 100) / 512) * 512;
  buf.fill(0, sector, sector + 512);
  await writeFile(file, buf);
  const { wal: w2, replay } = await Wal.open(dir);
  t.same(summary(replay.entries), expected(entries(1, 4, size)));
  t.match(replay.repairs, [{ offset: entry5, reason: 'crc-mismatch' }]);
  await w2.close();
});
