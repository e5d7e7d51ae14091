// A ProcessContext for tests of mock-container programs: a temp dir as the container's file tree
// (with read-only paths), a FakeClock or the real clock, captured stdout/stderr, spawn through
// commandTable(), signals with PID-1 semantics, and a kill switch. cleanup() removes everything.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { commandTable } from '../../kubelet/runtime/mock/programs/index.js';
import { childContext } from '../../kubelet/runtime/mock/programs/sh/child.js';
import { signalStatus } from '../../kubelet/runtime/mock/programs/sh/control.js';
import { LinkedAbort, StringSink } from '../../kubelet/runtime/mock/programs/io.js';
import { CommandNotFoundError, programName, type HttpHandler, type ProcessContext, type Program, type Signal } from '../../kubelet/runtime/mock/process.js';
import { realClock, type Clock } from '../../lib/util/clock.js';

export interface TestProcessOptions {
  argv: string[];
  env?: Record<string, string>;
  /** Files to create first: container path → contents. */
  files?: Record<string, string>;
  /** Container paths (and everything under them) where writes fail with EROFS. */
  readOnly?: string[];
  clock?: Clock;
  pid1?: boolean;
  resolveHost?: (name: string) => Promise<string[]>;
  stdin?: string | Readable;
  hostname?: string;
  cwd?: string;
  podIP?: string;
  /** Share another process's container tree (an exec into the same container); not removed by cleanup. */
  root?: string;
}

export interface TestProcess {
  ctx: ProcessContext;
  /** Host directory backing the container's `/`. */
  root: string;
  hostPath(containerPath: string): string;
  stdout(): string;
  stderr(): string;
  /** Runs `program` (default: the table's program for argv[0]); resolves to its exit status. */
  run(program?: Program): Promise<number>;
  /** Delivers a catchable signal as the runtime would (handler, else ignored by PID 1, else 128+n). */
  signal(signal: Exclude<Signal, 'KILL'>): void;
  /** KILL: ctx.killed aborts. */
  kill(): void;
  /** Bytes the program holds through ctx.usage.allocate. */
  allocated(): number;
  cleanup(): void;
}

export function testProcess(opts: TestProcessOptions): TestProcess {
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'k8ts-mockproc-'));
  const resolve = (p: string) => join(root, posix.normalize(`/${p}`));
  for (const [path, content] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    writeFileSync(resolve(path), content);
  }
  // What a busybox image's root has that scripts rely on.
  for (const dir of ['/tmp', '/root', '/etc', opts.cwd ?? '/']) mkdirSync(resolve(dir), { recursive: true });
  const out = new StringSink();
  const err = new StringSink();
  const killer = new AbortController();
  const handlers = new Map<string, () => void>();
  const servers: Array<HttpServer | TcpServer> = [];
  const table = commandTable();
  const podIP = opts.podIP ?? '127.0.0.1';
  let allocated = 0;

  const listen = (server: HttpServer | TcpServer, port: number) =>
    new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, podIP, () => ok());
      servers.push(server);
    });

  const ctx: ProcessContext = {
    argv: opts.argv,
    env: opts.env ?? { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' },
    cwd: opts.cwd ?? '/',
    hostname: opts.hostname ?? 'test-pod',
    pid1: opts.pid1 ?? false,
    stdin: typeof opts.stdin === 'string' ? Readable.from([Buffer.from(opts.stdin)]) : (opts.stdin ?? null),
    stdout: out,
    stderr: err,
    fs: {
      resolve,
      readOnly: (p) => (opts.readOnly ?? []).some((ro) => p === ro || p.startsWith(`${ro.replace(/\/$/, '')}/`)),
    },
    net: {
      podIP,
      listenHttp: (port, handler: HttpHandler) =>
        listen(
          createHttpServer((req, res) => {
            const body: Buffer[] = [];
            req.on('data', (c: Buffer) => body.push(c));
            req.on('end', async () => {
              const r = await handler({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, remoteAddress: req.socket.remoteAddress ?? '', body: Buffer.concat(body) });
              res.writeHead(r.status, r.headers).end(r.body);
            });
          }),
          port,
        ),
      listenTcp: (port) => listen(createTcpServer((s) => s.resume()), port),
      resolveHost: opts.resolveHost ?? (async (name) => Promise.reject(Object.assign(new Error(`queryA ENOTFOUND ${name}`), { code: 'ENOTFOUND' }))),
    },
    usage: {
      consumeCpu: (_m, durationMs, signal) => (opts.clock ?? realClock).sleep(durationMs, signal),
      allocate: (bytes) => void (allocated += bytes),
    },
    clock: opts.clock ?? realClock,
    killed: killer.signal,
    onSignal: (signal, handler) => void handlers.set(signal, handler),
    spawn: async (argv, io) => {
      const program = table.get(programName(argv[0] ?? ''));
      if (!program) throw new CommandNotFoundError(argv[0] ?? '');
      const link = new LinkedAbort([killer.signal]);
      try {
        return await program(childContext(ctx, { argv: [...argv], env: io.env ?? { ...ctx.env }, cwd: io.cwd ?? ctx.cwd, io: { stdin: io.stdin ?? null, stdout: io.stdout, stderr: io.stderr }, killed: link.signal }));
      } finally {
        link.dispose();
      }
    },
  };

  return {
    ctx,
    root,
    hostPath: resolve,
    stdout: () => out.text(),
    stderr: () => err.text(),
    run: async (program) => {
      const p = program ?? table.get(programName(opts.argv[0] ?? ''));
      if (!p) throw new CommandNotFoundError(opts.argv[0] ?? '');
      const status = await p(ctx);
      return killer.signal.aborted ? signalStatus(killer.signal.reason) : status;
    },
    signal: (signal) => {
      const handler = handlers.get(signal);
      if (handler) handler();
      else if (!ctx.pid1) killer.abort(signal);
    },
    kill: () => killer.abort('KILL'),
    allocated: () => allocated,
    cleanup: () => {
      if (!killer.signal.aborted) killer.abort('KILL');
      for (const s of servers) s.close();
      if (!opts.root) rmSync(root, { recursive: true, force: true });
    },
  };
}
