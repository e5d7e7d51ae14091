// env [-i] [-u NAME] [NAME=VALUE]… [COMMAND [ARG]…], printenv [NAME]…, and the identity commands
// that read the process's context: hostname, pwd, id, whoami.
import { CommandNotFoundError, type Program } from '../../process.js';
import { fail } from './common.js';

export const env: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let vars: Record<string, string> = { ...ctx.env };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-i' || a === '-') vars = {};
    else if (a === '-u') delete vars[args[++i] ?? ''];
    else if (a === '--') {
      i++;
      break;
    } else break;
  }
  for (; i < args.length && /^[^=]+=/.test(args[i]!); i++) {
    const a = args[i]!;
    vars[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  }
  const command = args.slice(i);
  if (command.length === 0) {
    for (const [k, v] of Object.entries(vars)) ctx.stdout.write(`${k}=${v}\n`);
    return 0;
  }
  try {
    return await ctx.spawn(command, { stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr, env: vars, cwd: ctx.cwd });
  } catch (err) {
    if (err instanceof CommandNotFoundError) return fail(ctx, `can't execute '${command[0]}': No such file or directory`, 127);
    throw err;
  }
};

export const printenv: Program = async (ctx) => {
  const names = ctx.argv.slice(1);
  if (names.length === 0) {
    for (const [k, v] of Object.entries(ctx.env)) ctx.stdout.write(`${k}=${v}\n`);
    return 0;
  }
  let status = 0;
  for (const n of names) {
    const v = ctx.env[n];
    if (v === undefined) status = 1;
    else ctx.stdout.write(`${v}\n`);
  }
  return status;
};

export const hostname: Program = async (ctx) => {
  const flag = ctx.argv[1];
  if (flag === '-i') ctx.stdout.write(`${ctx.net.podIP}\n`);
  else if (flag === '-s') ctx.stdout.write(`${ctx.hostname.split('.')[0]}\n`);
  else if (flag !== undefined && !flag.startsWith('-')) return fail(ctx, `sethostname: Operation not permitted`);
  else ctx.stdout.write(`${ctx.hostname}\n`);
  return 0;
};

export const pwd: Program = async (ctx) => {
  ctx.stdout.write(`${ctx.cwd || '/'}\n`);
  return 0;
};

/** Mock containers run as root, as most images do by default. */
export const id: Program = async (ctx) => {
  const flags = ctx.argv.slice(1).join('');
  if (flags.includes('u') || flags.includes('g')) ctx.stdout.write(flags.includes('n') ? 'root\n' : '0\n');
  else ctx.stdout.write('uid=0(root) gid=0(root) groups=0(root)\n');
  return 0;
};

export const whoami: Program = async (ctx) => {
  ctx.stdout.write('root\n');
  return 0;
};
