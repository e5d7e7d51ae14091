// Reads one container's CRI log file as `kubectl logs` shows it (the kubelet's
// kuberuntime/logs ReadLogs): strips the `<time> <stream> <F|P> ` prefix, joins partial entries
// into their line, honours tailLines / since / timestamps / limitBytes, skips torn or foreign
// lines, and with follow keeps reading the growing file — reopening it when it is rotated — until
// the container stops running and its last bytes are out.
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Clock } from '../../lib/util/clock.js';
import { parseCriLine } from './cri-format.js';
import type { ContainerLogOptions } from './log-options.js';
import { tailStartOffset } from './tail.js';

export interface LogReaderDeps {
  clock: Clock;
  /** Whether the container still writes this file; a follow ends once it does not. */
  isRunning(): Promise<boolean>;
  /** How often a follow looks for new bytes. */
  pollMs?: number;
  /** Aborted when the reader of the logs went away. */
  signal?: AbortSignal;
}

/** Receives output; a returned promise is awaited (backpressure). */
export type LogSink = (chunk: Buffer) => void | Promise<void>;

const BLOCK = 64 * 1024;
const NEWLINE = 0x0a;

/** RFC3339Nano as Go prints it: trailing zeros of the fraction dropped (`.123000000Z` → `.123Z`). */
export function trimTimestamp(time: string): string {
  return time.replace(/\.(\d*?)0+(?=Z|[+-]\d\d:\d\d$)/, (_m, digits: string) => (digits ? `.${digits}` : ''));
}

class LogWriter {
  private remaining: number;
  /** False while the last entry written was partial: its continuation gets no timestamp. */
  private atLineStart = true;
  constructor(
    private readonly opts: ContainerLogOptions,
    private readonly sink: LogSink,
  ) {
    this.remaining = opts.limitBytes ?? Infinity;
  }

  /** Writes one raw file line; returns false once limitBytes is used up (stop reading). */
  async line(raw: Buffer, endsWithNewline: boolean): Promise<boolean> {
    const entry = parseCriLine(raw.toString('utf8'));
    if (!entry) return true; // torn or foreign: skipped, as the kubelet does
    const startsLine = this.atLineStart;
    this.atLineStart = !entry.partial;
    if (this.opts.sinceMs !== undefined && Date.parse(entry.time) < this.opts.sinceMs) return true;
    let text = entry.content + (!entry.partial && endsWithNewline ? '\n' : '');
    if (this.opts.timestamps && startsLine) text = `${trimTimestamp(entry.time)} ${text}`;
    let bytes = Buffer.from(text, 'utf8');
    if (bytes.length === 0) return true;
    if (bytes.length >= this.remaining) {
      bytes = bytes.subarray(0, this.remaining);
      this.remaining = 0;
      await this.sink(bytes);
      return false;
    }
    this.remaining -= bytes.length;
    await this.sink(bytes);
    return true;
  }
}

/** Throws (ENOENT …) when the file cannot be opened; otherwise resolves when the output is complete. */
export async function readContainerLog(path: string, opts: ContainerLogOptions, deps: LogReaderDeps, sink: LogSink): Promise<void> {
  const writer = new LogWriter(opts, sink);
  let file: FileHandle = await open(path, 'r');
  try {
    let ino = (await file.stat()).ino;
    let pos = opts.tailLines !== undefined ? await tailStartOffset(file, (await file.stat()).size, opts.tailLines) : 0;
    let pending = Buffer.alloc(0);
    let draining = false;
    const buf = Buffer.allocUnsafe(BLOCK);
    for (;;) {
      if (deps.signal?.aborted) return;
      const { bytesRead } = await file.read(buf, 0, BLOCK, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        let data = pending.length > 0 ? Buffer.concat([pending, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
        let nl: number;
        while ((nl = data.indexOf(NEWLINE)) >= 0) {
          if (!(await writer.line(data.subarray(0, nl), true))) return;
          data = data.subarray(nl + 1);
        }
        // Copy: `buf` is reused by the next read.
        pending = Buffer.from(data);
        continue;
      }
      // End of what is written so far.
      if (opts.follow && !draining) {
        const now = await stat(path).catch(() => undefined);
        if (now && (now.ino !== ino || now.size < pos)) {
          // Rotated (a new file at the path, or truncated): the rest is in the new one.
          await file.close();
          file = await open(path, 'r');
          ino = (await file.stat()).ino;
          pos = 0;
          pending = Buffer.alloc(0);
          continue;
        }
        if (await deps.isRunning()) {
          try {
            await deps.clock.sleep(deps.pollMs ?? 200, deps.signal);
          } catch {
            return; // aborted
          }
          continue;
        }
        // Stopped: one more pass picks up whatever it wrote before exiting.
        draining = true;
        continue;
      }
      // A last line without its newline (the writer died mid-line) is still shown.
      if (pending.length > 0) await writer.line(pending, false);
      return;
    }
  } finally {
    await file.close().catch(() => undefined);
  }
}
