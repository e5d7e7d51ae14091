// Stream plumbing shared by sh and the commands: reading a container's stdin (a Readable that
// several readers take lines from in turn), writing to an OutputSink, pipes between programs with
// flow control and SIGPIPE, and AbortControllers linked to parent signals with explicit cleanup.
import { PassThrough, type Readable } from 'node:stream';
import type { OutputSink } from '../process.js';

/** An OutputSink that can also tell a fast writer to wait (our pipes do; other sinks need not). */
export interface FlowSink extends OutputSink {
  waitWritable?(): Promise<void>;
}

/** Waits until `sink` can take more, so a producer such as `yes` never buffers without bound. */
export async function writable(sink: OutputSink): Promise<void> {
  const flow = (sink as FlowSink).waitWritable;
  if (flow) await flow.call(sink);
  // Always give the event loop a turn: a fast reader never makes us wait for 'drain', and a
  // producer looping on microtasks alone would starve timers, signals and kills.
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Thrown by reads when the reader's process is killed; sh and the runner turn it into 128+n. */
export class AbortedError extends Error {
  override readonly name = 'AbortedError';
  constructor(readonly reason: unknown) {
    super('aborted');
  }
}

function toBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
}

/** The next chunk of `stream`, or null at its end; rejects with AbortedError when `signal` fires. */
export function readChunk(stream: Readable, signal: AbortSignal): Promise<Buffer | null> {
  if (signal.aborted) return Promise.reject(new AbortedError(signal.reason));
  const first = stream.read() as unknown;
  if (first !== null) return Promise.resolve(toBuffer(first));
  if (stream.readableEnded || stream.destroyed) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onEnd);
      signal.removeEventListener('abort', onAbort);
    };
    const onReadable = () => {
      const chunk = stream.read() as unknown;
      if (chunk !== null) {
        cleanup();
        resolve(toBuffer(chunk));
      } else if (stream.readableEnded) onEnd();
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onAbort = () => {
      cleanup();
      reject(new AbortedError(signal.reason));
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onEnd);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Line reading over a stream, with the bytes read past a line kept for the next reader of the same
 * stream (`read a; read b` and `while read l` each take exactly one line, as on a real fd).
 */
class LineReader {
  private buffered = Buffer.alloc(0);
  private ended = false;
  constructor(private readonly stream: Readable) {}

  async line(signal: AbortSignal): Promise<string | null> {
    for (;;) {
      const nl = this.buffered.indexOf(10);
      if (nl >= 0) {
        const line = this.buffered.subarray(0, nl).toString();
        this.buffered = this.buffered.subarray(nl + 1);
        return line;
      }
      if (this.ended) {
        if (this.buffered.length === 0) return null;
        const rest = this.buffered.toString();
        this.buffered = Buffer.alloc(0);
        return rest;
      }
      const chunk = await readChunk(this.stream, signal);
      if (chunk === null) this.ended = true;
      else this.buffered = Buffer.concat([this.buffered, chunk]);
    }
  }

  /** Everything left: what was buffered, then the rest of the stream. */
  async chunk(signal: AbortSignal): Promise<Buffer | null> {
    if (this.buffered.length > 0) {
      const b = this.buffered;
      this.buffered = Buffer.alloc(0);
      return b;
    }
    if (this.ended) return null;
    const c = await readChunk(this.stream, signal);
    if (c === null) this.ended = true;
    return c;
  }
}

const readers = new WeakMap<Readable, LineReader>();

function readerOf(stream: Readable): LineReader {
  let r = readers.get(stream);
  if (!r) readers.set(stream, (r = new LineReader(stream)));
  return r;
}

/** One line of `stream` without its newline (the last line may lack one), or null at the end. */
export function readLine(stream: Readable | null, signal: AbortSignal): Promise<string | null> {
  return stream ? readerOf(stream).line(signal) : Promise.resolve(null);
}

/** The chunks of `stream` until its end. */
export async function* chunks(stream: Readable | null, signal: AbortSignal): AsyncGenerator<Buffer> {
  if (!stream) return;
  const r = readerOf(stream);
  for (;;) {
    const c = await r.chunk(signal);
    if (c === null) return;
    yield c;
  }
}

/** Every line of `stream`. */
export async function* lines(stream: Readable | null, signal: AbortSignal): AsyncGenerator<string> {
  for (;;) {
    const l = await readLine(stream, signal);
    if (l === null) return;
    yield l;
  }
}

/** All of `stream` as one Buffer. */
export async function readAll(stream: Readable | null, signal: AbortSignal): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks(stream, signal)) parts.push(c);
  return Buffer.concat(parts);
}

/** A sink that keeps what is written, for `$(…)` and tests. */
export class StringSink implements OutputSink {
  private parts: Buffer[] = [];
  write(chunk: string | Uint8Array): void {
    this.parts.push(toBuffer(chunk));
  }
  text(): string {
    return Buffer.concat(this.parts).toString();
  }
}

/** A sink that drops everything (`>/dev/null`). */
export const nullSink: OutputSink = { write: () => undefined };

/**
 * A pipe from one program's stdout to the next one's stdin. When the reader is gone, the writer's
 * next write calls onBroken (sh aborts the writer: SIGPIPE) and the data is dropped.
 */
export class Pipe {
  readonly readable = new PassThrough();
  private readerGone = false;
  onBroken: () => void = () => undefined;

  readonly sink: FlowSink = {
    write: (chunk) => {
      if (this.readerGone || this.readable.writableEnded) {
        this.onBroken();
        return;
      }
      this.readable.write(chunk);
    },
    waitWritable: () => {
      if (this.readerGone || !this.readable.writableNeedDrain) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          this.readable.off('drain', done);
          this.readable.off('close', done);
          resolve();
        };
        this.readable.on('drain', done);
        this.readable.on('close', done);
      });
    },
  };

  /** The writer is done: the reader sees end of file. */
  endWriter(): void {
    if (!this.readable.writableEnded) this.readable.end();
  }

  /** The reader is done: drop what is buffered, break the writer's next write. */
  closeReader(): void {
    this.readerGone = true;
    this.readable.destroy();
  }
}

/**
 * An AbortController that aborts when any parent signal does (with its reason). dispose() removes
 * the listeners, so short-lived children in a long loop leave nothing behind on the parents.
 */
export class LinkedAbort {
  readonly controller = new AbortController();
  private readonly unlinks: Array<() => void> = [];

  constructor(parents: readonly AbortSignal[]) {
    for (const parent of parents) {
      if (parent.aborted) {
        this.controller.abort(parent.reason);
        break;
      }
      const onAbort = () => this.controller.abort(parent.reason);
      parent.addEventListener('abort', onAbort, { once: true });
      this.unlinks.push(() => parent.removeEventListener('abort', onAbort));
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    this.controller.abort(reason);
  }

  dispose(): void {
    for (const unlink of this.unlinks.splice(0)) unlink();
  }
}
