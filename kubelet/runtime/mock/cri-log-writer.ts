// Writes a container's stdout/stderr to its log file in the CRI format, as containerd's
// cri/io logger does: one entry per line (F); a line longer than the buffer is cut into P entries;
// what is left without a newline when the stream ends is written as P. Writes are synchronous
// appends so lines from both streams keep their order and survive a runtime crash.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../../lib/util/clock.js';
import { formatCriLine, rfc3339Nano, type LogStream } from '../../logs/cri-format.js';

/** containerd's default max_container_log_line_size. */
export const MAX_LOG_LINE = 16 * 1024;

export class CriLogWriter {
  private fd: number | null = null;
  private readonly pending: Record<LogStream, string> = { stdout: '', stderr: '' };
  private closed = false;

  constructor(
    readonly path: string,
    private readonly clock: Clock,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    this.open();
  }

  private open(): void {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a', 0o640);
    } catch (err) {
      this.fd = null;
      this.onError(err as Error);
    }
  }

  write(stream: LogStream, chunk: string | Uint8Array): void {
    if (this.closed) return;
    let text = this.pending[stream] + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    for (;;) {
      const nl = text.indexOf('\n');
      if (nl >= 0 && nl <= MAX_LOG_LINE) {
        this.emit(stream, text.slice(0, nl).replace(/\r$/, ''), false);
        text = text.slice(nl + 1);
      } else if (text.length > MAX_LOG_LINE) {
        this.emit(stream, text.slice(0, MAX_LOG_LINE), true);
        text = text.slice(MAX_LOG_LINE);
      } else break;
    }
    this.pending[stream] = text;
  }

  private emit(stream: LogStream, content: string, partial: boolean): void {
    if (this.fd === null) return;
    try {
      writeSync(this.fd, formatCriLine({ time: rfc3339Nano(this.clock.now()), stream, partial, content }));
    } catch (err) {
      this.onError(err as Error);
    }
  }

  /** CRI ReopenContainerLog: the file was rotated away; continue in a fresh one at the same path. */
  reopen(): void {
    if (this.closed) return;
    if (this.fd !== null) closeSync(this.fd);
    this.open();
  }

  /** The streams ended: what is left unterminated becomes a partial entry. */
  close(): void {
    if (this.closed) return;
    for (const stream of ['stdout', 'stderr'] as const) if (this.pending[stream]) this.emit(stream, this.pending[stream], true);
    this.closed = true;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
