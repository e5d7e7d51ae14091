// The `sh` program: `sh -c 'script' [name [args…]]`, `sh file [args…]`, or a script on stdin;
// options -e -x -f (also `set`). Exit status is the last command's, or exit's, or 128+n when a
// signal ended it; 2 for a syntax error.
import type { ProcessContext, Program, ProgramTable } from '../../process.js';
import { containerPath, errorText } from '../files.js';
import { AbortedError, LinkedAbort, readAll } from '../io.js';
import { readFile } from 'node:fs/promises';
import type { Io } from './child.js';
import { ExitSignal, signalStatus, whenAborted } from './control.js';
import { parseScript, ShSyntaxError } from './parser.js';
import { Shell, type ShellOptions } from './shell.js';

interface Invocation {
  options: Partial<ShellOptions>;
  command?: string;
  file?: string;
  arg0: string;
  args: string[];
}

const LETTERS: Record<string, keyof ShellOptions> = { e: 'errexit', x: 'xtrace', f: 'noglob' };

function parseArgs(argv: readonly string[]): Invocation | string {
  const options: Partial<ShellOptions> = {};
  let commandMode = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    if (!/^[-+][a-z]+$/.test(a)) break;
    for (const letter of a.slice(1)) {
      if (letter === 'c') commandMode = true;
      else if (letter === 's' || letter === 'i' || letter === 'l') continue;
      else if (LETTERS[letter]) options[LETTERS[letter]] = a[0] === '-';
      else return `-${letter}: invalid option`;
    }
  }
  const rest = argv.slice(i);
  const arg0 = argv[0] ?? 'sh';
  if (commandMode) {
    if (rest.length === 0) return '-c requires an argument';
    return { options, command: rest[0]!, arg0: rest[1] ?? arg0, args: rest.slice(2) };
  }
  if (rest.length > 0) return { options, file: rest[0]!, arg0: rest[0]!, args: rest.slice(1) };
  return { options, arg0, args: [] };
}

async function loadScript(ctx: ProcessContext, inv: Invocation): Promise<string> {
  if (inv.command !== undefined) return inv.command;
  if (inv.file !== undefined) return (await readFile(ctx.fs.resolve(containerPath(ctx.cwd, inv.file)))).toString();
  return (await readAll(ctx.stdin, ctx.killed)).toString();
}

async function run(ctx: ProcessContext, table: ProgramTable): Promise<number> {
  const inv = parseArgs(ctx.argv);
  if (typeof inv === 'string') {
    ctx.stderr.write(`sh: ${inv}\n`);
    return 2;
  }
  let script: string;
  try {
    script = await loadScript(ctx, inv);
  } catch (err) {
    if (err instanceof AbortedError) throw err;
    ctx.stderr.write(`sh: can't open '${inv.file}': ${errorText(err)}\n`);
    return 2;
  }
  // Background jobs end with the shell (as the rest of a container does when its PID 1 exits).
  const life = new LinkedAbort([ctx.killed]);
  try {
    return await runScript(ctx, table, inv, script, life.signal);
  } finally {
    life.abort('KILL');
    life.dispose();
  }
}

async function runScript(ctx: ProcessContext, table: ProgramTable, inv: Invocation, script: string, killed: AbortSignal): Promise<number> {
  const shell = new Shell(ctx, table, inv.arg0, inv.args, killed, true);
  Object.assign(shell.options, inv.options);
  const io: Io = { stdin: inv.command !== undefined || inv.file !== undefined ? ctx.stdin : null, stdout: ctx.stdout, stderr: ctx.stderr };
  let status: number;
  try {
    status = await shell.runList(parseScript(script), io);
  } catch (err) {
    if (err instanceof ShSyntaxError) {
      ctx.stderr.write(`sh: syntax error: ${err.message}\n`);
      return 2;
    }
    if (!(err instanceof ExitSignal)) throw err;
    status = err.status;
  }
  try {
    shell.status = status;
    await shell.runExitTrap(io);
  } catch (err) {
    if (!(err instanceof ExitSignal)) throw err;
    status = err.status;
  }
  return status;
}

/** sh over a program table (which contains sh itself, for scripts and nested `sh -c`). */
export function shProgram(table: () => ProgramTable): Program {
  return async (ctx) => {
    const aborted = whenAborted(ctx.killed);
    try {
      return await Promise.race([run(ctx, table()), aborted.promise]);
    } catch (err) {
      if (ctx.killed.aborted) return signalStatus(ctx.killed.reason);
      throw err;
    } finally {
      aborted.cancel();
    }
  };
}
