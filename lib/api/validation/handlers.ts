// Probe and lifecycle-handler validation (validateProbe, validateHandler and the actions): exactly
// one action per handler, valid ports, non-negative timings, liveness/startup success threshold 1.

import { fieldError, FieldPath, type StatusCause } from '../field-errors.js';
import { isValidPortNum } from '../names.js';
import { list, nonNegative, num, obj, objList, type Obj, portNumOrName, str } from './common.js';

export function validateProbe(probe: Obj | undefined, path: FieldPath, successMustBeOne: boolean): StatusCause[] {
  if (!probe) return [];
  const causes = validateHandler(probe, ['exec', 'httpGet', 'tcpSocket', 'grpc'], path);
  for (const key of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    causes.push(...nonNegative(num(probe, key), path.child(key)));
  }
  const grace = num(probe, 'terminationGracePeriodSeconds');
  if (grace !== undefined && grace <= 0) {
    causes.push(fieldError.invalid(path.child('terminationGracePeriodSeconds').toString(), grace, 'must be greater than 0'));
  }
  const success = num(probe, 'successThreshold');
  if (successMustBeOne && success !== undefined && success !== 1) {
    causes.push(fieldError.invalid(path.child('successThreshold').toString(), success, 'must be 1'));
  }
  return causes;
}

export function validateLifecycle(lifecycle: Obj, path: FieldPath, gracePeriod: number | undefined): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of ['postStart', 'preStop']) {
    const handler = obj(lifecycle, key);
    if (handler) causes.push(...validateHandler(handler, ['exec', 'httpGet', 'tcpSocket', 'sleep'], path.child(key), gracePeriod));
  }
  return causes;
}

/** validateHandler: exactly one action, each valid. */
function validateHandler(handler: Obj, kinds: readonly string[], path: FieldPath, gracePeriod?: number): StatusCause[] {
  const causes: StatusCause[] = [];
  let count = 0;
  for (const kind of kinds) {
    const action = obj(handler, kind);
    if (!action) continue;
    if (count > 0) {
      causes.push(fieldError.forbidden(path.child(kind).toString(), 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    const p = path.child(kind);
    switch (kind) {
      case 'exec':
        if (list(action, 'command').length === 0) causes.push(fieldError.required(p.child('command').toString()));
        break;
      case 'httpGet':
        causes.push(...validateHttpGet(action, p));
        break;
      case 'tcpSocket':
        causes.push(...portNumOrName(action['port'], p.child('port')));
        break;
      case 'grpc': {
        const port = num(action, 'port') ?? 0;
        for (const msg of isValidPortNum(port)) causes.push(fieldError.invalid(p.child('port').toString(), port, msg));
        break;
      }
      case 'sleep': {
        const seconds = num(action, 'seconds') ?? 0;
        const limit = gracePeriod ?? 30;
        if (seconds <= 0 || seconds > limit) {
          causes.push(
            fieldError.invalid(p.child('seconds').toString(), seconds, `must be greater than 0 and less than terminationGracePeriodSeconds (${limit})`),
          );
        }
        break;
      }
    }
  }
  if (count === 0) causes.push(fieldError.required(path.toString(), 'must specify a handler type'));
  return causes;
}

const HTTP_HEADER_NAME = /^[-A-Za-z0-9]+$/;

function validateHttpGet(action: Obj, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (str(action, 'path') === '') causes.push(fieldError.required(path.child('path').toString()));
  causes.push(...portNumOrName(action['port'], path.child('port')));
  const scheme = str(action, 'scheme');
  if (scheme !== 'HTTP' && scheme !== 'HTTPS') causes.push(fieldError.notSupported(path.child('scheme').toString(), scheme, ['HTTP', 'HTTPS']));
  for (const [header] of objList(action, 'httpHeaders')) {
    const name = str(header, 'name');
    if (!HTTP_HEADER_NAME.test(name)) {
      causes.push(
        fieldError.invalid(
          path.child('httpHeaders').toString(),
          name,
          "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
        ),
      );
    }
  }
  return causes;
}

