// What the commands share: getopt-style option parsing, reading files-or-stdin with busybox's
// error messages, and printing an error as `<cmd>: <message>` on stderr.
import type { ProcessContext } from '../../process.js';
import { containerPath, errorText, readContainerFile } from '../files.js';
import { chunks, lines } from '../io.js';

export interface ParsedOptions {
  /** Flags seen, with their value ('' for flags without one); the last one wins. */
  flags: Map<string, string>;
  operands: string[];
}

/**
 * getopt(3) over argv[1..], GNU-style (options and operands may mix): `spec` lists option letters, `x:` takes a value (`-O file`, `-Ofile`);
 * `long` maps `--name` (or `--name=value`) to a letter. `--` ends options; a lone `-` is an operand.
 * `numericShorthand` maps `-5` to that option letter (`head -5`).
 */
export function getopt(
  ctx: ProcessContext,
  spec: string,
  opts: { long?: Record<string, string>; numericShorthand?: string } = {},
): ParsedOptions | string {
  const args = ctx.argv.slice(1);
  const flags = new Map<string, string>();
  const operands: string[] = [];
  const takesValue = (c: string) => spec.includes(`${c}:`);
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    // Options may follow operands (`grep x file -q`), as GNU getopt permutes them.
    if (!a.startsWith('-') || a === '-') {
      operands.push(a);
      continue;
    }
    if (a.startsWith('--') && opts.long) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const letter = opts.long[name];
      if (letter === undefined) return `unrecognized option '${a}'`;
      if (takesValue(letter)) {
        const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (v === undefined) return `option '${a}' requires an argument`;
        flags.set(letter, v);
      } else flags.set(letter, '');
      continue;
    }
    if (opts.numericShorthand && /^-\d+$/.test(a)) {
      flags.set(opts.numericShorthand, a.slice(1));
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j]!;
      if (!spec.includes(c) || c === ':') return `invalid option -- '${c}'`;
      if (takesValue(c)) {
        const v = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (v === undefined) return `option requires an argument -- '${c}'`;
        flags.set(c, v);
        break;
      }
      flags.set(c, '');
    }
  }
  return { flags, operands: [...operands, ...args.slice(i)] };
}

/** The program's name as invoked, for messages. */
export function cmdName(ctx: ProcessContext): string {
  const a = ctx.argv[0] ?? '';
  return a.slice(a.lastIndexOf('/') + 1);
}

export function fail(ctx: ProcessContext, message: string, status = 1): number {
  ctx.stderr.write(`${cmdName(ctx)}: ${message}\n`);
  return status;
}

/** Parses options or prints the usage error (status 1, as busybox's bb_show_usage). */
export function options(ctx: ProcessContext, spec: string, opts?: Parameters<typeof getopt>[2]): ParsedOptions | null {
  const parsed = getopt(ctx, spec, opts);
  if (typeof parsed === 'string') {
    fail(ctx, parsed);
    return null;
  }
  return parsed;
}

/**
 * Calls `onChunk` with the bytes of each named file (or stdin for none or `-`, streamed as it
 * comes). Unreadable files print `<cmd>: can't open 'x': …` and make the status 1.
 */
export async function eachInput(ctx: ProcessContext, files: readonly string[], onChunk: (data: Buffer, name: string) => void | Promise<void>): Promise<number> {
  let status = 0;
  for (const name of files.length ? files : ['-']) {
    if (name === '-') {
      for await (const c of chunks(ctx.stdin, ctx.killed)) await onChunk(c, name);
      continue;
    }
    let data: Buffer;
    try {
      data = await readContainerFile(ctx, name);
    } catch (err) {
      status = fail(ctx, `can't open '${name}': ${errorText(err)}`);
      continue;
    }
    await onChunk(data, name);
  }
  return status;
}

/** Like eachInput, line by line (without newlines; stdin is streamed, so `tail -f | grep` works). */
export async function eachLine(ctx: ProcessContext, files: readonly string[], onLine: (line: string, name: string) => void | boolean): Promise<number> {
  let status = 0;
  for (const name of files.length ? files : ['-']) {
    if (name === '-') {
      for await (const l of lines(ctx.stdin, ctx.killed)) if (onLine(l, name) === false) return status;
      continue;
    }
    let data: string;
    try {
      data = (await readContainerFile(ctx, name)).toString();
    } catch (err) {
      status = fail(ctx, `can't open '${name}': ${errorText(err)}`);
      continue;
    }
    for (const l of splitLines(data)) if (onLine(l, name) === false) return status;
  }
  return status;
}

/** Lines of a text without their newlines; a final newline does not make an empty last line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** A container path for messages and lookups. */
export function absolute(ctx: ProcessContext, path: string): string {
  return containerPath(ctx.cwd, path);
}
