// --help text generated from a flags table: flags grouped by section, each with its type and
// default, wrapped to the terminal width kube components use (~100 columns).
import { formatDuration, parseDuration } from './duration.js';
import type { FlagSpec } from './flags.js';

const WIDTH = 100;
const TYPE_WORD: Record<FlagSpec['type'], string> = { string: 'string', int: 'int', float: 'float', bool: '', duration: 'duration', list: 'strings', url: 'url', enum: 'string' };

export interface HelpOptions {
  /** `usage: <usage>` on the first line, e.g. "node dist/apiserver/main.js [flags]". */
  usage: string;
  description: string;
  /** Section of flags without a group. */
  ownGroup: string;
  /** Section order; unnamed ones follow in table order. */
  groupOrder?: readonly string[];
}

function defaultText(spec: FlagSpec): string | undefined {
  switch (spec.type) {
    case 'bool':
      return spec.default ? 'true' : undefined;
    case 'list':
      return spec.default && spec.default.length > 0 ? spec.default.join(',') : undefined;
    case 'duration':
      return spec.default === undefined ? undefined : formatDuration(parseDuration(spec.default));
    default:
      return spec.default === undefined || spec.default === '' ? undefined : String(spec.default);
  }
}

function describe(spec: FlagSpec): string {
  let text = spec.help;
  if (spec.type === 'enum') text += ` (one of ${spec.values.join('|')})`;
  const def = defaultText(spec);
  if (def !== undefined) text += ` (default ${def})`;
  return text;
}

function wrap(text: string, indent: number): string[] {
  const room = Math.max(30, WIDTH - indent);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function formatHelp(table: readonly FlagSpec[], opts: HelpOptions): string {
  const groups = new Map<string, FlagSpec[]>();
  for (const g of opts.groupOrder ?? []) groups.set(g, []);
  for (const spec of table) {
    const g = spec.group ?? opts.ownGroup;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(spec);
  }
  const left = (s: FlagSpec) => `${s.short ? `-${s.short}, ` : '    '}--${s.name}${TYPE_WORD[s.type] ? ` ${TYPE_WORD[s.type]}` : ''}`;
  const col = Math.min(40, Math.max(...table.map((s) => left(s).length))) + 4;
  const out = [`usage: ${opts.usage}`, '', ...wrap(opts.description, 0)];
  for (const [group, specs] of groups) {
    if (specs.length === 0) continue;
    out.push('', `${group}:`);
    for (const s of specs) {
      const head = `  ${left(s)}`;
      const body = wrap(describe(s), col);
      if (head.length + 2 > col) out.push(head, ...body.map((l) => ' '.repeat(col) + l));
      else out.push(head.padEnd(col) + body[0], ...body.slice(1).map((l) => ' '.repeat(col) + l));
    }
  }
  return out.join('\n');
}
