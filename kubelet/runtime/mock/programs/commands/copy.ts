// cp [-rRap] SRC… DEST and mv SRC… DEST inside the container's tree.
import { cp as cpFs, rename, rm, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Program, ProcessContext } from '../../process.js';
import { containerPath, errorText, hasCode, hostPath, hostPathForWrite } from '../files.js';
import { fail, options } from './common.js';
import { isDirectory } from './files.js';

/** Sources and the container path each goes to, or an error already printed. */
async function targets(ctx: ProcessContext, operands: string[], verb: string): Promise<Array<[string, string]> | null> {
  if (operands.length < 2) {
    fail(ctx, `usage: ${verb} SOURCE... DEST`);
    return null;
  }
  const dest = operands[operands.length - 1]!;
  const sources = operands.slice(0, -1);
  const intoDir = await isDirectory(ctx, dest);
  if (sources.length > 1 && !intoDir) {
    fail(ctx, `'${dest}' is not a directory`);
    return null;
  }
  return sources.map((s) => [s, intoDir ? posix.join(containerPath(ctx.cwd, dest), posix.basename(s)) : dest]);
}

export const cp: Program = async (ctx) => {
  const opts = options(ctx, 'rRapfdP');
  if (!opts) return 1;
  const recursive = opts.flags.has('r') || opts.flags.has('R') || opts.flags.has('a');
  const pairs = await targets(ctx, opts.operands, 'cp');
  if (!pairs) return 1;
  let status = 0;
  for (const [src, dest] of pairs) {
    try {
      const from = hostPath(ctx, src);
      const st = await stat(from).catch((err: unknown) => {
        throw Object.assign(new Error(), { code: (err as { code?: string }).code, stat: true });
      });
      if (st.isDirectory() && !recursive) {
        status = fail(ctx, `omitting directory '${src}'`);
        continue;
      }
      await cpFs(from, hostPathForWrite(ctx, dest), { recursive: true, force: true, preserveTimestamps: opts.flags.has('a') || opts.flags.has('p') });
    } catch (err) {
      const what = (err as { stat?: boolean }).stat ? `can't stat '${src}'` : `can't create '${dest}'`;
      status = fail(ctx, `${what}: ${errorText(err)}`);
    }
  }
  return status;
};

export const mv: Program = async (ctx) => {
  const opts = options(ctx, 'fin');
  if (!opts) return 1;
  const pairs = await targets(ctx, opts.operands, 'mv');
  if (!pairs) return 1;
  let status = 0;
  for (const [src, dest] of pairs) {
    try {
      const from = hostPathForWrite(ctx, src);
      const to = hostPathForWrite(ctx, dest);
      try {
        await rename(from, to);
      } catch (err) {
        // Across mounts (a volume and the container's root) rename fails: copy, then remove.
        if (!hasCode(err, 'EXDEV')) throw err;
        await cpFs(from, to, { recursive: true, force: true, preserveTimestamps: true });
        await rm(from, { recursive: true });
      }
    } catch (err) {
      status = fail(ctx, hasCode(err, 'ENOENT') ? `can't rename '${src}': ${errorText(err)}` : `can't move '${src}' to '${dest}': ${errorText(err)}`);
    }
  }
  return status;
};
