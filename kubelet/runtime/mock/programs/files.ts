// File access for programs: container paths (relative ones against the cwd) resolved through the
// container's file tree, read-only mounts refused with EROFS, the /dev files a shell script uses,
// and errno codes turned into the messages busybox prints.
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import type { OutputSink, ProcessContext } from '../process.js';
import { nullSink } from './io.js';

/** The absolute, normalized container path of `path` as seen from `cwd`. */
export function containerPath(cwd: string, path: string): string {
  return posix.normalize(posix.isAbsolute(path) ? path : posix.join(cwd || '/', path));
}

/** Where `path` lives on the host. */
export function hostPath(ctx: ProcessContext, path: string): string {
  return ctx.fs.resolve(containerPath(ctx.cwd, path));
}

/** An error carrying an errno code, as node:fs throws them. */
export class ErrnoError extends Error {
  constructor(readonly code: string) {
    super(errnoMessage(code));
  }
}

/** The host path for writing `path`; throws EROFS under a read-only mount. */
export function hostPathForWrite(ctx: ProcessContext, path: string): string {
  const p = containerPath(ctx.cwd, path);
  if (ctx.fs.readOnly(p)) throw new ErrnoError('EROFS');
  return ctx.fs.resolve(p);
}

const MESSAGES: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  ENOTEMPTY: 'Directory not empty',
  EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
};

export function errnoMessage(code: string | undefined): string {
  return (code && MESSAGES[code]) ?? 'I/O error';
}

/** The busybox text for an error thrown by node:fs (or anything else). */
export function errorText(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') return errnoMessage(code);
  return err instanceof Error ? err.message : String(err);
}

/** Whether an error came from node:fs with this code. */
export function hasCode(err: unknown, code: string): boolean {
  return (err as { code?: unknown })?.code === code;
}

/** An output opened for a redirection or `-O file`; close() releases the file. */
export interface OpenOutput {
  sink: OutputSink;
  close(): void;
}

/** Opens `path` for writing (truncating, or appending); /dev/null, /dev/stdout, /dev/stderr map to the process's own. */
export function openOutput(ctx: Pick<ProcessContext, 'cwd' | 'fs' | 'stdout' | 'stderr'>, path: string, append: boolean): OpenOutput {
  const p = containerPath(ctx.cwd, path);
  if (p === '/dev/null') return { sink: nullSink, close: () => undefined };
  if (p === '/dev/stdout') return { sink: ctx.stdout, close: () => undefined };
  if (p === '/dev/stderr') return { sink: ctx.stderr, close: () => undefined };
  if (ctx.fs.readOnly(p)) throw new ErrnoError('EROFS');
  const fd = openSync(ctx.fs.resolve(p), append ? 'a' : 'w');
  let open = true;
  return {
    // Synchronous writes keep the order of output exactly as the script wrote it.
    sink: { write: (chunk) => void (open && writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) },
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** The contents of `path` as a stream for `<` (/dev/null is empty, /dev/stdin is the process's stdin). */
export async function openInput(ctx: Pick<ProcessContext, 'cwd' | 'fs' | 'stdin'>, path: string): Promise<Readable> {
  const p = containerPath(ctx.cwd, path);
  if (p === '/dev/null') return Readable.from([]);
  if (p === '/dev/stdin' && ctx.stdin) return ctx.stdin;
  const data = await readFile(ctx.fs.resolve(p));
  return Readable.from([data]);
}

/** Reads a whole file by container path (what cat, head, grep… read); /dev/null is empty. */
export async function readContainerFile(ctx: ProcessContext, path: string): Promise<Buffer> {
  const p = containerPath(ctx.cwd, path);
  if (p === '/dev/null') return Buffer.alloc(0);
  return readFile(ctx.fs.resolve(p));
}
