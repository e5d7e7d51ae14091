// ls [-1aAld] [PATH…]: one name per line (stdout is never a terminal), sorted; -l in busybox's
// long format with the container user shown as root.
import { lstat, readdir, readlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Program, ProcessContext } from '../../process.js';
import { errorText, hostPath } from '../files.js';
import { fail, options } from './common.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function modeString(st: Stats): string {
  const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFIFO() ? 'p' : st.isSocket() ? 's' : st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : '-';
  let bits = '';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const v = (st.mode >> shift) & 7;
    bits += (v & 4 ? 'r' : '-') + (v & 2 ? 'w' : '-') + (v & 1 ? 'x' : '-');
  }
  return type + bits;
}

async function longLine(ctx: ProcessContext, st: Stats, name: string, host: string): Promise<string> {
  const d = new Date(st.mtimeMs);
  const sixMonths = 182 * 86_400_000;
  const recent = Math.abs(ctx.clock.now() - st.mtimeMs) < sixMonths;
  const when = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${recent ? `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}` : ` ${d.getUTCFullYear()}`}`;
  const target = st.isSymbolicLink() ? ` -> ${await readlink(host)}` : '';
  return `${modeString(st)} ${String(st.nlink).padStart(4)} root     root     ${String(st.size).padStart(9)} ${when} ${name}${target}`;
}

export const ls: Program = async (ctx) => {
  const opts = options(ctx, '1aAldFh');
  if (!opts) return 1;
  const all = opts.flags.has('a');
  const almostAll = opts.flags.has('A');
  const long = opts.flags.has('l');
  const paths = opts.operands.length ? opts.operands : ['.'];
  let status = 0;
  const files: Array<{ name: string; st: Stats; host: string }> = [];
  const dirs: Array<{ name: string; host: string }> = [];
  for (const p of paths) {
    const host = hostPath(ctx, p);
    try {
      const st = await lstat(host);
      if (st.isDirectory() && !opts.flags.has('d')) dirs.push({ name: p, host });
      else files.push({ name: p, st, host });
    } catch (err) {
      status = fail(ctx, `${p}: ${errorText(err)}`);
    }
  }
  const print = async (entries: Array<{ name: string; st: Stats; host: string }>) => {
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      ctx.stdout.write(`${long ? await longLine(ctx, e.st, e.name, e.host) : e.name}\n`);
    }
  };
  await print(files);
  for (const [i, d] of dirs.entries()) {
    if (paths.length > 1) ctx.stdout.write(`${files.length || i > 0 ? '\n' : ''}${d.name}:\n`);
    let names: string[];
    try {
      names = await readdir(d.host);
    } catch (err) {
      status = fail(ctx, `${d.name}: ${errorText(err)}`);
      continue;
    }
    if (all) names.push('.', '..');
    const shown = names.filter((n) => all || (almostAll ? true : !n.startsWith('.')));
    const entries = [];
    for (const n of shown) {
      const host = `${d.host}/${n}`;
      try {
        entries.push({ name: n, st: await lstat(host), host });
      } catch {
        // vanished while listing
      }
    }
    if (long) ctx.stdout.write(`total ${entries.reduce((sum, e) => sum + Math.ceil(e.st.blocks / 2), 0)}\n`);
    await print(entries);
  }
  return status;
};
