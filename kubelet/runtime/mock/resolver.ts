// Name resolution as a container's libc does it: /etc/hosts first, then the nameservers of
// /etc/resolv.conf with its search list and ndots. Only nameservers inside 127.0.0.0/8 are asked —
// the mock network never sends a packet off this machine. A name nobody knows fails with code
// ENOTFOUND (NXDOMAIN); servers that do not answer fail with ETIMEOUT.
import { Resolver } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import type { ContainerFS } from './process.js';

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  ndots: number;
}

export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], searches: [], ndots: 1 };
  for (const raw of text.split('\n')) {
    const [key, ...values] = raw.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (key === 'nameserver' && values[0]) conf.nameservers.push(values[0]);
    else if (key === 'search' || key === 'domain') conf.searches = values.filter(Boolean);
    else if (key === 'options') {
      for (const o of values) {
        const m = /^ndots:(\d+)$/.exec(o);
        if (m) conf.ndots = Math.min(15, Number(m[1]));
      }
    }
  }
  return conf;
}

/** Addresses for `name` in a hosts file's text (case-insensitive, aliases included). */
export function lookupHostsFile(text: string, name: string): string[] {
  const want = name.toLowerCase().replace(/\.$/, '');
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const [ip, ...names] = raw.replace(/#.*$/, '').trim().split(/\s+/);
    if (ip && names.some((n) => n.toLowerCase() === want) && !out.includes(ip)) out.push(ip);
  }
  return out;
}

/** The names to try for `name`, in order: as given when it has ndots dots or more, else search first. */
export function candidates(name: string, conf: ResolvConf): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const searched = conf.searches.map((s) => `${name}.${s}`);
  const dots = name.split('.').length - 1;
  return dots >= conf.ndots ? [name, ...searched] : [...searched, name];
}

function dnsError(code: 'ENOTFOUND' | 'ETIMEOUT', message: string): Error {
  return Object.assign(new Error(message), { code });
}

export class ContainerResolver {
  constructor(
    private readonly fs: ContainerFS,
    private readonly timeoutMs = 1000,
  ) {}

  async resolve(name: string): Promise<string[]> {
    if (isIPv4(name)) return [name];
    if (name === '' || name.length > 253) throw dnsError('ENOTFOUND', `${name}: NXDOMAIN`);
    const hosts = await readFile(this.fs.resolve('/etc/hosts'), 'utf8').catch(() => '');
    const fromHosts = lookupHostsFile(hosts, name);
    if (fromHosts.length > 0) return fromHosts;
    const conf = parseResolvConf(await readFile(this.fs.resolve('/etc/resolv.conf'), 'utf8').catch(() => ''));
    const servers = conf.nameservers.filter((s) => isIPv4(s) && s.startsWith('127.'));
    if (servers.length === 0) throw dnsError('ENOTFOUND', `${name}: NXDOMAIN`);
    const resolver = new Resolver({ timeout: this.timeoutMs, tries: 1 });
    resolver.setServers(servers);
    let unreachable = false;
    for (const candidate of candidates(name, conf)) {
      try {
        const addrs = await resolver.resolve4(candidate);
        if (addrs.length > 0) return addrs;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTFOUND' && code !== 'ENODATA') unreachable = true;
      }
    }
    if (unreachable) throw dnsError('ETIMEOUT', `;; connection timed out; no servers could be reached (${servers.join(', ')})`);
    throw dnsError('ENOTFOUND', `${name}: NXDOMAIN`);
  }
}
