// A component's flags, declared once as data: the parser, the typed values and the --help text
// all come from the same table. Syntax as kube components (pflag): `--name value`, `--name=value`,
// booleans as `--name` / `--name=false`, lists comma-separated or repeated.
import { parseDuration } from './duration.js';

export type FlagType = 'string' | 'int' | 'float' | 'bool' | 'duration' | 'list' | 'url' | 'enum';

/** What each type parses to (durations in milliseconds). */
interface ValueOfType {
  string: string;
  int: number;
  float: number;
  bool: boolean;
  duration: number;
  list: string[];
  url: URL;
  enum: string;
}

interface FlagBase<T extends FlagType> {
  /** Without dashes, kebab-case; the value is found under its camelCase form. */
  name: string;
  type: T;
  help: string;
  /** --help section; the component's own when absent. */
  group?: string;
  /** One-letter alias (`-h`). */
  short?: string;
  /** Returns what is wrong with a parsed value, or undefined when it is fine. */
  validate?: (value: ValueOfType[T]) => string | undefined;
}

export type FlagSpec =
  | (FlagBase<'string'> & { default?: string })
  | (FlagBase<'int'> & { default?: number; min?: number; max?: number })
  | (FlagBase<'float'> & { default?: number; min?: number; max?: number })
  | (FlagBase<'bool'> & { default?: boolean })
  /** Default as a Go duration ("10s"). */
  | (FlagBase<'duration'> & { default?: string })
  | (FlagBase<'list'> & { default?: readonly string[] })
  | (FlagBase<'url'> & { default?: string })
  | (FlagBase<'enum'> & { values: readonly string[]; default?: string });

type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
type ValueOf<F> = F extends { type: 'enum'; values: readonly (infer V)[] } ? V : F extends { type: infer T extends FlagType } ? ValueOfType[T] : never;
/** Booleans default to false and lists to []; others without a default may be undefined. */
type Always<F> = F extends { default: unknown } ? true : F extends { type: 'bool' | 'list' } ? true : false;

/** The parsed values of a flags table, keyed by camelCase name. */
export type FlagValues<T extends readonly FlagSpec[]> = {
  [F in T[number] as Camel<F['name']>]: Always<F> extends true ? ValueOf<F> : ValueOf<F> | undefined;
};

/** Declares a table; keeps the literal names and types so FlagValues can be derived from it. */
export function defineFlags<const T extends readonly FlagSpec[]>(...flags: T): T {
  return flags;
}

export class FlagError extends Error {}

export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function convert(spec: FlagSpec, raw: string): unknown {
  const bad = (want: string) => new FlagError(`invalid value ${JSON.stringify(raw)} for --${spec.name}: ${want}`);
  switch (spec.type) {
    case 'string':
      return raw;
    case 'int':
    case 'float': {
      const n = spec.type === 'int' ? (/^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN) : raw.trim() === '' ? NaN : Number(raw);
      const what = spec.type === 'int' ? 'an integer' : 'a number';
      const range = spec.min !== undefined && spec.max !== undefined ? ` in ${spec.min}..${spec.max}` : spec.min !== undefined ? ` >= ${spec.min}` : spec.max !== undefined ? ` <= ${spec.max}` : '';
      if (!Number.isFinite(n) || (spec.type === 'int' && !Number.isSafeInteger(n))) throw bad(`want ${what}${range}`);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) throw bad(`want ${what}${range}`);
      return n;
    }
    case 'bool':
      if (['true', '1', 't', 'TRUE', 'True'].includes(raw)) return true;
      if (['false', '0', 'f', 'FALSE', 'False'].includes(raw)) return false;
      throw bad('want true or false');
    case 'duration':
      try {
        const ms = parseDuration(raw);
        if (ms < 0) throw new Error('negative');
        return ms;
      } catch {
        throw bad('want a duration such as 500ms, 10s, 1m30s');
      }
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    case 'url':
      try {
        return new URL(raw);
      } catch {
        throw bad('want a URL such as http://127.0.0.1:6443');
      }
    case 'enum':
      if (!spec.values.includes(raw)) throw bad(`want one of ${spec.values.join(', ')}`);
      return raw;
  }
}

/** The value a flag has when not given. */
export function defaultOf(spec: FlagSpec): unknown {
  if (spec.type === 'bool') return spec.default ?? false;
  if (spec.type === 'list') return [...(spec.default ?? [])];
  if (spec.default === undefined) return undefined;
  if (spec.type === 'duration' || spec.type === 'url') return convert(spec, spec.default);
  return spec.default;
}

/** True when argv asks for help (checked before parsing, so `--help` works next to bad flags). */
export function wantsHelp(argv: readonly string[], table: readonly FlagSpec[]): boolean {
  const help = table.find((f) => f.name === 'help');
  if (!help) return false;
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '--help=true' || (help.short && a === `-${help.short}`)) return true;
  }
  return false;
}

/** Parses argv against the table; throws FlagError naming the flag on anything wrong. */
export function parseFlags<const T extends readonly FlagSpec[]>(table: T, argv: readonly string[]): FlagValues<T> {
  const byName = new Map<string, FlagSpec>();
  for (const f of table) {
    if (byName.has(f.name)) throw new Error(`flag --${f.name} is declared twice`);
    byName.set(f.name, f);
    if (f.short) byName.set(`-${f.short}`, f);
  }
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      if (i + 1 < argv.length) throw new FlagError(`unexpected argument ${JSON.stringify(argv[i + 1])}: this command takes flags only`);
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) inline = arg.slice(eq + 1);
      spec = byName.get(name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
    } else if (/^-[A-Za-z]$/.test(arg)) {
      spec = byName.get(arg);
      if (!spec) throw new FlagError(`unknown shorthand flag: ${arg}`);
    } else {
      throw new FlagError(`unexpected argument ${JSON.stringify(arg)}: this command takes flags only`);
    }
    let raw: string;
    if (inline !== undefined) raw = inline;
    else if (spec.type === 'bool') raw = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new FlagError(`flag needs an argument: --${spec.name}`);
      raw = next;
      i++;
    }
    const key = camelCase(spec.name);
    const value = convert(spec, raw);
    // A repeated list flag appends; any other repeated flag: the last one wins.
    values[key] = spec.type === 'list' && given.has(key) ? [...(values[key] as string[]), ...(value as string[])] : value;
    given.add(key);
  }
  for (const spec of table) {
    const key = camelCase(spec.name);
    if (!given.has(key)) {
      values[key] = defaultOf(spec);
      continue;
    }
    const problem = (spec.validate as ((v: unknown) => string | undefined) | undefined)?.(values[key]);
    if (problem) throw new FlagError(`invalid value for --${spec.name}: ${problem}`);
  }
  return values as FlagValues<T>;
}
