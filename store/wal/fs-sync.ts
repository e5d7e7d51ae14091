// Durability helpers shared by the WAL and the snapshotter.
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * fsyncs a directory so that file creations, renames and deletions in it survive a crash
 * (POSIX makes a new name durable only once its directory is synced).
 */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes all of `buf` at `position`, looping over short writes. */
export async function writeFully(fh: FileHandle, buf: Uint8Array, position: number): Promise<void> {
  let done = 0;
  // Every successful round makes progress; a zero-byte write is an error, so this ends.
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    if (bytesWritten <= 0) throw new Error(`short write: wrote 0 of ${buf.length - done} bytes`);
    done += bytesWritten;
  }
}

/**
 * mkdir -p that, when `sync` is set, also fsyncs the parent of every directory it created, so the
 * new directories themselves survive a crash.
 */
export async function ensureDir(dir: string, sync: boolean): Promise<void> {
  const made = await mkdir(dir, { recursive: true });
  if (made === undefined || !sync) return;
  const top = resolve(made);
  let p = resolve(dir);
  // Walk up from `dir` to the first directory created; each step shortens the path, so this ends.
  for (;;) {
    const parent = dirname(p);
    await fsyncDir(parent);
    if (p === top || parent === p) break;
    p = parent;
  }
}
