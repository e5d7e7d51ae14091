// One logger factory for every process: pino JSON lines with the component name on each line.
import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

export type { Logger };

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LoggerOptions {
  /** Level from a flag; falls back to K8TS_LOG_LEVEL, then 'info'. */
  level?: string;
  destination?: DestinationStream;
  env?: NodeJS.ProcessEnv;
}

export function parseLevel(value: string | undefined, fallback: LevelWithSilent = 'info'): LevelWithSilent {
  if (value === undefined || value === '') return fallback;
  const v = value.toLowerCase();
  if (!LEVELS.includes(v)) throw new Error(`invalid log level "${value}": want one of ${LEVELS.join(', ')}`);
  return v as LevelWithSilent;
}

export function createLogger(component: string, opts: LoggerOptions = {}): Logger {
  const env = opts.env ?? process.env;
  const level = parseLevel(opts.level ?? env.K8TS_LOG_LEVEL);
  const options = { level, base: { component }, timestamp: pino.stdTimeFunctions.isoTime };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
