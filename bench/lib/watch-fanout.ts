// Many concurrent streaming watches (`?watch=true`, chunked newline-delimited events) from one
// process: each on its own socket through a dedicated http.Agent sized for all of them, each line
// handed on with the time its chunk arrived.
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { LineSplitter } from './ndjson-lines.js';
import { parseProbeLine, type ProbeLine } from './watch-delivery.js';

export interface WatchFanoutOptions {
  /** e.g. http://127.0.0.1:6443 */
  baseUrl: string;
  /** Path and query of the watch, e.g. /api/v1/namespaces/x/configmaps?watch=true&resourceVersion=5 */
  path: string;
  watchers: number;
  /** Watches being opened at once: the server's accept backlog is finite. */
  openParallel?: number;
  openTimeoutMs?: number;
  /** Called for every event line; `receivedAt` is performance.now() when its chunk arrived. */
  onEvent: (watcher: number, event: ProbeLine, receivedAt: number) => void;
}

interface Stream {
  req: ClientRequest;
  res?: IncomingMessage;
}

export class WatchFanout {
  /** Streams that ended or failed before close(), with why. */
  readonly endedEarly: string[] = [];
  /** Lines that were not watch events. */
  badLines = 0;
  private closing = false;

  private constructor(
    private readonly agent: Agent,
    private readonly streams: Stream[],
  ) {}

  /** Opens every watch; resolves once each has answered 200 (its events may then flow). */
  static async open(opts: WatchFanoutOptions): Promise<WatchFanout> {
    const { watchers } = opts;
    if (!(Number.isInteger(watchers) && watchers >= 1)) throw new RangeError(`watchers must be an integer >= 1, got ${watchers}`);
    const parallel = opts.openParallel ?? 100;
    const timeoutMs = opts.openTimeoutMs ?? 30_000;
    const agent = new Agent({ keepAlive: false, maxSockets: watchers + 16, maxTotalSockets: watchers + 16 });
    const streams: Stream[] = [];
    const fanout = new WatchFanout(agent, streams);
    const url = new URL(opts.path, opts.baseUrl);

    const openOne = (w: number) =>
      new Promise<void>((resolve, reject) => {
        const req = request(url, { agent, headers: { accept: 'application/json' } });
        const stream: Stream = { req };
        streams[w] = stream;
        const timer = setTimeout(() => req.destroy(new Error(`watch ${w} did not answer within ${timeoutMs} ms`)), timeoutMs);
        req.once('error', (err) => {
          clearTimeout(timer);
          if (!stream.res) reject(err);
          else fanout.early(w, `socket error: ${err.message}`);
        });
        req.once('response', (res) => {
          clearTimeout(timer);
          stream.res = res;
          if (res.statusCode !== 200) {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c.length + body.length < 2000 ? c : ''));
            res.on('end', () => reject(new Error(`watch ${w}: HTTP ${res.statusCode}: ${body.slice(0, 300)}`)));
            return;
          }
          const lines = new LineSplitter();
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const receivedAt = performance.now();
            for (const line of lines.push(chunk)) {
              const ev = parseProbeLine(line);
              if (ev) opts.onEvent(w, ev, receivedAt);
              else fanout.badLines++;
            }
          });
          res.on('end', () => fanout.early(w, 'stream ended'));
          res.on('aborted', () => fanout.early(w, 'stream aborted'));
          resolve();
        });
        req.end();
      });

    try {
      for (let first = 0; first < watchers; first += parallel) {
        const batch: Promise<void>[] = [];
        for (let w = first; w < Math.min(watchers, first + parallel); w++) batch.push(openOne(w));
        await Promise.all(batch);
      }
    } catch (err) {
      fanout.close();
      throw err;
    }
    return fanout;
  }

  private early(w: number, why: string): void {
    if (!this.closing) this.endedEarly.push(`watch ${w}: ${why}`);
  }

  get size(): number {
    return this.streams.length;
  }

  /** Closes every stream (the server sees each client go away) and the agent's sockets. */
  close(): void {
    this.closing = true;
    for (const s of this.streams) s?.req.destroy();
    this.agent.destroy();
  }
}
