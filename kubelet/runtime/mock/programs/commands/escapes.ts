// Backslash escapes of echo -e and printf: \a \b \c \e \f \n \r \t \v \\ and octal (\0NNN for
// echo, \NNN for printf) and \xHH. `\c` stops all output.

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

export function interpretEscapes(text: string, style: 'echo' | 'printf'): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const n = text[++i]!;
    if (n === 'c') return { text: out, stop: true };
    if (SIMPLE[n] !== undefined) out += SIMPLE[n];
    else if (n === 'x' && /[0-9a-fA-F]/.test(text[i + 1] ?? '')) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m, 16));
      i += m.length;
    } else if (/[0-7]/.test(n) && (style === 'printf' || n === '0')) {
      const digits = /^[0-7]{0,3}/.exec(text.slice(style === 'echo' ? i + 1 : i))![0];
      out += String.fromCharCode(parseInt(digits || '0', 8) & 255);
      i += style === 'echo' ? digits.length : digits.length - 1;
    } else out += `\\${n}`;
  }
  return { text: out, stop: false };
}
