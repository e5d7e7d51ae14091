// Word expansion (XCU 2.6): tilde, parameters (with the ${x:-…} family and ${#x}), command
// substitution, arithmetic, then field splitting on IFS for unquoted results and pathname
// expansion for unquoted wildcards. The shell state it reads comes through ExpansionHost.
import type { List, ParamOp, Word, WordPart } from './ast.js';
import { ArithError, evaluateArithmetic } from './arith.js';
import { parseQuotedText } from './parser.js';
import { hasWildcard, quotePattern, removeAffix } from './pattern.js';

export interface ExpansionHost {
  /** A variable or special parameter (`?`, `$`, `#`, `!`, `-`, `0`, `1`…), undefined when unset. */
  param(name: string): string | undefined;
  setVar(name: string, value: string): void;
  positional(): readonly string[];
  /** Runs `$(…)` and returns its output (trailing newlines are stripped here). */
  commandSubstitution(body: List): Promise<string>;
  /** Container paths matching a pattern, sorted; empty when none. */
  glob(pattern: string): Promise<string[]>;
  noglob(): boolean;
}

/** `${x?msg}` on an unset x, a bad arithmetic expression: the shell prints it and the command fails. */
export class ExpansionError extends Error {
  override readonly name = 'ExpansionError';
}

interface Field {
  text: string;
  /** The field as a pattern: quoted characters escaped. */
  pattern: string;
  wild: boolean;
  /** Had a quoted part, so it survives even when empty (`""`). */
  keep: boolean;
}

class FieldBuilder {
  readonly fields: Field[] = [];
  private current: Field | null = null;

  constructor(private readonly ifs: string) {}

  private field(): Field {
    return (this.current ??= { text: '', pattern: '', wild: false, keep: false });
  }

  add(text: string, quoted: boolean): void {
    const f = this.field();
    f.text += text;
    f.pattern += quoted ? quotePattern(text) : text;
    if (quoted) f.keep = true;
    else if (hasWildcard(text)) f.wild = true;
  }

  /** An unquoted expansion result: IFS characters end fields. */
  addSplit(text: string): void {
    for (const c of text) {
      if (!this.ifs.includes(c)) this.add(c, false);
      else if (c === ' ' || c === '\t' || c === '\n') {
        if (this.current && (this.current.text !== '' || this.current.keep)) this.end();
      } else {
        // A non-blank IFS character delimits even an empty field (`a::b` is three fields).
        this.field().keep = true;
        this.end();
      }
    }
  }

  end(): void {
    if (this.current) this.fields.push(this.current);
    this.current = null;
  }
}

export class Expander {
  constructor(private readonly host: ExpansionHost) {}

  private ifs(): string {
    return this.host.param('IFS') ?? ' \t\n';
  }

  /** Words → argv: every expansion, field splitting and globbing. */
  async words(words: readonly Word[]): Promise<string[]> {
    const out: string[] = [];
    for (const w of words) out.push(...(await this.fields(w)));
    return out;
  }

  async fields(word: Word): Promise<string[]> {
    const b = new FieldBuilder(this.ifs());
    for (const part of word.parts) await this.addPart(b, part);
    b.end();
    const out: string[] = [];
    for (const f of b.fields) {
      if (!f.keep && f.text === '') continue;
      if (f.wild && !this.host.noglob()) {
        const matches = await this.host.glob(f.pattern);
        if (matches.length > 0) {
          out.push(...matches);
          continue;
        }
      }
      out.push(f.text);
    }
    return out;
  }

  private async addPart(b: FieldBuilder, part: WordPart): Promise<void> {
    if (part.kind === 'param' && (part.name === '@' || part.name === '*') && !part.op) {
      const values = this.host.positional();
      if (part.quoted && part.name === '@') {
        values.forEach((v, i) => {
          if (i > 0) b.end();
          b.add(v, true);
        });
      } else if (part.quoted) b.add(values.join(this.ifs().slice(0, 1)), true);
      else
        values.forEach((v, i) => {
          if (i > 0) b.end();
          b.addSplit(v);
        });
      return;
    }
    const value = await this.partValue(part);
    if (part.kind === 'literal' || part.quoted) b.add(value, part.quoted);
    else b.addSplit(value);
  }

  /** A word as one string: no splitting, no globbing (assignments, redirection targets, case subjects). */
  async string(word: Word): Promise<string> {
    let out = '';
    for (const part of word.parts) out += await this.partValue(part);
    return out;
  }

  /** A word as a pattern: what was quoted matches literally (case arms, ${x#pattern}). */
  async pattern(word: Word): Promise<string> {
    let out = '';
    for (const part of word.parts) {
      const v = await this.partValue(part);
      out += part.quoted ? quotePattern(v) : v;
    }
    return out;
  }

  private async partValue(part: WordPart): Promise<string> {
    switch (part.kind) {
      case 'literal':
        return part.text;
      case 'tilde':
        return this.host.param('HOME') ?? '/';
      case 'length':
        if (part.name === '@' || part.name === '*' || part.name === '#') return String(part.name === '#' ? (this.host.param('#') ?? '').length : this.host.positional().length);
        return String([...(this.host.param(part.name) ?? '')].length);
      case 'command':
        return (await this.host.commandSubstitution(part.body)).replace(/\n+$/, '');
      case 'arith':
        return this.arithmetic(part.source);
      case 'param':
        return this.param(part.name, part.op, part.arg);
    }
  }

  async arithmetic(source: string): Promise<string> {
    const expression = await this.string(parseQuotedText(source));
    try {
      return evaluateArithmetic(expression, { get: (n) => this.host.param(n), set: (n, v) => this.host.setVar(n, v) }).toString();
    } catch (err) {
      if (err instanceof ArithError) throw new ExpansionError(err.message);
      throw err;
    }
  }

  private async param(name: string, op: ParamOp | undefined, arg: Word | undefined): Promise<string> {
    const raw = name === '@' || name === '*' ? this.host.positional().join(' ') : this.host.param(name);
    const value = raw ?? '';
    if (!op || !arg) return value;
    const colon = op.startsWith(':');
    const missing = raw === undefined || (colon && value === '');
    switch (op) {
      case ':-':
      case '-':
        return missing ? this.string(arg) : value;
      case ':=':
      case '=': {
        if (!missing) return value;
        if (!/^[A-Za-z_]/.test(name)) throw new ExpansionError(`${name}: bad variable name`);
        const v = await this.string(arg);
        this.host.setVar(name, v);
        return v;
      }
      case ':+':
      case '+':
        return missing ? '' : this.string(arg);
      case ':?':
      case '?': {
        if (!missing) return value;
        const msg = await this.string(arg);
        throw new ExpansionError(`${name}: ${msg || (colon ? 'parameter null or not set' : 'parameter not set')}`);
      }
      default:
        return removeAffix(value, await this.pattern(arg), op);
    }
  }
}
