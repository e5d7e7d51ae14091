// The builtins that must run inside the shell because they change its state: exit cd export unset
// set shift trap read break continue return eval . local exec wait and `:`. (echo, printf, test,
// true, false, pwd are table commands run in-process, which gives the same behaviour.)
import { stat, readFile } from 'node:fs/promises';
import { containerPath, errorText } from '../files.js';
import { readLine } from '../io.js';
import type { Io } from './child.js';
import { ExitSignal, ReturnSignal, signalStatus, whenAborted } from './control.js';
import { parseScript, ShSyntaxError } from './parser.js';
import type { Shell } from './shell.js';

export type Builtin = (shell: Shell, argv: string[], io: Io) => Promise<number>;

function number(shell: Shell, io: Io, name: string, text: string | undefined, fallback: number): number | null {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) {
    shell.error(io, `${name}: Illegal number: ${text}`);
    return null;
  }
  return Number(text);
}

const isName = (s: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);

/** Signal operand → our name: TERM, SIGTERM, 15; EXIT or 0. */
function signalName(spec: string): string | null {
  const upper = spec.toUpperCase().replace(/^SIG/, '');
  const byNumber: Record<string, string> = { '0': 'EXIT', '1': 'HUP', '2': 'INT', '15': 'TERM' };
  const name = byNumber[upper] ?? upper;
  return ['EXIT', 'HUP', 'INT', 'TERM'].includes(name) ? name : null;
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

async function runScriptText(shell: Shell, text: string, io: Io): Promise<number> {
  try {
    return await shell.runList(parseScript(text), io);
  } catch (err) {
    if (err instanceof ShSyntaxError) {
      shell.error(io, `syntax error: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

const exit: Builtin = async (shell, argv, io) => {
  const n = number(shell, io, 'exit', argv[1], shell.status);
  throw new ExitSignal(n === null ? 2 : n & 255);
};

const cd: Builtin = async (shell, argv, io) => {
  let dir = argv[1] ?? shell.vars.get('HOME') ?? '/';
  if (dir === '-') {
    dir = shell.vars.get('OLDPWD') ?? shell.cwd;
    io.stdout.write(`${dir}\n`);
  }
  const target = containerPath(shell.cwd, dir);
  try {
    if (!(await stat(shell.ctx.fs.resolve(target))).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
  } catch (err) {
    shell.error(io, `cd: can't cd to ${dir}: ${errorText(err)}`);
    return 2;
  }
  shell.setVar('OLDPWD', shell.cwd);
  shell.setVar('PWD', target);
  return 0;
};

const exportBuiltin: Builtin = async (shell, argv, io) => {
  const names = argv.slice(1).filter((a) => a !== '-p');
  if (names.length === 0) {
    for (const name of [...shell.exported].sort()) {
      const v = shell.vars.get(name);
      io.stdout.write(v === undefined ? `export ${name}\n` : `export ${name}=${quote(v)}\n`);
    }
    return 0;
  }
  let status = 0;
  for (const a of names) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!isName(name)) {
      shell.error(io, `export: ${a}: bad variable name`);
      status = 1;
      continue;
    }
    if (eq >= 0) shell.setVar(name, a.slice(eq + 1));
    shell.exported.add(name);
  }
  return status;
};

const unset: Builtin = async (shell, argv) => {
  let functions = false;
  for (const a of argv.slice(1)) {
    if (a === '-f') functions = true;
    else if (a === '-v') functions = false;
    else if (functions) shell.functions.delete(a);
    else {
      shell.vars.delete(a);
      shell.exported.delete(a);
    }
  }
  return 0;
};

const OPTION_LETTERS: Record<string, 'errexit' | 'xtrace' | 'noglob'> = { e: 'errexit', x: 'xtrace', f: 'noglob' };

const set: Builtin = async (shell, argv, io) => {
  const args = argv.slice(1);
  if (args.length === 0) {
    for (const [k, v] of [...shell.vars].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) io.stdout.write(`${k}=${quote(v)}\n`);
    return 0;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      shell.positional = args.slice(i);
      return 0;
    }
    if ((a === '-o' || a === '+o') && args[i + 1]) {
      const option = Object.values(OPTION_LETTERS).find((o) => o === args[i + 1]);
      if (!option) {
        shell.error(io, `set: illegal option -o ${args[i + 1]}`);
        return 2;
      }
      shell.options[option] = a === '-o';
      i++;
      continue;
    }
    if (!/^[-+][a-z]+$/.test(a)) break;
    for (const letter of a.slice(1)) {
      const option = OPTION_LETTERS[letter];
      if (!option) {
        shell.error(io, `set: illegal option -${letter}`);
        return 2;
      }
      shell.options[option] = a[0] === '-';
    }
  }
  if (i < args.length) shell.positional = args.slice(i);
  return 0;
};

const shift: Builtin = async (shell, argv, io) => {
  const n = number(shell, io, 'shift', argv[1], 1);
  if (n === null) return 2;
  if (n > shell.positional.length) {
    shell.error(io, `shift: can't shift that many`);
    return 1;
  }
  shell.positional = shell.positional.slice(n);
  return 0;
};

const trap: Builtin = async (shell, argv, io) => {
  const args = argv.slice(1);
  if (args.length === 0 || (args.length === 1 && args[0] === '-p')) {
    for (const [sig, action] of shell.traps.actions) io.stdout.write(`trap -- ${quote(action)} ${sig}\n`);
    return 0;
  }
  // `trap - SIG…` and `trap N SIG…` (an unsigned number first) restore the defaults.
  const reset = args[0] === '-' || /^\d+$/.test(args[0]!);
  const action = reset ? undefined : args[0]!;
  const signals = args.length === 1 && !reset ? [] : args.slice(1);
  let status = 0;
  for (const spec of reset && args.length === 1 ? [] : signals) {
    const name = signalName(spec);
    if (!name) {
      shell.error(io, `trap: ${spec}: bad trap`);
      status = 1;
      continue;
    }
    shell.setTrap(name, action);
  }
  return status;
};

const read: Builtin = async (shell, argv, io) => {
  let raw = false;
  const names: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-r') raw = true;
    else if (a === '-p') io.stderr.write(argv[++i] ?? '');
    else names.push(a);
  }
  if (names.length === 0) names.push('REPLY');
  const link = shell.childAbort();
  let line: string | null;
  let text = '';
  try {
    for (;;) {
      line = await readLine(io.stdin, link.signal);
      if (line === null) break;
      // Without -r a trailing backslash continues the line and other backslashes escape.
      if (!raw && line.endsWith('\\')) {
        text += line.slice(0, -1);
        continue;
      }
      text += line;
      break;
    }
  } catch (err) {
    if (link.signal.aborted) return signalStatus(link.signal.reason);
    throw err;
  } finally {
    link.dispose();
  }
  if (line! === null && text === '') {
    for (const n of names) shell.setVar(n, '');
    return 1;
  }
  if (!raw) text = text.replace(/\\(.)/g, '$1');
  const ifs = shell.vars.get('IFS') ?? ' \t\n';
  const white = [...ifs].filter((c) => ' \t\n'.includes(c)).join('');
  const trimmed = text.replace(new RegExp(`^[${escapeClass(white)}]+|[${escapeClass(white)}]+$`, 'g'), '');
  let rest = white ? trimmed : text;
  names.forEach((name, i) => {
    if (i === names.length - 1) {
      shell.setVar(name, rest);
      return;
    }
    const m = new RegExp(`^([^${escapeClass(ifs)}]*)[${escapeClass(ifs)}]?[${escapeClass(white)}]*`).exec(rest);
    const field = ifs ? (m?.[1] ?? '') : rest;
    rest = ifs ? rest.slice(m?.[0].length ?? 0) : '';
    shell.setVar(name, field);
  });
  return line! === null ? 1 : 0;
};

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, '\\$&').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

const loop =
  (kind: 'break' | 'continue'): Builtin =>
  async (shell, argv, io) => {
    const n = number(shell, io, kind, argv[1], 1);
    if (n === null || n < 1) return 1;
    return shell.loopControl(kind, n);
  };

const returnBuiltin: Builtin = async (shell, argv, io) => {
  const n = number(shell, io, 'return', argv[1], shell.status);
  throw new ReturnSignal(n === null ? 2 : n & 255);
};

const evalBuiltin: Builtin = async (shell, argv, io) => runScriptText(shell, argv.slice(1).join(' '), io);

const source: Builtin = async (shell, argv, io) => {
  const file = argv[1];
  if (!file) return 0;
  let text: string;
  try {
    text = (await readFile(shell.ctx.fs.resolve(containerPath(shell.cwd, file)))).toString();
  } catch {
    shell.error(io, `.: can't open '${file}'`);
    return 2;
  }
  return runScriptText(shell, text, io);
};

const local: Builtin = async (shell, argv, io) => {
  for (const a of argv.slice(1)) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!isName(name)) {
      shell.error(io, `local: ${a}: bad variable name`);
      return 1;
    }
    if (!shell.declareLocal(name)) {
      shell.error(io, 'local: not in a function');
      return 1;
    }
    shell.setVar(name, eq < 0 ? (shell.vars.get(name) ?? '') : a.slice(eq + 1));
  }
  return 0;
};

const exec: Builtin = async (shell, argv, io) => {
  if (argv.length < 2) return 0;
  throw new ExitSignal(await shell.runExternal(argv.slice(1), shell.environment(), io));
};

const wait: Builtin = async (shell) => {
  const link = shell.childAbort();
  const aborted = whenAborted(link.signal);
  let status = 0;
  try {
    for (const job of [...shell.background]) status = await Promise.race([job, aborted.promise]);
  } catch (err) {
    if (link.signal.aborted) return signalStatus(link.signal.reason);
    throw err;
  } finally {
    aborted.cancel();
    link.dispose();
  }
  return status;
};

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  [':', async () => 0],
  ['exit', exit],
  ['cd', cd],
  ['export', exportBuiltin],
  ['unset', unset],
  ['set', set],
  ['shift', shift],
  ['trap', trap],
  ['read', read],
  ['break', loop('break')],
  ['continue', loop('continue')],
  ['return', returnBuiltin],
  ['eval', evalBuiltin],
  ['.', source],
  ['source', source],
  ['local', local],
  ['exec', exec],
  ['wait', wait],
]);
