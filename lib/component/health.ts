// Named health checks answered as kube components answer /livez, /readyz and /healthz: "ok", or
// with ?verbose (and always on failure) one line per check — `[+]name ok` / `[-]name failed:
// reason` — then `<endpoint> check passed|failed`; 200 or 500. `?exclude=name` skips a check,
// `/<endpoint>/<name>` runs one.

/** Resolves (anything but false) when healthy; throws or resolves false when not. */
export type HealthCheck = () => unknown;
export type HealthEndpoint = 'livez' | 'readyz' | 'healthz';

export interface CheckResult {
  name: string;
  ok: boolean;
  reason?: string;
}

export interface HealthReport {
  ok: boolean;
  results: CheckResult[];
}

interface Registered {
  name: string;
  check: HealthCheck;
  live: boolean;
}

export class HealthChecks {
  private readonly checks: Registered[] = [{ name: 'ping', check: () => true, live: true }];

  /** A check that bounds how long it may take before it counts as failed. */
  constructor(private readonly timeoutMs = 5000) {}

  /** A readiness check: /readyz fails while it fails (e.g. "store reachable", "caches synced"). */
  addReadyz(name: string, check: HealthCheck): void {
    this.add(name, check, false);
  }

  /** A liveness check: /livez, /healthz and /readyz fail while it fails (restart me). */
  addLivez(name: string, check: HealthCheck): void {
    this.add(name, check, true);
  }

  /** Readiness checks are on /readyz; liveness checks are on every endpoint (/healthz = /livez). */
  names(endpoint: HealthEndpoint): string[] {
    return this.checks.filter((c) => c.live || endpoint === 'readyz').map((c) => c.name);
  }

  async run(endpoint: HealthEndpoint, opts: { only?: string; exclude?: readonly string[] } = {}): Promise<HealthReport | undefined> {
    const exclude = new Set(opts.exclude ?? []);
    const chosen = this.checks.filter((c) => (c.live || endpoint === 'readyz') && (opts.only === undefined ? !exclude.has(c.name) : c.name === opts.only));
    if (opts.only !== undefined && chosen.length === 0) return undefined;
    const results = await Promise.all(chosen.map((c) => this.runOne(c)));
    return { ok: results.every((r) => r.ok), results };
  }

  private add(name: string, check: HealthCheck, live: boolean): void {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`health check name ${JSON.stringify(name)}: want lowercase letters, digits and dashes`);
    if (this.checks.some((c) => c.name === name)) throw new Error(`health check ${name} is registered twice`);
    this.checks.push({ name, check, live });
  }

  private async runOne(c: Registered): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      const v = await Promise.race([Promise.resolve().then(c.check), timeout]);
      return v === false ? { name: c.name, ok: false, reason: 'check returned false' } : { name: c.name, ok: true };
    } catch (err) {
      return { name: c.name, ok: false, reason: err instanceof Error ? err.message : String(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The response body kube components give: "ok" unless verbose or failed. */
export function formatHealthReport(endpoint: HealthEndpoint, report: HealthReport, verbose: boolean): string {
  if (report.ok && !verbose) return 'ok';
  const lines = report.results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.reason ?? 'unknown'}`));
  lines.push(`${endpoint} check ${report.ok ? 'passed' : 'failed'}`);
  return `${lines.join('\n')}\n`;
}
