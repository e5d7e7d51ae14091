// `$((…))`: shell arithmetic on 64-bit signed integers, C precedence, as busybox ash's math.c:
// + - * / % ** << >> & | ^ ~ ! comparisons && || ?: , assignments (= += -= …) and ++/--.
// Variables are read and written through the callbacks (an unset or empty variable is 0).

export class ArithError extends Error {
  override readonly name = 'ArithError';
}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Tok = { t: 'num'; v: bigint } | { t: 'name'; v: string } | { t: 'op'; v: string };

const OPS = ['<<=', '>>=', '**', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '+', '-', '*', '/', '%', '<', '>', '=', '&', '|', '^', '~', '!', '?', ':', '(', ')', ','];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|\d+)/.exec(src.slice(i));
    if (num) {
      const text = num[1]!;
      out.push({ t: 'num', v: parseInteger(text) });
      i += text.length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ArithError('arithmetic syntax error');
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

function parseInteger(text: string): bigint {
  if (/^0[xX]/.test(text)) return BigInt(text);
  if (/^0[0-7]+$/.test(text)) return BigInt('0o' + text.slice(1));
  if (/^\d+$/.test(text)) return BigInt(text);
  throw new ArithError('arithmetic syntax error');
}

const wrap = (v: bigint) => BigInt.asIntN(64, v);
const bool = (b: boolean) => (b ? 1n : 0n);

const BINARY: Array<{ ops: string[]; apply: (a: bigint, b: bigint, op: string) => bigint }> = [
  { ops: ['|'], apply: (a, b) => a | b },
  { ops: ['^'], apply: (a, b) => a ^ b },
  { ops: ['&'], apply: (a, b) => a & b },
  { ops: ['==', '!='], apply: (a, b, op) => bool(op === '==' ? a === b : a !== b) },
  { ops: ['<', '<=', '>', '>='], apply: (a, b, op) => bool(op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b) },
  { ops: ['<<', '>>'], apply: (a, b, op) => (op === '<<' ? a << b : a >> b) },
  { ops: ['+', '-'], apply: (a, b, op) => (op === '+' ? a + b : a - b) },
  { ops: ['*', '/', '%'], apply: (a, b, op) => (op === '*' ? a * b : divide(a, b, op)) },
];

function divide(a: bigint, b: bigint, op: string): bigint {
  if (b === 0n) throw new ArithError('divide by zero');
  return op === '/' ? a / b : a % b;
}

class Evaluator {
  private i = 0;
  /** When > 0 we are in a branch not taken (&&, ||, ?:): parse without side effects or errors. */
  private skip = 0;

  constructor(
    private readonly toks: Tok[],
    private readonly vars: ArithVars,
    private readonly depth: number,
  ) {}

  run(): bigint {
    if (this.toks.length === 0) return 0n;
    const v = this.comma();
    if (this.i < this.toks.length) throw new ArithError('arithmetic syntax error');
    return v;
  }

  private peekOp(): string | undefined {
    const t = this.toks[this.i];
    return t?.t === 'op' ? t.v : undefined;
  }

  private eat(op: string): void {
    if (this.peekOp() !== op) throw new ArithError('arithmetic syntax error');
    this.i++;
  }

  private comma(): bigint {
    let v = this.assignment();
    while (this.peekOp() === ',') {
      this.i++;
      v = this.assignment();
    }
    return v;
  }

  private assignment(): bigint {
    const t = this.toks[this.i];
    const op = this.toks[this.i + 1];
    if (t?.t === 'name' && op?.t === 'op' && /^([-+*/%&|^]|<<|>>)?=$/.test(op.v)) {
      this.i += 2;
      const rhs = this.assignment();
      const value = op.v === '=' ? rhs : this.applyCompound(op.v.slice(0, -1), this.variable(t.v), rhs);
      return this.store(t.v, value);
    }
    return this.conditional();
  }

  private applyCompound(op: string, a: bigint, b: bigint): bigint {
    const level = BINARY.find((l) => l.ops.includes(op))!;
    return wrap(level.apply(a, b, op));
  }

  private conditional(): bigint {
    const cond = this.logicalOr();
    if (this.peekOp() !== '?') return cond;
    this.i++;
    if (cond === 0n) this.skip++;
    const a = this.comma();
    if (cond === 0n) this.skip--;
    this.eat(':');
    if (cond !== 0n) this.skip++;
    const b = this.conditional();
    if (cond !== 0n) this.skip--;
    return cond !== 0n ? a : b;
  }

  private logicalOr(): bigint {
    let v = this.logicalAnd();
    while (this.peekOp() === '||') {
      this.i++;
      if (v !== 0n) this.skip++;
      const r = this.logicalAnd();
      if (v !== 0n) this.skip--;
      v = bool(v !== 0n || r !== 0n);
    }
    return v;
  }

  private logicalAnd(): bigint {
    let v = this.binary(0);
    while (this.peekOp() === '&&') {
      this.i++;
      if (v === 0n) this.skip++;
      const r = this.binary(0);
      if (v === 0n) this.skip--;
      v = bool(v !== 0n && r !== 0n);
    }
    return v;
  }

  private binary(level: number): bigint {
    if (level >= BINARY.length) return this.power();
    const { ops, apply } = BINARY[level]!;
    let v = this.binary(level + 1);
    for (let op = this.peekOp(); op !== undefined && ops.includes(op); op = this.peekOp()) {
      this.i++;
      const r = this.binary(level + 1);
      v = this.skip > 0 ? 0n : wrap(apply(v, r, op));
    }
    return v;
  }

  private power(): bigint {
    const base = this.unary();
    if (this.peekOp() !== '**') return base;
    this.i++;
    const exp = this.power();
    if (exp < 0n) {
      if (this.skip > 0) return 0n;
      throw new ArithError('exponent less than 0');
    }
    return wrap(base ** exp);
  }

  private unary(): bigint {
    const op = this.peekOp();
    if (op === '-' || op === '+' || op === '!' || op === '~') {
      this.i++;
      const v = this.unary();
      return op === '-' ? wrap(-v) : op === '+' ? v : op === '!' ? bool(v === 0n) : ~v;
    }
    if (op === '++' || op === '--') {
      this.i++;
      const t = this.toks[this.i++];
      if (t?.t !== 'name') throw new ArithError('arithmetic syntax error');
      return this.store(t.v, wrap(this.variable(t.v) + (op === '++' ? 1n : -1n)));
    }
    return this.postfix();
  }

  private postfix(): bigint {
    const t = this.toks[this.i++];
    if (!t) throw new ArithError('arithmetic syntax error');
    if (t.t === 'num') return t.v;
    if (t.t === 'name') {
      const v = this.variable(t.v);
      const op = this.peekOp();
      if (op === '++' || op === '--') {
        this.i++;
        this.store(t.v, wrap(v + (op === '++' ? 1n : -1n)));
      }
      return v;
    }
    if (t.v === '(') {
      const v = this.comma();
      this.eat(')');
      return v;
    }
    throw new ArithError('arithmetic syntax error');
  }

  private variable(name: string): bigint {
    const raw = (this.vars.get(name) ?? '').trim();
    if (raw === '') return 0n;
    if (/^-?(0[xX][0-9a-fA-F]+|\d+)$/.test(raw)) return raw.startsWith('-') ? -parseInteger(raw.slice(1)) : parseInteger(raw);
    // A variable holding an expression is evaluated, as ash does (bounded against self-reference).
    if (this.depth > 16) throw new ArithError('expression recursion loop detected');
    return new Evaluator(tokenize(raw), this.vars, this.depth + 1).run();
  }

  private store(name: string, value: bigint): bigint {
    if (this.skip === 0) this.vars.set(name, value.toString());
    return value;
  }
}

/** Evaluates an (already parameter-expanded) arithmetic expression. */
export function evaluateArithmetic(expression: string, vars: ArithVars): bigint {
  return new Evaluator(tokenize(expression), vars, 0).run();
}
