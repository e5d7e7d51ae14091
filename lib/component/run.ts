// The process harness every long-running component's main.ts is built on (kwok/k3s style):
// flags table → wiring → run(ctx). It parses flags (generating --help), builds the pino logger
// and the Prometheus registry, serves /healthz /livez /readyz /metrics, turns SIGTERM/SIGINT into
// an aborted signal and bounds the graceful shutdown that follows.
//
// Exit codes:
//   0  run() returned (after a signal, or on its own); also --help
//   1  run() threw, or a second SIGTERM/SIGINT arrived during shutdown
//   2  bad flags (the usage is printed to stderr)
//   3  the graceful shutdown took longer than --shutdown-timeout
import { setMaxListeners } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createLogger, type Logger } from '../util/logger.js';
import { BASE_FLAGS } from './common-flags.js';
import { FlagError, parseFlags, wantsHelp, type FlagSpec, type FlagValues } from './flags.js';
import { formatHelp } from './help.js';
import { HealthChecks } from './health.js';
import { mountOpsRoutes, startOpsServer, type OpsServer } from './ops-routes.js';

export const EXIT = { ok: 0, failed: 1, badFlags: 2, shutdownTimeout: 3 } as const;

export type BaseFlags = typeof BASE_FLAGS;
/** The flags a component with table T receives: its own plus the base flags. */
export type ComponentFlags<T extends readonly FlagSpec[]> = FlagValues<T> & FlagValues<BaseFlags>;

/** What the wiring receives: parsed flags and the process-wide machinery the harness built. */
export interface ComponentContext<F> {
  name: string;
  flags: F;
  logger: Logger;
  /** Aborted on SIGTERM/SIGINT: stop serving, finish in-flight work, return. */
  signal: AbortSignal;
  /** Register named checks; /readyz also has `shutdown`, which fails once the signal aborts. */
  health: HealthChecks;
  /** The registry /metrics serves (default process metrics included). */
  metrics: Registry;
  /** Mounts /healthz, /livez, /readyz, /metrics on the component's own server (ops: 'mounted'). */
  mountOps(app: FastifyInstance): void;
}

export interface ComponentDefinition<T extends readonly FlagSpec[]> extends CommandDefinition<T> {
  /** Names the logger, the help and error lines ("apiserver"); `flags` are its own plus opsFlags()/clientFlags() spread in. */
  name: string;
  /**
   * 'own': the harness serves the ops endpoints on --bind-address/--port (include opsFlags);
   * 'mounted': the component serves them on its own server through ctx.mountOps.
   */
  ops: 'own' | 'mounted';
  /** Checks flags against each other; a FlagError it throws is a bad command line (exit 2 with the usage). */
  check?(flags: ComponentFlags<T>): void;
  run(ctx: ContextOf<T>): Promise<void>;
}

/** The context run() gets for a flags table T. */
export type ContextOf<T extends readonly FlagSpec[]> = ComponentContext<ComponentFlags<T>>;

export type CommandLine<F> = { kind: 'help'; text: string } | { kind: 'badFlags'; message: string; usage: string } | { kind: 'run'; flags: F };

/** A command line's shape: what --help shows and the flags it takes (include HELP_FLAG). */
export interface CommandDefinition<T extends readonly FlagSpec[]> {
  name: string;
  description: string;
  /** After "usage: "; default `node dist/<name>/main.js [flags]`. */
  usage?: string;
  flags: T;
}

export function helpOf(cmd: CommandDefinition<readonly FlagSpec[]>): string {
  return formatHelp(cmd.flags, {
    usage: cmd.usage ?? `node dist/${cmd.name}/main.js [flags]`,
    description: cmd.description,
    ownGroup: `${cmd.name} flags`,
    groupOrder: [`${cmd.name} flags`],
  });
}

/** The pure part of startup: what to do with this argv (help, bad flags with the usage, or run). */
export function parseCommand<const T extends readonly FlagSpec[]>(cmd: CommandDefinition<T>, argv: readonly string[]): CommandLine<FlagValues<T>> {
  if (wantsHelp(argv, cmd.flags)) return { kind: 'help', text: helpOf(cmd) };
  try {
    return { kind: 'run', flags: parseFlags(cmd.flags, argv) };
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return { kind: 'badFlags', message: err.message, usage: helpOf(cmd) };
  }
}

/** A component's command line: its flags plus the base flags. */
export function parseCommandLine<T extends readonly FlagSpec[]>(def: ComponentDefinition<T>, argv: readonly string[]): CommandLine<ComponentFlags<T>> {
  const cl = parseCommand({ ...def, flags: [...def.flags, ...BASE_FLAGS] }, argv) as CommandLine<ComponentFlags<T>>;
  if (cl.kind !== 'run' || !def.check) return cl;
  try {
    def.check(cl.flags);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    return { kind: 'badFlags', message: err.message, usage: helpOf({ ...def, flags: [...def.flags, ...BASE_FLAGS] }) };
  }
  return cl;
}

/** Runs a component as this process's main: never returns normally, it exits with a code above. */
export async function runComponent<T extends readonly FlagSpec[]>(def: ComponentDefinition<T>, argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  const cl = parseCommandLine(def, argv);
  if (cl.kind === 'help') {
    process.stdout.write(`${cl.text}\n`);
    process.exit(EXIT.ok);
  }
  if (cl.kind === 'badFlags') {
    process.stderr.write(`${def.name}: ${cl.message}\n\n${cl.usage}\n`);
    process.exit(EXIT.badFlags);
  }
  const flags = cl.flags;
  const logger = createLogger(def.name, flags.logLevel !== undefined ? { level: flags.logLevel } : {});
  const exit = (code: number): never => {
    logger.flush();
    process.exit(code);
  };

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const health = new HealthChecks();
  const ac = new AbortController();
  // Every loop of a component listens on this one signal: more than Node's default of 10 is normal.
  setMaxListeners(0, ac.signal);
  health.addReadyz('shutdown', () => {
    if (ac.signal.aborted) throw new Error('process is shutting down');
  });

  const onSignal = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) {
      logger.error({ signal: sig }, 'second signal during shutdown: exiting now');
      exit(EXIT.failed);
    }
    logger.info({ signal: sig, deadline: flags.shutdownTimeout }, 'shutting down');
    ac.abort();
    setTimeout(() => {
      logger.error({ timeoutMs: flags.shutdownTimeout }, 'graceful shutdown did not finish within --shutdown-timeout: exiting');
      exit(EXIT.shutdownTimeout);
    }, flags.shutdownTimeout).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  let opsServer: OpsServer | undefined;
  try {
    if (def.ops === 'own') {
      const listen = flags as unknown as { bindAddress?: string; port?: number };
      if (listen.bindAddress === undefined || listen.port === undefined) throw new Error(`${def.name}: ops 'own' needs opsFlags() in the flags table`);
      opsServer = await startOpsServer({ health, metrics }, { host: listen.bindAddress, port: listen.port });
      logger.info({ address: opsServer.url }, 'ops endpoints serving');
    }
    await def.run({ name: def.name, flags, logger, signal: ac.signal, health, metrics, mountOps: (app) => mountOpsRoutes(app, { health, metrics }) });
    await opsServer?.close();
  } catch (err) {
    logger.fatal({ err }, `${def.name} failed`);
    process.stderr.write(`${def.name}: ${(err as Error).message}\n`);
    await opsServer?.close().catch(() => undefined);
    exit(EXIT.failed);
  }
  logger.info('stopped');
  return exit(EXIT.ok);
}

/** Resolves when the signal aborts: the tail of a run() that serves until told to stop. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
