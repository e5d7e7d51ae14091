// Recursive-descent parser for the sh subset (POSIX grammar, XCU 2.10): lists, and-or lists,
// pipelines, simple and compound commands, redirections, function definitions.
import type { AndOr, Assignment, Command, List, Pipeline, Redirect, Word } from './ast.js';
import { Lexer, ShSyntaxError, type Token } from './lexer.js';

const LIST_END = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
const REDIRECT_OPS = new Set(['>', '>>', '<', '>&', '<&', '>|', '<>', '<<', '<<-']);

export { ShSyntaxError };

/** Parses a whole script. Throws ShSyntaxError with busybox-like text (`unexpected "fi"`). */
export function parseScript(source: string): List {
  const p = new Parser(source, 0);
  const list = p.list();
  const t = p.peek();
  if (t.type !== 'eof') throw new ShSyntaxError(`unexpected ${describe(t)}`);
  return list;
}

function parseSubstitution(source: string, pos: number): { body: List; end: number } {
  const p = new Parser(source, pos);
  const body = p.list();
  const t = p.take();
  if (t.type !== 'op' || t.op !== ')') throw new ShSyntaxError(t.type === 'eof' ? 'unexpected end of file (expecting ")")' : `unexpected ${describe(t)}`);
  return { body, end: p.lexer.pos };
}

function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'end of file';
    case 'newline':
      return 'newline';
    case 'op':
      return `"${t.op}"`;
    case 'io':
      return `"${t.fd}"`;
    case 'word':
      return `"${t.plain ?? 'word'}"`;
  }
}

function isName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
}

class Parser {
  readonly lexer: Lexer;
  private lookahead: Token | null = null;

  constructor(source: string, start: number) {
    this.lexer = new Lexer(source, start, parseSubstitution, parseScript);
  }

  peek(): Token {
    return (this.lookahead ??= this.lexer.next());
  }

  take(): Token {
    const t = this.peek();
    this.lookahead = null;
    return t;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.op === op;
  }

  private isReserved(word: string): boolean {
    const t = this.peek();
    return t.type === 'word' && t.plain === word;
  }

  private skipNewlines(): void {
    while (this.peek().type === 'newline') this.take();
  }

  private expectReserved(word: string): void {
    if (!this.isReserved(word)) this.unexpected(word);
    this.take();
  }

  private unexpected(expecting?: string): never {
    const t = this.peek();
    if (t.type === 'eof') throw new ShSyntaxError(`unexpected end of file${expecting ? ` (expecting "${expecting}")` : ''}`);
    throw new ShSyntaxError(`unexpected ${describe(t)}${expecting ? ` (expecting "${expecting}")` : ''}`);
  }

  /** A list up to a closing token (`)`, `;;`, a reserved word that ends lists, or EOF). */
  list(): List {
    const items: List['items'] = [];
    this.skipNewlines();
    for (;;) {
      const t = this.peek();
      if (t.type === 'eof' || (t.type === 'op' && (t.op === ')' || t.op === ';;')) || (t.type === 'word' && t.plain !== null && LIST_END.has(t.plain))) break;
      const andOr = this.andOr();
      let background = false;
      if (this.isOp(';') || this.isOp('&')) {
        background = (this.take() as { op: string }).op === '&';
        this.skipNewlines();
        items.push({ andOr, background });
      } else if (this.peek().type === 'newline') {
        this.skipNewlines();
        items.push({ andOr, background });
      } else {
        items.push({ andOr, background });
        break;
      }
    }
    return { items };
  }

  private andOr(): AndOr {
    const first = this.pipeline();
    const rest: AndOr['rest'] = [];
    while (this.isOp('&&') || this.isOp('||')) {
      const op = (this.take() as { op: '&&' | '||' }).op;
      this.skipNewlines();
      rest.push({ op, pipeline: this.pipeline() });
    }
    return { first, rest };
  }

  private pipeline(): Pipeline {
    let negated = false;
    if (this.isReserved('!')) {
      this.take();
      negated = true;
    }
    const commands = [this.command()];
    while (this.isOp('|')) {
      this.take();
      this.skipNewlines();
      commands.push(this.command());
    }
    return { negated, commands };
  }

  private command(): Command {
    const t = this.peek();
    if (t.type === 'op' && t.op === '(') {
      this.take();
      const body = this.list();
      if (!this.isOp(')')) this.unexpected(')');
      this.take();
      return { kind: 'subshell', body, redirects: this.redirects() };
    }
    if (t.type === 'word' && t.plain !== null) {
      switch (t.plain) {
        case '{': {
          this.take();
          const body = this.list();
          this.expectReserved('}');
          return { kind: 'group', body, redirects: this.redirects() };
        }
        case 'if':
          return this.ifCommand();
        case 'while':
        case 'until': {
          this.take();
          const cond = this.list();
          this.expectReserved('do');
          const body = this.list();
          this.expectReserved('done');
          return { kind: 'loop', until: t.plain === 'until', cond, body, redirects: this.redirects() };
        }
        case 'for':
          return this.forCommand();
        case 'case':
          return this.caseCommand();
      }
    }
    return this.simple();
  }

  private ifCommand(): Command {
    this.take();
    const clauses: Array<{ cond: List; body: List }> = [];
    let otherwise: List | undefined;
    for (;;) {
      const cond = this.list();
      this.expectReserved('then');
      clauses.push({ cond, body: this.list() });
      if (this.isReserved('elif')) {
        this.take();
        continue;
      }
      if (this.isReserved('else')) {
        this.take();
        otherwise = this.list();
      }
      this.expectReserved('fi');
      break;
    }
    return { kind: 'if', clauses, otherwise, redirects: this.redirects() };
  }

  private forCommand(): Command {
    this.take();
    const t = this.take();
    if (t.type !== 'word' || t.plain === null || !isName(t.plain)) throw new ShSyntaxError(`bad for loop variable`);
    const name = t.plain;
    let items: Word[] | undefined;
    this.skipNewlines();
    if (this.isReserved('in')) {
      this.take();
      items = [];
      for (let w = this.peek(); w.type === 'word'; w = this.peek()) items.push((this.take() as { word: Word }).word);
      if (this.isOp(';')) this.take();
      else if (this.peek().type !== 'newline') this.unexpected('do');
    } else if (this.isOp(';')) this.take();
    this.skipNewlines();
    this.expectReserved('do');
    const body = this.list();
    this.expectReserved('done');
    return { kind: 'for', name, items, body, redirects: this.redirects() };
  }

  private caseCommand(): Command {
    this.take();
    const s = this.take();
    if (s.type !== 'word') throw new ShSyntaxError(`unexpected ${describe(s)}`);
    this.skipNewlines();
    this.expectReserved('in');
    this.skipNewlines();
    const arms: Array<{ patterns: Word[]; body: List }> = [];
    while (!this.isReserved('esac')) {
      if (this.isOp('(')) this.take();
      const patterns: Word[] = [];
      for (;;) {
        const p = this.take();
        if (p.type !== 'word') throw new ShSyntaxError(`unexpected ${describe(p)}`);
        patterns.push(p.word);
        if (this.isOp('|')) this.take();
        else break;
      }
      if (!this.isOp(')')) this.unexpected(')');
      this.take();
      const body = this.list();
      arms.push({ patterns, body });
      if (this.isOp(';;')) {
        this.take();
        this.skipNewlines();
      } else if (!this.isReserved('esac')) this.unexpected('esac');
    }
    this.take();
    return { kind: 'case', subject: s.word, arms, redirects: this.redirects() };
  }

  private redirects(): Redirect[] {
    const out: Redirect[] = [];
    for (let r = this.redirect(); r; r = this.redirect()) out.push(r);
    return out;
  }

  /** A redirection at the current token, or null. */
  private redirect(): Redirect | null {
    let t = this.peek();
    let fd: number | undefined;
    if (t.type === 'io') {
      this.take();
      fd = t.fd;
      t = this.peek();
      if (t.type !== 'op' || !REDIRECT_OPS.has(t.op)) this.unexpected();
    }
    if (t.type !== 'op' || !REDIRECT_OPS.has(t.op)) return null;
    this.take();
    const target = this.take();
    if (target.type !== 'word') throw new ShSyntaxError(`unexpected ${describe(target)}`);
    const op = t.op === '<<-' ? '<<' : (t.op as Redirect['op']);
    const redirect: Redirect = { fd: fd ?? (op.startsWith('<') ? 0 : 1), op, target: target.word };
    if (op === '<<') this.lexer.addHeredoc(redirect, target.word, t.op === '<<-');
    return redirect;
  }

  private simple(): Command {
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const r = this.redirect();
      if (r) {
        redirects.push(r);
        continue;
      }
      const t = this.peek();
      if (t.type !== 'word') break;
      this.take();
      const first = t.word.parts[0];
      const eq = first?.kind === 'literal' && !first.quoted ? first.text.indexOf('=') : -1;
      if (words.length === 0 && eq > 0 && isName((first as { text: string }).text.slice(0, eq))) {
        const text = (first as { text: string }).text;
        const rest = text.slice(eq + 1);
        const parts = rest ? [{ ...first!, text: rest } as Word['parts'][number], ...t.word.parts.slice(1)] : t.word.parts.slice(1);
        assigns.push({ name: text.slice(0, eq), value: { parts } });
        continue;
      }
      if (words.length === 0 && assigns.length === 0 && t.plain !== null && isName(t.plain) && this.isOp('(')) {
        this.take();
        if (!this.isOp(')')) this.unexpected(')');
        this.take();
        this.skipNewlines();
        return { kind: 'function', name: t.plain, body: this.command() };
      }
      words.push(t.word);
    }
    if (assigns.length === 0 && words.length === 0 && redirects.length === 0) this.unexpected();
    return { kind: 'simple', assigns, words, redirects };
  }
}

/** The expansions in text that behaves as if double-quoted (the inside of `$((…))`). */
export function parseQuotedText(source: string): Word {
  return { parts: new Lexer(source, 0, parseSubstitution, parseScript).readDoubleQuoted(null) };
}
