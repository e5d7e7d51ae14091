// The cron schedule syntax of CronJobs: the "standard" parser of robfig/cron v3 that Kubernetes
// uses (five fields — minute hour day-of-month month day-of-week — or a @descriptor), with its
// error messages, which the apiserver returns verbatim. Returns the parsed field sets so the
// CronJob controller can compute run times from the same parse.

export interface CronFields {
  readonly minute: ReadonlySet<number>;
  readonly hour: ReadonlySet<number>;
  readonly dayOfMonth: ReadonlySet<number>;
  readonly month: ReadonlySet<number>;
  readonly dayOfWeek: ReadonlySet<number>;
  /** Whether day-of-month / day-of-week was `*` or `?` (cron ORs the two only when both are restricted). */
  readonly dayOfMonthStar: boolean;
  readonly dayOfWeekStar: boolean;
}

export type CronSchedule =
  | ({ readonly kind: 'fields'; readonly timeZone?: string } & CronFields)
  | { readonly kind: 'every'; readonly seconds: number; readonly timeZone?: string };

export class CronParseError extends Error {
  override readonly name = 'CronParseError';
}

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Parses a schedule; throws CronParseError with robfig/cron's message. */
export function parseCronSchedule(spec: string): CronSchedule {
  if (spec.length === 0) throw new CronParseError('empty spec string');
  let text = spec;
  let timeZone: string | undefined;
  if (text.startsWith('TZ=') || text.startsWith('CRON_TZ=')) {
    const space = text.indexOf(' ');
    const eq = text.indexOf('=');
    timeZone = text.slice(eq + 1, space < 0 ? undefined : space);
    if (!isKnownTimeZone(timeZone)) throw new CronParseError(`provided bad location ${timeZone}: unknown time zone ${timeZone}`);
    text = space < 0 ? '' : text.slice(space).trim();
  }
  if (text.startsWith('@')) {
    const descriptor = DESCRIPTORS[text];
    if (descriptor) return withZone(parseFields(descriptor), timeZone);
    if (text.startsWith('@every ')) {
      const seconds = parseGoDuration(text.slice('@every '.length));
      if (seconds === undefined) throw new CronParseError(`failed to parse duration ${text}: time: invalid duration "${text.slice(7)}"`);
      return timeZone === undefined ? { kind: 'every', seconds } : { kind: 'every', seconds, timeZone };
    }
    throw new CronParseError(`unrecognized descriptor: ${text}`);
  }
  return withZone(parseFields(text), timeZone);
}

function withZone(fields: CronFields, timeZone: string | undefined): CronSchedule {
  return timeZone === undefined ? { kind: 'fields', ...fields } : { kind: 'fields', ...fields, timeZone };
}

function parseFields(text: string): CronFields {
  const fields = text.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) {
    throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  }
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  return {
    minute: parseField(minute, MINUTES).values,
    hour: parseField(hour, HOURS).values,
    dayOfMonth: parseField(dom, DOM).values,
    month: parseField(month, MONTHS).values,
    dayOfWeek: parseField(dow, DOW).values,
    dayOfMonthStar: parseField(dom, DOM).star,
    dayOfWeekStar: parseField(dow, DOW).star,
  };
}

function parseField(field: string, bounds: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',')) {
    const r = parseRange(expr, bounds);
    for (let v = r.start; v <= r.end; v += r.step) values.add(v);
    star ||= r.star;
  }
  return { values, star };
}

function parseRange(expr: string, bounds: Bounds): { start: number; end: number; step: number; star: boolean } {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, bounds.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, bounds.names);
    else throw new CronParseError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    // "N/step" means "N-max/step".
    if (singleDigit) end = bounds.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronParseError(`too many slashes: ${expr}`);
  }
  if (start < bounds.min) throw new CronParseError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new CronParseError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronParseError(`step of range should be a positive number: ${expr}`);
  return { start, end, step, star };
}

function parseIntOrName(expr: string, names: Readonly<Record<string, number>> | undefined): number {
  const named = names?.[expr.toLowerCase()];
  if (named !== undefined) return named;
  return mustParseInt(expr);
}

function mustParseInt(expr: string): number {
  // strconv.Atoi: optional sign, decimal digits, nothing else.
  if (!/^[+-]?[0-9]+$/.test(expr)) {
    throw new CronParseError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  }
  const n = Number(expr);
  if (!Number.isSafeInteger(n)) {
    throw new CronParseError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`);
  }
  if (n < 0) throw new CronParseError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Go's time.ParseDuration, in seconds (rounded down to whole seconds as robfig/cron does). */
function parseGoDuration(text: string): number | undefined {
  const m = /^([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (!m && text !== '0') return undefined;
  if (text === '0') return 0;
  let total = 0;
  for (const part of text.matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * DURATION_UNITS[part[2]!]!;
  }
  return Math.floor(total);
}

/** Whether the IANA time zone is known to this runtime's ICU data. */
export function isKnownTimeZone(zone: string): boolean {
  if (zone === '' || zone.toLowerCase() === 'local') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
