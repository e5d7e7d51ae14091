// Line filters: wc [-lwc], sort [-rnuf] [-t C] [-k N], uniq [-cdu], cut -d C -f LIST | -c LIST.
import type { Program } from '../../process.js';
import { eachInput, eachLine, fail, options } from './common.js';

export const wc: Program = async (ctx) => {
  const opts = options(ctx, 'lwcmL');
  if (!opts) return 1;
  const picked = ['l', 'w', 'c'].filter((k) => opts.flags.has(k) || (k === 'c' && opts.flags.has('m')));
  const show = picked.length ? picked : ['l', 'w', 'c'];
  const rows: Array<{ name: string; counts: Record<string, number> }> = [];
  let status = 0;
  for (const name of opts.operands.length ? opts.operands : ['-']) {
    const counts = { l: 0, w: 0, c: 0 };
    let inWord = false;
    const s = await eachInput(ctx, [name], (data) => {
      counts.c += data.length;
      for (const byte of data) {
        if (byte === 10) counts.l++;
        const space = byte === 32 || (byte >= 9 && byte <= 13);
        if (!space && !inWord) counts.w++;
        inWord = !space;
      }
    });
    if (s !== 0) status = s;
    else rows.push({ name, counts });
  }
  if (rows.length > 1) rows.push({ name: 'total', counts: rows.reduce((t, r) => ({ l: t.l + r.counts.l, w: t.w + r.counts.w, c: t.c + r.counts.c }), { l: 0, w: 0, c: 0 }) });
  for (const r of rows) {
    const values = show.map((k) => String(r.counts[k]));
    // busybox: a single count of stdin prints bare; otherwise columns of width 7.
    const bare = show.length === 1 && r.name === '-';
    const text = bare ? values[0]! : values.map((v) => v.padStart(7)).join(' ');
    ctx.stdout.write(`${text}${r.name === '-' ? '' : ` ${r.name}`}\n`);
  }
  return status;
};

/** Leading number of a line, as sort -n reads it (no number: 0). */
function numericKey(s: string): number {
  const m = /^\s*[-+]?(\d+\.?\d*|\.\d+)/.exec(s);
  return m ? Number(m[0]) : 0;
}

export const sort: Program = async (ctx) => {
  const opts = options(ctx, 'rnufbt:k:o:s');
  if (!opts) return 1;
  const lines: string[] = [];
  const status = await eachLine(ctx, opts.operands, (l) => void lines.push(l));
  const sep = opts.flags.get('t');
  const keyField = opts.flags.has('k') ? Number(/^\d+/.exec(opts.flags.get('k')!)?.[0] ?? '1') : 0;
  const key = (l: string) => {
    let k = l;
    if (keyField > 0) k = (sep !== undefined ? l.split(sep) : l.trim().split(/\s+/)).slice(keyField - 1).join(sep ?? ' ');
    if (opts.flags.has('b')) k = k.trimStart();
    return opts.flags.has('f') ? k.toUpperCase() : k;
  };
  const numeric = opts.flags.has('n') || /n/.test(opts.flags.get('k') ?? '');
  const cmp = (a: string, b: string) => {
    const ka = key(a);
    const kb = key(b);
    const c = numeric ? numericKey(ka) - numericKey(kb) : ka < kb ? -1 : ka > kb ? 1 : 0;
    return c !== 0 || opts.flags.has('s') || opts.flags.has('u') ? c : a < b ? -1 : a > b ? 1 : 0;
  };
  lines.sort(cmp);
  if (opts.flags.has('r')) lines.reverse();
  const out = opts.flags.has('u') ? lines.filter((l, i) => i === 0 || cmp(lines[i - 1]!, l) !== 0) : lines;
  ctx.stdout.write(out.map((l) => `${l}\n`).join(''));
  return status;
};

export const uniq: Program = async (ctx) => {
  const opts = options(ctx, 'cdui');
  if (!opts) return 1;
  const groups: Array<{ line: string; count: number }> = [];
  const same = (a: string, b: string) => (opts.flags.has('i') ? a.toLowerCase() === b.toLowerCase() : a === b);
  const status = await eachLine(ctx, opts.operands.slice(0, 1), (l) => {
    const last = groups[groups.length - 1];
    if (last && same(last.line, l)) last.count++;
    else groups.push({ line: l, count: 1 });
  });
  for (const g of groups) {
    if (opts.flags.has('d') && g.count < 2) continue;
    if (opts.flags.has('u') && g.count > 1) continue;
    ctx.stdout.write(opts.flags.has('c') ? `${String(g.count).padStart(7)} ${g.line}\n` : `${g.line}\n`);
  }
  return status;
};

/** `1,3,5-7,-2,4-` → a predicate on 1-based positions. */
function parseList(list: string): ((n: number) => boolean) | null {
  const ranges: Array<[number, number]> = [];
  for (const part of list.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (m[1] === '' && m[3] === '')) return null;
    const from = m[1] ? Number(m[1]) : 1;
    const to = m[2] ? (m[3] ? Number(m[3]) : Infinity) : from;
    if (from < 1) return null;
    ranges.push([from, to]);
  }
  return (n) => ranges.some(([a, b]) => n >= a && n <= b);
}

export const cut: Program = async (ctx) => {
  const opts = options(ctx, 'd:f:c:b:s');
  if (!opts) return 1;
  const spec = opts.flags.get('f') ?? opts.flags.get('c') ?? opts.flags.get('b');
  if (spec === undefined) return fail(ctx, 'expected a list of bytes, characters, or fields');
  const pick = parseList(spec);
  if (!pick) return fail(ctx, `invalid byte or field list '${spec}'`);
  const delim = opts.flags.get('d') ?? '\t';
  const byFields = opts.flags.has('f');
  return eachLine(ctx, opts.operands, (line) => {
    if (!byFields) {
      ctx.stdout.write(`${[...line].filter((_, i) => pick(i + 1)).join('')}\n`);
      return;
    }
    if (!line.includes(delim)) {
      if (!opts.flags.has('s')) ctx.stdout.write(`${line}\n`);
      return;
    }
    ctx.stdout.write(`${line.split(delim).filter((_, i) => pick(i + 1)).join(delim)}\n`);
  });
};
