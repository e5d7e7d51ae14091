// pkg/probe/util.go ResolveContainerPort: a probe's port is a number, the name of one of the
// container's ports, or (last resort) a number written as a string.
import type { Container } from '../../lib/api/types.js';
import { GoError } from './go-format.js';

export function resolveContainerPort(param: number | string | undefined, container: Container): number {
  let port: number;
  if (typeof param === 'number') {
    port = param;
  } else if (typeof param === 'string') {
    const named = (container.ports ?? []).find((p) => p.name === param);
    if (named) port = named.containerPort;
    else if (/^[+-]?\d+$/.test(param)) port = Number(param);
    else throw new GoError(`strconv.Atoi: parsing ${JSON.stringify(param)}: invalid syntax`);
  } else {
    throw new GoError(`intOrString had no kind: ${String(param)}`);
  }
  if (Number.isInteger(port) && port > 0 && port < 65536) return port;
  throw new GoError(`invalid port number: ${port}`);
}
