// The two ranges Services allocate from, as Kubernetes lays them out: cluster IPs from the
// service CIDR without its network and broadcast addresses, node ports from a port range. Each
// has a lower "static" band that random allocation uses only once the rest is full, so that
// addresses people pick by hand (10.96.0.10 for DNS, low node ports) are rarely taken by chance.

/** Offsets 0..size-1 of a range, each naming one allocatable value. */
export interface AllocationSpace {
  readonly size: number;
  /** Offsets below this form the static band. */
  readonly staticBand: number;
  /** Offsets never handed out at random. */
  readonly reserved: ReadonlySet<number>;
  valueAt(offset: number): string;
  /** True for a value of this range that random allocation may hand out. */
  contains(value: string): boolean;
}

/** min(max(min, size/step), max), and 0 for ranges too small to split (Kubernetes' calculateRangeOffset). */
function bandSize(size: number, min: number, max: number, step: number, inclusiveMin: boolean): number {
  if (inclusiveMin ? size <= min : size < min) return 0;
  const offset = Math.floor(size / step);
  return Math.min(Math.max(offset, min), max);
}

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const octet = Number(p);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** The service CIDR: IPv4 only (this cluster is single-stack IPv4). */
export class ServiceIPRange implements AllocationSpace {
  /** Canonical form, e.g. "10.96.0.0/12" (what error messages name). */
  readonly cidr: string;
  readonly size: number;
  readonly staticBand: number;
  /** The first address (".1") belongs to the `kubernetes` Service and is never picked at random. */
  readonly reserved: ReadonlySet<number> = new Set([0]);
  private readonly network: number;

  constructor(cidr: string) {
    const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(cidr.trim());
    const ip = m ? parseIPv4(m[1]!) : undefined;
    const bits = m ? Number(m[2]) : NaN;
    if (ip === undefined || !(bits >= 0 && bits <= 32)) {
      throw new Error(`invalid service CIDR ${JSON.stringify(cidr)}: want an IPv4 CIDR such as 10.96.0.0/12`);
    }
    const total = 2 ** (32 - bits);
    this.network = ip - (ip % total);
    this.cidr = `${formatIPv4(this.network)}/${bits}`;
    this.size = Math.max(0, total - 2);
    this.staticBand = bandSize(total, 16, 256, 16, true);
  }

  /** The first usable address: the `kubernetes` Service's. */
  get firstIP(): string {
    return this.valueAt(0);
  }

  valueAt(offset: number): string {
    return formatIPv4(this.network + 1 + offset);
  }

  /** The offset of an address inside the usable range, or undefined (outside, network, broadcast). */
  offsetOf(ip: string): number | undefined {
    const n = parseIPv4(ip);
    if (n === undefined) return undefined;
    const offset = n - this.network - 1;
    return offset >= 0 && offset < this.size ? offset : undefined;
  }

  contains(value: string): boolean {
    const offset = this.offsetOf(value);
    return offset !== undefined && !this.reserved.has(offset);
  }

  static isIPv4(text: string): boolean {
    return parseIPv4(text) !== undefined;
  }
}

/** --service-node-port-range. */
export class NodePortRange implements AllocationSpace {
  readonly size: number;
  readonly staticBand: number;
  readonly reserved: ReadonlySet<number> = new Set();

  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
      throw new Error(`invalid node port range ${min}-${max}: want 1 <= min <= max <= 65535`);
    }
    this.size = max - min + 1;
    this.staticBand = bandSize(this.size, 16, 128, 32, true);
  }

  /** "30000-32767", as error messages name it. */
  toString(): string {
    return `${this.min}-${this.max}`;
  }

  valueAt(offset: number): string {
    return String(this.min + offset);
  }

  includes(port: number): boolean {
    return Number.isInteger(port) && port >= this.min && port <= this.max;
  }

  contains(value: string): boolean {
    return /^[0-9]+$/.test(value) && this.includes(Number(value));
  }
}
