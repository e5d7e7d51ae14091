// The shell's tokenizer: words (with their quoting kept as parts), operators, newlines, IO numbers
// and here-document bodies. `$(…)` and backquotes are parsed on the spot by the parser callback,
// so their end is found by grammar, not by counting parentheses.
import type { List, ParamOp, Redirect, Word, WordPart } from './ast.js';

export class ShSyntaxError extends Error {
  override readonly name = 'ShSyntaxError';
}

export type Token =
  | { type: 'word'; word: Word; /** the text when the word is one unquoted literal (reserved words, names) */ plain: string | null }
  | { type: 'op'; op: string }
  | { type: 'io'; fd: number }
  | { type: 'newline' }
  | { type: 'eof' };

/** Parses a command list starting at `pos` up to a `)`, returning it and the index after the `)`. */
export type SubParser = (source: string, pos: number) => { body: List; end: number };
/** Parses a whole script text (backquote bodies). */
export type ScriptParser = (source: string) => List;

const OPERATORS = ['&&', '||', ';;', '<<-', '<<', '>>', '>&', '<&', '>|', '<>', ';', '&', '|', '(', ')', '<', '>'];
const META = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
const PARAM_OPS: ParamOp[] = [':-', ':=', ':+', ':?', '##', '%%', '-', '=', '+', '?', '#', '%'];
const SPECIAL_PARAMS = new Set(['?', '$', '#', '@', '*', '!', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

interface PendingHeredoc {
  redirect: Redirect;
  delimiter: string;
  stripTabs: boolean;
  quoted: boolean;
}

export class Lexer {
  pos: number;
  private pending: PendingHeredoc[] = [];

  constructor(
    readonly source: string,
    start: number,
    private readonly subParser: SubParser,
    private readonly scriptParser: ScriptParser,
  ) {
    this.pos = start;
  }

  /** Registers a here-document whose body starts after the next newline. */
  addHeredoc(redirect: Redirect, delimiterWord: Word, stripTabs: boolean): void {
    const quoted = delimiterWord.parts.some((p) => p.quoted);
    const delimiter = delimiterWord.parts.map((p) => (p.kind === 'literal' ? p.text : '')).join('');
    this.pending.push({ redirect, delimiter, stripTabs, quoted });
  }

  next(): Token {
    const s = this.source;
    for (;;) {
      const c = s[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && s[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') while (this.pos < s.length && s[this.pos] !== '\n') this.pos++;
      else break;
    }
    if (this.pos >= s.length) {
      if (this.pending.length) throw new ShSyntaxError(`unexpected end of file (expecting "${this.pending[0]!.delimiter}")`);
      return { type: 'eof' };
    }
    const c = s[this.pos]!;
    if (c === '\n') {
      this.pos++;
      this.readHeredocBodies();
      return { type: 'newline' };
    }
    for (const op of OPERATORS) {
      if (s.startsWith(op, this.pos)) {
        this.pos += op.length;
        return { type: 'op', op };
      }
    }
    const start = this.pos;
    const word = this.readWord();
    if (/^\d+$/.test(s.slice(start, this.pos)) && (s[this.pos] === '<' || s[this.pos] === '>')) {
      return { type: 'io', fd: Number(s.slice(start, this.pos)) };
    }
    const only = word.parts.length === 1 ? word.parts[0]! : undefined;
    const plain = only?.kind === 'literal' && !only.quoted ? only.text : null;
    return { type: 'word', word, plain };
  }

  private readWord(): Word {
    const s = this.source;
    const parts: WordPart[] = [];
    const startPos = this.pos;
    while (this.pos < s.length && !META.has(s[this.pos]!)) {
      const c = s[this.pos]!;
      if (c === '\\') {
        const n = s[this.pos + 1];
        this.pos += 2;
        if (n === undefined) pushLiteral(parts, '\\', false);
        else if (n !== '\n') pushLiteral(parts, n, true);
      } else if (c === "'") {
        this.readSingleQuoted(parts);
      } else if (c === '"') {
        this.pos++;
        const inner = this.readDoubleQuoted('"');
        if (s[this.pos] !== '"') throw new ShSyntaxError('unterminated quoted string');
        this.pos++;
        if (inner.length === 0) pushLiteral(parts, '', true);
        for (const p of inner) pushPart(parts, p);
      } else if (c === '$') {
        pushPart(parts, this.readDollar(false));
      } else if (c === '`') {
        pushPart(parts, this.readBackquote(false));
      } else if (c === '~' && this.pos === startPos) {
        this.pos++;
        parts.push({ kind: 'tilde', quoted: false });
      } else {
        pushLiteral(parts, c, false);
        this.pos++;
      }
    }
    return { parts };
  }

  private readSingleQuoted(parts: WordPart[]): void {
    const end = this.source.indexOf("'", this.pos + 1);
    if (end < 0) throw new ShSyntaxError('unterminated quoted string');
    pushLiteral(parts, this.source.slice(this.pos + 1, end), true);
    this.pos = end + 1;
  }

  /** Double-quoted text up to `end` (or the source's end when `end` is null: here-doc bodies). */
  readDoubleQuoted(end: string | null): WordPart[] {
    const s = this.source;
    const parts: WordPart[] = [];
    while (this.pos < s.length && s[this.pos] !== end) {
      const c = s[this.pos]!;
      if (c === '\\') {
        const n = s[this.pos + 1];
        const escapable = n === '$' || n === '`' || n === '\\' || n === '\n' || (end !== null && n === end);
        if (escapable) {
          if (n !== '\n') pushLiteral(parts, n!, true);
          this.pos += 2;
        } else {
          pushLiteral(parts, '\\', true);
          this.pos++;
        }
      } else if (c === '$') {
        pushPart(parts, this.readDollar(true));
      } else if (c === '`') {
        pushPart(parts, this.readBackquote(true));
      } else {
        pushLiteral(parts, c, true);
        this.pos++;
      }
    }
    return parts;
  }

  private readDollar(quoted: boolean): WordPart {
    const s = this.source;
    const after = s[this.pos + 1];
    if (s.startsWith('$((', this.pos)) {
      const start = this.pos + 3;
      let depth = 0;
      for (let i = start; i < s.length; i++) {
        if (s[i] === '(') depth++;
        else if (s[i] === ')') {
          if (depth === 0 && s[i + 1] === ')') {
            this.pos = i + 2;
            return { kind: 'arith', source: s.slice(start, i), quoted };
          }
          depth--;
        }
      }
      throw new ShSyntaxError('unterminated $((');
    }
    if (after === '(') {
      const { body, end } = this.subParser(s, this.pos + 2);
      this.pos = end;
      return { kind: 'command', body, quoted };
    }
    if (after === '{') return this.readBraced(quoted);
    if (after !== undefined && SPECIAL_PARAMS.has(after)) {
      this.pos += 2;
      return { kind: 'param', name: after, quoted };
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(this.pos + 1, this.pos + 257));
    if (m) {
      this.pos += 1 + m[0].length;
      return { kind: 'param', name: m[0], quoted };
    }
    this.pos++;
    return { kind: 'literal', text: '$', quoted };
  }

  private readBraced(quoted: boolean): WordPart {
    const s = this.source;
    this.pos += 2;
    let length = false;
    if (s[this.pos] === '#' && s[this.pos + 1] !== '}') {
      length = true;
      this.pos++;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*|\d+|[?$#@*!-])/.exec(s.slice(this.pos, this.pos + 256));
    if (!m) throw new ShSyntaxError('bad substitution');
    const name = m[1]!;
    this.pos += name.length;
    if (length) {
      if (s[this.pos] !== '}') throw new ShSyntaxError('bad substitution');
      this.pos++;
      return { kind: 'length', name, quoted };
    }
    if (s[this.pos] === '}') {
      this.pos++;
      return { kind: 'param', name, quoted };
    }
    const op = PARAM_OPS.find((o) => s.startsWith(o, this.pos));
    if (!op) throw new ShSyntaxError('bad substitution');
    this.pos += op.length;
    const arg = this.readBraceArgument(quoted);
    return { kind: 'param', name, op, arg, quoted };
  }

  /** The word inside `${x:-…}` up to its closing brace. */
  private readBraceArgument(quoted: boolean): Word {
    const s = this.source;
    const parts: WordPart[] = [];
    while (this.pos < s.length && s[this.pos] !== '}') {
      const c = s[this.pos]!;
      if (c === '\\') {
        const n = s[this.pos + 1] ?? '';
        pushLiteral(parts, n, true);
        this.pos += 2;
      } else if (c === "'" && !quoted) {
        this.readSingleQuoted(parts);
      } else if (c === '"') {
        this.pos++;
        for (const p of this.readDoubleQuoted('"')) pushPart(parts, p);
        this.pos++;
      } else if (c === '$') pushPart(parts, this.readDollar(quoted));
      else if (c === '`') pushPart(parts, this.readBackquote(quoted));
      else {
        pushLiteral(parts, c, quoted);
        this.pos++;
      }
    }
    if (s[this.pos] !== '}') throw new ShSyntaxError('missing }');
    this.pos++;
    return { parts };
  }

  private readBackquote(quoted: boolean): WordPart {
    const s = this.source;
    let body = '';
    let i = this.pos + 1;
    for (; i < s.length && s[i] !== '`'; i++) {
      if (s[i] === '\\' && (s[i + 1] === '`' || s[i + 1] === '\\' || s[i + 1] === '$')) i++;
      body += s[i];
    }
    if (i >= s.length) throw new ShSyntaxError('unterminated `');
    this.pos = i + 1;
    return { kind: 'command', body: this.scriptParser(body), quoted };
  }

  private readHeredocBodies(): void {
    const s = this.source;
    for (const doc of this.pending.splice(0)) {
      let body = '';
      for (;;) {
        if (this.pos >= s.length) break;
        let nl = s.indexOf('\n', this.pos);
        if (nl < 0) nl = s.length;
        let line = s.slice(this.pos, nl);
        this.pos = Math.min(nl + 1, s.length);
        if (doc.stripTabs) line = line.replace(/^\t+/, '');
        if (line === doc.delimiter) break;
        body += line + '\n';
      }
      if (doc.quoted) doc.redirect.target = { parts: [{ kind: 'literal', text: body, quoted: true }] };
      else {
        const sub = new Lexer(body, 0, this.subParser, this.scriptParser);
        doc.redirect.target = { parts: sub.readDoubleQuoted(null) };
      }
    }
  }
}

function pushLiteral(parts: WordPart[], text: string, quoted: boolean): void {
  pushPart(parts, { kind: 'literal', text, quoted });
}

/** Appends a part, merging adjacent literals of the same quoting. */
function pushPart(parts: WordPart[], part: WordPart): void {
  const last = parts[parts.length - 1];
  if (part.kind === 'literal' && last?.kind === 'literal' && last.quoted === part.quoted) last.text += part.text;
  else parts.push(part);
}
