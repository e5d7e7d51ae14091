// CPU time of other processes (the servers under test), from /proc/<pid>/stat, so a benchmark can
// say how much of the machine each side used during a phase.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** utime + stime in clock ticks from the text of /proc/<pid>/stat; null when malformed. */
export function parseStatCpuTicks(statText: string): number | null {
  // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
  const close = statText.lastIndexOf(')');
  if (close < 0) return null;
  const fields = statText.slice(close + 1).trim().split(/\s+/);
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime) || fields.length < 13) return null;
  return utime + stime;
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100;
    } catch {
      ticksPerSecond = 100; // Linux's USER_HZ nearly everywhere.
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) a live process has used so far; null when it is gone. */
export function cpuSecondsOf(pid: number): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const ticks = parseStatCpuTicks(text);
  return ticks === null ? null : ticks / clockTicksPerSecond();
}

/** CPU seconds this process has used (user + system). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * The cumulative stall time (µs) of a line of /proc/pressure/<resource> (Linux PSI): `some` is
 * time at least one runnable task waited for the resource. null when the line is absent.
 */
export function parsePressureTotalUs(text: string, kind: 'some' | 'full'): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${kind} `)) continue;
    const m = /\btotal=(\d+)\b/.exec(line);
    return m ? Number(m[1]) : null;
  }
  return null;
}

function pressureTotalUs(resource: 'cpu' | 'io'): number | null {
  try {
    return parsePressureTotalUs(readFileSync(`/proc/pressure/${resource}`, 'utf8'), 'some');
  } catch {
    return null; // No PSI in this kernel.
  }
}

export interface CpuReport {
  /** Per process: share of one core used, in percent (100 = one core busy); null when unknown. */
  perProcess: Map<string, number | null>;
  /** Share of the time some task on the machine waited for a CPU (PSI "some"); null without PSI. */
  cpuPressurePct: number | null;
  /** The same for I/O (fsync waits). */
  ioPressurePct: number | null;
}

/** Samples several processes' CPU, and the machine's CPU and I/O pressure, at two points. */
export class CpuMeter {
  private readonly before = new Map<string, number | null>();
  private pressureBefore: { cpu: number | null; io: number | null } = { cpu: null, io: null };
  private startedAt = 0;

  constructor(
    private readonly pids: () => ReadonlyMap<string, number | undefined>,
    private readonly wallMs: () => number = () => performance.now(),
  ) {}

  start(): void {
    this.before.clear();
    for (const [name, pid] of this.pids()) this.before.set(name, pid === undefined ? null : cpuSecondsOf(pid));
    this.before.set(LOAD_GENERATOR, ownCpuSeconds());
    this.pressureBefore = { cpu: pressureTotalUs('cpu'), io: pressureTotalUs('io') };
    this.startedAt = this.wallMs();
  }

  stop(): CpuReport {
    const wallSeconds = (this.wallMs() - this.startedAt) / 1000;
    const perProcess = new Map<string, number | null>();
    const pids = this.pids();
    for (const [name, was] of this.before) {
      const pid = pids.get(name);
      const nowCpu = name === LOAD_GENERATOR ? ownCpuSeconds() : pid === undefined ? null : cpuSecondsOf(pid);
      perProcess.set(name, was === null || nowCpu === null || wallSeconds <= 0 ? null : (100 * (nowCpu - was)) / wallSeconds);
    }
    const pct = (was: number | null, now: number | null) => (was === null || now === null || wallSeconds <= 0 ? null : (100 * (now - was)) / 1e6 / wallSeconds);
    return { perProcess, cpuPressurePct: pct(this.pressureBefore.cpu, pressureTotalUs('cpu')), ioPressurePct: pct(this.pressureBefore.io, pressureTotalUs('io')) };
  }
}

/** The name this process goes by in a CpuReport. */
export const LOAD_GENERATOR = 'load generator';
