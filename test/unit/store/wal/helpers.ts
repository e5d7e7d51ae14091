// Shared helpers for the WAL and snapshot tests: temp directories and deterministic records.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WalRecord } from '../../../../store/wal/wal.js';

/** A fresh directory under the OS temp dir, removed when the test ends. */
export async function tempDir(t: { teardown(fn: () => unknown): void }, prefix = 'k8ts-wal-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Deterministic payload for entry `index` (optionally tagged, to tell overriding versions apart). */
export function entryData(index: number, size = 40, tag = ''): Buffer {
  const text = `${tag}entry-${index};`;
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = text.charCodeAt(i % text.length);
  return buf;
}

export function entry(index: number, size = 40, tag = ''): WalRecord {
  return { type: 'entry', index, data: entryData(index, size, tag) };
}

export function entries(from: number, to: number, size = 40, tag = ''): WalRecord[] {
  const out: WalRecord[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, size, tag));
  return out;
}

/** Segment file names in `dir`, oldest first. */
export async function segmentNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.wal')).sort();
}
