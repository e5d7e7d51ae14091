// The syntax tree of a shell script, as the parser builds it and the interpreter walks it.

/** A piece of a word; `quoted` parts are neither split into fields nor globbed. */
export type WordPart =
  | { kind: 'literal'; text: string; quoted: boolean }
  | { kind: 'param'; name: string; op?: ParamOp; arg?: Word; quoted: boolean }
  | { kind: 'length'; name: string; quoted: boolean }
  | { kind: 'command'; body: List; quoted: boolean }
  | { kind: 'arith'; source: string; quoted: boolean }
  | { kind: 'tilde'; quoted: false };

/** `${x:-w}` and friends; `#`/`%` remove a prefix/suffix pattern (doubled: the longest). */
export type ParamOp = ':-' | '-' | ':=' | '=' | ':+' | '+' | ':?' | '?' | '#' | '##' | '%' | '%%';

export interface Word {
  parts: WordPart[];
}

export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '>&' | '<&' | '>|' | '<>' | '<<';
  /** The file, fd number or `-`; for here-documents the body. */
  target: Word;
}

export interface Assignment {
  name: string;
  value: Word;
}

export type Command =
  | { kind: 'simple'; assigns: Assignment[]; words: Word[]; redirects: Redirect[] }
  | { kind: 'group'; body: List; redirects: Redirect[] }
  | { kind: 'subshell'; body: List; redirects: Redirect[] }
  | { kind: 'if'; clauses: Array<{ cond: List; body: List }>; otherwise?: List; redirects: Redirect[] }
  | { kind: 'loop'; until: boolean; cond: List; body: List; redirects: Redirect[] }
  | { kind: 'for'; name: string; items?: Word[]; body: List; redirects: Redirect[] }
  | { kind: 'case'; subject: Word; arms: Array<{ patterns: Word[]; body: List }>; redirects: Redirect[] }
  | { kind: 'function'; name: string; body: Command };

export interface Pipeline {
  negated: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }>;
}

export interface List {
  items: Array<{ andOr: AndOr; background: boolean }>;
}
