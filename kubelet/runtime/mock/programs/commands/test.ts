// test EXPR and [ EXPR ]: file tests (-e -f -d -s -r -w -x -L -h), strings (-z -n = == != < >),
// integers (-eq -ne -lt -le -gt -ge), ! -a -o and parentheses, with POSIX's rules for 1–4 args.
import { lstat, stat } from 'node:fs/promises';
import type { Program, ProcessContext } from '../../process.js';
import { containerPath, hostPath } from '../files.js';
import { cmdName } from './common.js';

class TestError extends Error {}

const UNARY_FILE = new Set(['-e', '-f', '-d', '-s', '-r', '-w', '-x', '-L', '-h', '-b', '-c', '-p', '-S']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

function integer(s: string): bigint {
  if (!/^\s*[-+]?\d+\s*$/.test(s)) throw new TestError(`${s}: bad number`);
  return BigInt(s.trim());
}

async function fileTest(ctx: ProcessContext, op: string, path: string): Promise<boolean> {
  if (path === '') return false;
  try {
    const host = hostPath(ctx, path);
    const st = op === '-L' || op === '-h' ? await lstat(host) : await stat(host);
    switch (op) {
      case '-e':
      case '-r':
      case '-w':
        return op !== '-w' || !ctx.fs.readOnly(containerPath(ctx.cwd, path));
      case '-f':
        return st.isFile();
      case '-d':
        return st.isDirectory();
      case '-s':
        return st.size > 0;
      case '-x':
        return (st.mode & 0o111) !== 0;
      case '-L':
      case '-h':
        return st.isSymbolicLink();
      case '-b':
        return st.isBlockDevice();
      case '-c':
        return st.isCharacterDevice();
      case '-p':
        return st.isFIFO();
      case '-S':
        return st.isSocket();
    }
  } catch {
    // missing files fail every test
  }
  return false;
}

function binary(a: string, op: string, b: string): boolean {
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
  }
  const x = integer(a);
  const y = integer(b);
  return op === '-eq' ? x === y : op === '-ne' ? x !== y : op === '-lt' ? x < y : op === '-le' ? x <= y : op === '-gt' ? x > y : x >= y;
}

class Evaluator {
  private i = 0;
  constructor(
    private readonly ctx: ProcessContext,
    private readonly args: string[],
  ) {}

  async run(): Promise<boolean> {
    const v = await this.or();
    if (this.i < this.args.length) throw new TestError(`${this.args[this.i]}: unknown operand`);
    return v;
  }

  private async or(): Promise<boolean> {
    let v = await this.and();
    while (this.args[this.i] === '-o') {
      this.i++;
      const r = await this.and();
      v = v || r;
    }
    return v;
  }

  private async and(): Promise<boolean> {
    let v = await this.not();
    while (this.args[this.i] === '-a') {
      this.i++;
      const r = await this.not();
      v = v && r;
    }
    return v;
  }

  private async not(): Promise<boolean> {
    if (this.args[this.i] === '!' && this.i + 1 < this.args.length) {
      this.i++;
      return !(await this.not());
    }
    return this.primary();
  }

  private async primary(): Promise<boolean> {
    const a = this.args;
    const t = a[this.i];
    if (t === undefined) throw new TestError('argument expected');
    if (t === '(' && a.length - this.i > 2) {
      this.i++;
      const v = await this.or();
      if (a[this.i] !== ')') throw new TestError(`closing paren expected`);
      this.i++;
      return v;
    }
    // A binary operator after the first word wins (so `[ -n = -n ]` compares strings).
    if (a[this.i + 1] !== undefined && BINARY.has(a[this.i + 1]!) && a[this.i + 2] !== undefined) {
      const v = binary(t, a[this.i + 1]!, a[this.i + 2]!);
      this.i += 3;
      return v;
    }
    if ((t === '-z' || t === '-n' || UNARY_FILE.has(t)) && a[this.i + 1] !== undefined) {
      const operand = a[this.i + 1]!;
      this.i += 2;
      if (t === '-z') return operand === '';
      if (t === '-n') return operand !== '';
      return fileTest(this.ctx, t, operand);
    }
    this.i++;
    return t !== '';
  }
}

/** Evaluates a test expression: 0 true, 1 false, 2 with a message for a bad expression. */
export async function evaluateTest(ctx: ProcessContext, args: string[]): Promise<number | string> {
  if (args.length === 0) return 1;
  try {
    // POSIX: `test X` is true when X is non-empty, whatever X is; `! X` negates that.
    if (args.length === 1) return args[0] !== '' ? 0 : 1;
    if (args.length === 2 && args[0] === '!') return args[1] === '' ? 0 : 1;
    return (await new Evaluator(ctx, args).run()) ? 0 : 1;
  } catch (err) {
    if (err instanceof TestError) return err.message;
    throw err;
  }
}

export const test: Program = async (ctx) => {
  let args = ctx.argv.slice(1);
  if (cmdName(ctx) === '[') {
    if (args[args.length - 1] !== ']') {
      ctx.stderr.write(`[: missing ]\n`);
      return 2;
    }
    args = args.slice(0, -1);
  }
  const r = await evaluateTest(ctx, args);
  if (typeof r === 'string') {
    ctx.stderr.write(`sh: ${r}\n`);
    return 2;
  }
  return r;
};
