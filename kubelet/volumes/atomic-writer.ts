// Writes a volume's files so a reading container never sees a half-updated set, as upstream's
// AtomicWriter (pkg/volume/util/atomic_writer.go): the files go into a fresh hidden
// `..<timestamp>` directory, `..data` is a symlink to it swapped in with one rename, and each
// top-level name the user sees is a symlink through `..data`. An unchanged payload writes nothing.
import { mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, stat, symlink, writeFile, chmod, lstat } from 'node:fs/promises';
import { dirname, join, normalize, isAbsolute } from 'node:path';

export interface FileProjection {
  data: Buffer;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

/** Relative file path → contents. */
export type Payload = Map<string, FileProjection>;

const DATA_DIR = '..data';
const DATA_DIR_TMP = '..data_tmp';

/** Upstream's validatePath: relative, no `..` element, not starting with `..`. */
export function payloadPathError(p: string): string | undefined {
  if (p === '') return 'invalid path: must not be empty';
  if (isAbsolute(p)) return `invalid path: must be relative path: ${p}`;
  if (p.split('/').includes('..')) return `invalid path: must not contain '..': ${p}`;
  if (p.startsWith('..')) return `invalid path: must not start with '..': ${p}`;
  return undefined;
}

function timestampDirPrefix(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(() => true, () => false);
}

async function sameContents(dir: string, payload: Payload): Promise<boolean> {
  for (const [p, f] of payload) {
    const full = join(dir, p);
    const [data, st] = await Promise.all([readFile(full).catch(() => undefined), stat(full).catch(() => undefined)]);
    if (!data || !st || !data.equals(f.data) || (st.mode & 0o777) !== f.mode) return false;
  }
  // Files the new payload no longer has also count as a change.
  return (await countFiles(dir)) === payload.size;
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) n += e.isDirectory() ? await countFiles(join(dir, e.name)) : 1;
  return n;
}

/** Writes payload into targetDir atomically; returns whether anything changed. */
export async function writeAtomically(targetDir: string, payload: Payload, now: Date = new Date()): Promise<boolean> {
  for (const p of payload.keys()) {
    const err = payloadPathError(p);
    if (err) throw new Error(err);
  }
  await mkdir(targetDir, { recursive: true });
  const dataLink = join(targetDir, DATA_DIR);
  const oldTsName = await readlink(dataLink).catch(() => undefined);
  if (oldTsName && (await sameContents(join(targetDir, oldTsName), payload))) return false;

  const tsDir = await mkdtemp(join(targetDir, timestampDirPrefix(now)));
  for (const [p, f] of payload) {
    const full = join(tsDir, normalize(p));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, f.data, { mode: f.mode });
    await chmod(full, f.mode); // the umask must not narrow the requested mode
  }
  const tsName = tsDir.slice(targetDir.length + 1);
  const tmpLink = join(targetDir, DATA_DIR_TMP);
  await rm(tmpLink, { force: true });
  await symlink(tsName, tmpLink);
  await rename(tmpLink, dataLink);

  // User-visible names: one symlink per top-level entry, through ..data.
  const visible = new Set([...payload.keys()].map((p) => normalize(p).split('/')[0]!));
  for (const name of visible) {
    const link = join(targetDir, name);
    if (!(await exists(link))) await symlink(join(DATA_DIR, name), link);
  }
  for (const name of await readdir(targetDir)) {
    if (name.startsWith('..') || visible.has(name)) continue;
    await rm(join(targetDir, name), { recursive: true, force: true });
  }
  if (oldTsName && oldTsName !== tsName) await rm(join(targetDir, oldTsName), { recursive: true, force: true });
  return true;
}
