// Pod IPs from the node's pod CIDR the way the host-local IPAM plugin hands them out: the network
// address and the gateway (.1) are never given, the lowest free address is, and a released one is
// free again at once. IPv4 only, as the mock network is 127.0.0.0/8.
import { RuntimeError } from '../types.js';

export interface Cidr {
  base: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) throw new RuntimeError('InvalidArgument', `invalid pod CIDR ${JSON.stringify(text)}: want an IPv4 CIDR such as 127.244.1.0/24`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 8 || prefix > 30) throw new RuntimeError('InvalidArgument', `invalid pod CIDR ${JSON.stringify(text)}: want an IPv4 CIDR with a prefix of 8 to 30 bits`);
  const addr = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (addr & mask) >>> 0, prefix };
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export class PodIPAllocator {
  private cidr: Cidr;
  private cidrText: string;
  private readonly used = new Set<number>();

  constructor(cidr: string) {
    this.cidr = parseCidr(cidr);
    this.cidrText = cidr;
  }

  get range(): string {
    return this.cidrText;
  }

  /** A new range applies to later allocations; addresses already handed out stay until released. */
  setRange(cidr: string): void {
    this.cidr = parseCidr(cidr);
    this.cidrText = cidr;
  }

  allocate(): string {
    const size = 2 ** (32 - this.cidr.prefix);
    // .0 is the network, .1 the gateway, the last the broadcast address.
    for (let offset = 2; offset < size - 1; offset++) {
      const ip = (this.cidr.base + offset) >>> 0;
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return formatIPv4(ip);
      }
    }
    throw new RuntimeError('Internal', `failed to allocate for range 0: no IP addresses available in range set: ${this.cidrText}`);
  }

  release(ip: string): void {
    const parts = ip.split('.').map(Number);
    if (parts.length !== 4) return;
    this.used.delete(((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0);
  }

  inUse(): number {
    return this.used.size;
  }
}
