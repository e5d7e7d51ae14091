// What a mock container's program sees: the contract between the mock runtime (which creates
// processes for containers and execs) and the programs that stand in for real binaries — `sh` and
// its commands (programs/), the image behaviours (images/). A program is an async function from a
// ProcessContext to an exit code; everything it touches (files, network, time, signals, CPU and
// memory) goes through the context, so the same program runs in the runtime process and in unit
// tests against a temporary directory and a fake clock.
import type { Readable } from 'node:stream';
import type { Clock } from '../../../lib/util/clock.js';

export type Signal = 'TERM' | 'INT' | 'HUP' | 'KILL';

export interface OutputSink {
  write(chunk: string | Uint8Array): void;
}

/** The container's file tree: its own writable root with the volumes mounted over it. */
export interface ContainerFS {
  /** Host path for an absolute container path (longest mount prefix wins, else the container's root). */
  resolve(containerPath: string): string;
  /** Whether writes under this container path are refused (read-only mount: EROFS). */
  readOnly(containerPath: string): boolean;
}

export interface HttpRequestInfo {
  method: string;
  /** Path and query as received: `/echo?msg=hi`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  remoteAddress: string;
  body: Buffer;
}

export interface HttpResponseInfo {
  status: number;
  headers?: Record<string, string>;
  body: string | Uint8Array;
}

export type HttpHandler = (req: HttpRequestInfo) => Promise<HttpResponseInfo> | HttpResponseInfo;

export interface NetworkAccess {
  /** The pod IP (node IP for hostNetwork pods); servers bind here. */
  readonly podIP: string;
  /**
   * Serve HTTP on podIP:port until the process exits (the runtime closes it). Rejects with an
   * EADDRINUSE-like error when the port is taken, as a real bind would.
   */
  listenHttp(port: number, handler: HttpHandler): Promise<void>;
  /** Accept TCP connections on podIP:port (for images that only need a port to be open). */
  listenTcp(port: number): Promise<void>;
  /** Names → addresses through the container's /etc/hosts, then its resolv.conf nameservers. */
  resolveHost(name: string): Promise<string[]>;
}

/** CPU and memory the program is using, as ContainerStats reports them. */
export interface Usage {
  /** Burn `millicores` of CPU for `durationMs` (resource-consumer, busy loops); abortable. */
  consumeCpu(millicores: number, durationMs: number, signal?: AbortSignal): Promise<void>;
  /**
   * Hold `bytes` more memory (negative releases). Going over the container's memory limit
   * OOM-kills the process: the runtime ends it with exit 137, reason OOMKilled.
   */
  allocate(bytes: number): void;
}

export interface ProcessContext {
  /** argv[0] is the program as invoked (`/bin/sh`, `nginx`, `/agnhost`). */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** The pod's hostname (`hostname` prints it; agnhost /hostname answers it). */
  readonly hostname: string;
  /** PID 1 of its container: TERM and INT with no handler installed are ignored, as in Linux. */
  readonly pid1: boolean;
  readonly stdin: Readable | null;
  readonly stdout: OutputSink;
  readonly stderr: OutputSink;
  readonly fs: ContainerFS;
  readonly net: NetworkAccess;
  readonly usage: Usage;
  readonly clock: Clock;
  /** Aborted when the process is killed (KILL, OOM, sandbox stopped): stop everything at once. */
  readonly killed: AbortSignal;
  /**
   * Install a handler for a catchable signal (replacing any before). Without one, TERM/INT/HUP
   * end the process with 128+n — unless it is PID 1, which ignores them.
   */
  onSignal(signal: Exclude<Signal, 'KILL'>, handler: () => void): void;
  /** Run another program in this container (sh running `cat`, `sleep`…), sharing fs, net and usage. */
  spawn(argv: readonly string[], io: { stdin?: Readable | null; stdout: OutputSink; stderr: OutputSink; env?: Record<string, string>; cwd?: string }): Promise<number>;
}

export type Program = (ctx: ProcessContext) => Promise<number>;

/** Signal numbers for 128+n exit codes. */
export const SIGNAL_NUMBER: Readonly<Record<Signal, number>> = { HUP: 1, INT: 2, KILL: 9, TERM: 15 };

/** spawn() of a name no program answers to; `sh` turns it into `sh: x: not found` and 127. */
export class CommandNotFoundError extends Error {
  override readonly name = 'CommandNotFoundError';
  constructor(readonly command: string) {
    super(`${command}: not found`);
  }
}

/**
 * Where programs are found by name: argv[0]'s basename (`/bin/sh` → `sh`, `/agnhost` → `agnhost`).
 * programs/ registers sh and its commands; images/ registers the image binaries.
 */
export type ProgramTable = ReadonlyMap<string, Program>;

export function programName(argv0: string): string {
  const slash = argv0.lastIndexOf('/');
  return slash < 0 ? argv0 : argv0.slice(slash + 1);
}
