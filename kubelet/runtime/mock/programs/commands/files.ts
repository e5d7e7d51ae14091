// touch, rm, mkdir: creating and removing files in the container's tree, busybox's messages.
import { mkdir as mkdirFs, open, rm as rmFs, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import type { Program } from '../../process.js';
import { errorText, hasCode, hostPath, hostPathForWrite } from '../files.js';
import { fail, options } from './common.js';

export const touch: Program = async (ctx) => {
  const opts = options(ctx, 'cam');
  if (!opts) return 1;
  if (opts.operands.length === 0) return fail(ctx, 'usage: touch FILE...');
  let status = 0;
  const now = new Date(ctx.clock.now());
  for (const f of opts.operands) {
    try {
      const host = hostPathForWrite(ctx, f);
      if (!opts.flags.has('c')) await (await open(host, 'a')).close();
      await utimes(host, now, now);
    } catch (err) {
      if (opts.flags.has('c') && hasCode(err, 'ENOENT')) continue;
      status = fail(ctx, `${f}: ${errorText(err)}`);
    }
  }
  return status;
};

export const rm: Program = async (ctx) => {
  const opts = options(ctx, 'frRi');
  if (!opts) return 1;
  const force = opts.flags.has('f');
  const recursive = opts.flags.has('r') || opts.flags.has('R');
  if (opts.operands.length === 0 && !force) return fail(ctx, 'usage: rm [-irf] FILE...');
  let status = 0;
  for (const f of opts.operands) {
    try {
      const host = hostPathForWrite(ctx, f);
      const st = await stat(host);
      if (st.isDirectory() && !recursive) {
        status = fail(ctx, `'${f}' is a directory`);
        continue;
      }
      if (st.isDirectory()) await rmFs(host, { recursive: true });
      else await unlink(host);
    } catch (err) {
      if (force && hasCode(err, 'ENOENT')) continue;
      status = fail(ctx, `can't remove '${f}': ${errorText(err)}`);
    }
  }
  return status;
};

export const mkdir: Program = async (ctx) => {
  const opts = options(ctx, 'pm:');
  if (!opts) return 1;
  if (opts.operands.length === 0) return fail(ctx, 'usage: mkdir [-m MODE] [-p] DIRECTORY...');
  const parents = opts.flags.has('p');
  const mode = opts.flags.has('m') ? parseInt(opts.flags.get('m')!, 8) : undefined;
  let status = 0;
  for (const d of opts.operands) {
    try {
      const host = hostPathForWrite(ctx, d);
      if (parents) {
        await mkdirFs(host, { recursive: true, mode });
        if (!(await stat(host)).isDirectory()) throw Object.assign(new Error(), { code: 'EEXIST' });
      } else await mkdirFs(host, { mode });
    } catch (err) {
      status = fail(ctx, `can't create directory '${d}': ${errorText(err)}`);
    }
  }
  return status;
};

export const rmdirProgram: Program = async (ctx) => {
  let status = 0;
  for (const d of ctx.argv.slice(1)) {
    try {
      await rmdir(hostPathForWrite(ctx, d));
    } catch (err) {
      status = fail(ctx, `'${d}': ${errorText(err)}`);
    }
  }
  return status;
};

/** Whether a container path exists (for cp/mv targets). */
export async function isDirectory(ctx: Parameters<Program>[0], path: string): Promise<boolean> {
  try {
    return (await stat(hostPath(ctx, path))).isDirectory();
  } catch {
    return false;
  }
}
