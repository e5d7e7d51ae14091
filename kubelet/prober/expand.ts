// kubecontainer.ExpandContainerCommandOnlyStatic: exec probe commands see only the container's
// literal env values (no valueFrom, no downward API); `$(VAR)` is replaced when VAR is defined,
// `$$` is a literal `$`, anything else stays as written (third_party/forked/golang/expansion).
import type { Container } from '../../lib/api/types.js';

export function expandCommandOnlyStatic(command: readonly string[], env: Container['env']): string[] {
  const vars = new Map<string, string>();
  for (const e of env ?? []) vars.set(e.name, e.value ?? '');
  return command.map((arg) => expand(arg, vars));
}

function expand(input: string, vars: ReadonlyMap<string, string>): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) {
      out += input[i];
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += input.slice(i); // unterminated: kept as written
        break;
      }
      const name = input.slice(i + 2, close);
      out += vars.has(name) ? vars.get(name) : `$(${name})`;
      i = close;
    } else {
      out += '$' + next;
      i++;
    }
  }
  return out;
}
