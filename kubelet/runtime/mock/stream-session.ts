// The stdio of an exec or attach session as the StreamSession of types.ts: PassThrough streams the
// caller reads and writes, sinks the process writes into. With a tty, stderr goes to stdout and
// newlines become CRLF, as a terminal's line discipline would make them.
import { PassThrough } from 'node:stream';
import type { ExecOptions } from '../types.js';
import type { OutputSink } from './process.js';

export interface SessionStdio {
  stdin: PassThrough | null;
  stdout: PassThrough | null;
  stderr: PassThrough | null;
  outSink: OutputSink;
  errSink: OutputSink;
  /** Ends the output streams (the process is gone). */
  end(): void;
}

const discard: OutputSink = { write: () => undefined };

export function sessionStdio(opts: Omit<ExecOptions, 'cmd'>): SessionStdio {
  const stdin = opts.stdin ? new PassThrough() : null;
  const stdout = opts.stdout ? new PassThrough() : null;
  const stderr = opts.stderr && !opts.tty ? new PassThrough() : null;
  const sinkFor = (stream: PassThrough | null): OutputSink => {
    if (!stream) return discard;
    return {
      write: (chunk) => {
        if (stream.writableEnded) return;
        if (opts.tty) stream.write((typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()).replace(/\r?\n/g, '\r\n'));
        else stream.write(chunk);
      },
    };
  };
  const outSink = sinkFor(stdout);
  return {
    stdin,
    stdout,
    stderr,
    outSink,
    errSink: opts.tty ? outSink : sinkFor(stderr),
    end: () => {
      stdout?.end();
      stderr?.end();
    },
  };
}
