// hostPath type checks (pkg/volume/hostpath checkTypeInternal). The path is a real path on this
// machine: a pod can read and write anything the kubelet's user can, as on a real node.
import { lstat, mkdir, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';

export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

async function kind(path: string): Promise<'dir' | 'file' | 'socket' | 'char' | 'block' | 'other' | undefined> {
  try {
    const st = await lstat(path);
    return classify(st.isSymbolicLink() ? await stat(path) : st);
  } catch {
    return undefined;
  }
}

function classify(st: Stats): 'dir' | 'file' | 'socket' | 'char' | 'block' | 'other' {
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  return 'other';
}

/** Checks (and for *OrCreate creates) the path; throws with upstream's message. */
export async function checkHostPathType(path: string, type: string | undefined): Promise<void> {
  const t = (type ?? '') as HostPathType;
  const k = await kind(path);
  const fail = (what: string) => new Error(`hostPath type check failed: ${path} is not ${what}`);
  switch (t) {
    case '':
      return;
    case 'DirectoryOrCreate':
    case 'Directory':
      if (k === undefined && t === 'DirectoryOrCreate') return void (await mkdir(path, { recursive: true, mode: 0o755 }));
      if (k !== 'dir') throw fail('a directory');
      return;
    case 'FileOrCreate':
    case 'File':
      // Like upstream, FileOrCreate does not create the parent directory.
      if (k === undefined && t === 'FileOrCreate') return createEmptyFile(path);
      if (k !== 'file') throw fail('a file');
      return;
    case 'Socket':
      if (k !== 'socket') throw fail('a socket file');
      return;
    case 'CharDevice':
      if (k !== 'char') throw fail('a character device');
      return;
    case 'BlockDevice':
      if (k !== 'block') throw fail('a block device');
      return;
    default:
      throw new Error(`hostPath type check failed: unknown type ${String(type)}`);
  }
}

async function createEmptyFile(path: string): Promise<void> {
  await writeFile(path, '', { mode: 0o644, flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
}
