// A small, strict command-line flag parser for benchmarks: `--name value`, `--name=value` and
// boolean `--name`; unknown flags and malformed values are errors that name the flag.

export type FlagKind = 'boolean' | 'string' | 'number';
export interface FlagSpec {
  kind: FlagKind;
  help: string;
  /** For strings: the allowed values. */
  choices?: readonly string[];
  /** For numbers: inclusive bounds. */
  min?: number;
  max?: number;
}
export type FlagValues = Record<string, boolean | string | number | undefined>;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseFlags(args: readonly string[], spec: Readonly<Record<string, FlagSpec>>): FlagValues {
  const out: FlagValues = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown flag --${name} (known: ${Object.keys(spec).map((k) => `--${k}`).join(', ')})`);
    if (s.kind === 'boolean') {
      if (eq >= 0) {
        const v = arg.slice(eq + 1);
        if (v !== 'true' && v !== 'false') throw new UsageError(`--${name} takes true or false, got ${JSON.stringify(v)}`);
        out[name] = v === 'true';
      } else out[name] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      if (i + 1 >= args.length) throw new UsageError(`--${name} needs a value`);
      raw = args[++i]!;
    }
    if (s.kind === 'string') {
      if (s.choices && !s.choices.includes(raw)) throw new UsageError(`--${name} must be one of ${s.choices.join(', ')}, got ${JSON.stringify(raw)}`);
      out[name] = raw;
    } else {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(raw)}`);
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) {
        throw new UsageError(`--${name} must be within [${s.min ?? '-∞'}, ${s.max ?? '∞'}], got ${n}`);
      }
      out[name] = n;
    }
  }
  return out;
}

export function flagsHelp(spec: Readonly<Record<string, FlagSpec>>): string {
  const entries = Object.entries(spec).map(([name, s]) => [`--${name}${s.kind === 'boolean' ? '' : ` <${s.choices ? s.choices.join('|') : s.kind}>`}`, s.help] as const);
  const width = Math.max(...entries.map(([f]) => f.length));
  return entries.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`).join('\n');
}
