// nslookup NAME [SERVER]: busybox's output for an A lookup through the container's resolver;
// `** server can't find NAME: NXDOMAIN` and status 1 when the name does not resolve.
import { readFile } from 'node:fs/promises';
import type { Program, ProcessContext } from '../../process.js';
import { fail } from './common.js';

/** The first nameserver of the container's /etc/resolv.conf (what busybox reports as Server). */
async function nameserver(ctx: ProcessContext): Promise<string> {
  try {
    const conf = (await readFile(ctx.fs.resolve('/etc/resolv.conf'))).toString();
    return /^\s*nameserver\s+(\S+)/m.exec(conf)?.[1] ?? '127.0.0.1';
  } catch {
    return '127.0.0.1';
  }
}

export const nslookup: Program = async (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  const name = args[0];
  if (name === undefined) return fail(ctx, 'usage: nslookup [HOST] [SERVER]');
  const server = args[1] ?? (await nameserver(ctx));
  ctx.stdout.write(`Server:\t\t${server}\nAddress:\t${server}:53\n\n`);
  let addresses: string[] = [];
  let failure: 'NXDOMAIN' | 'timeout' | null = null;
  try {
    addresses = await ctx.net.resolveHost(name);
    if (addresses.length === 0) failure = 'NXDOMAIN';
  } catch (err) {
    const code = (err as { code?: string }).code;
    failure = code === 'ETIMEOUT' || code === 'ECONNREFUSED' || code === 'ETIMEDOUT' ? 'timeout' : 'NXDOMAIN';
  }
  if (failure === 'timeout') {
    ctx.stdout.write(';; connection timed out; no servers could be reached\n\n');
    return 1;
  }
  if (failure) {
    ctx.stdout.write(`** server can't find ${name}: NXDOMAIN\n\n`);
    return 1;
  }
  ctx.stdout.write(`Name:\t${name}\n${addresses.map((a) => `Address: ${a}\n`).join('')}\n`);
  return 0;
};
