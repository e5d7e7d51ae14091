// Host names → an IPv4 address through the container's resolver (ctx.net.resolveHost), and the
// guard that keeps every connection inside 127.0.0.0/8 (the only network a mock cluster has).
import { isIPv4 } from 'node:net';
import type { ProcessContext } from '../../process.js';

/** The first address of `host`, or null when the name does not resolve. */
export async function resolveAddress(ctx: ProcessContext, host: string): Promise<string | null> {
  if (isIPv4(host)) return host;
  try {
    const addresses = await ctx.net.resolveHost(host);
    return addresses.find((a) => isIPv4(a)) ?? addresses[0] ?? null;
  } catch {
    return null;
  }
}

/** Whether an address is on loopback, where mock pods and services live. */
export function isLoopback(address: string): boolean {
  return isIPv4(address) && address.startsWith('127.');
}
