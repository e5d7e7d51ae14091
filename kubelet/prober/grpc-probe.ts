// pkg/probe/grpc: one unary grpc.health.v1.Health/Check call over plaintext HTTP/2 (node:http2),
// framed by hand — a 5-byte gRPC message prefix around a one-field protobuf. SERVING succeeds;
// other statuses, Unimplemented, other RPC errors and timeouts fail with upstream's texts. Like
// grpc-go's blocking dial, an address that refuses connections is retried until the timeout.
import http2 from 'node:http2';
import type { Clock } from '../../lib/util/clock.js';
import { KUBE_VERSION } from './http-get.js';
import { goSeconds, type ProbeOutcome } from './outcome.js';
import { goQuote, joinHostPort } from './go-format.js';

const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
const CODE_NAMES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];
const UNIMPLEMENTED = 12;
const REDIAL_MS = 200;

export function grpcProbe(host: string, port: number, service: string, timeoutSeconds: number, clock: Clock): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const timeout = goSeconds(timeoutSeconds);
  return new Promise((resolve) => {
    let session: http2.ClientHttp2Session | undefined;
    let connected = false;
    let done = false;
    let redial: ReturnType<Clock['setTimeout']> | undefined;
    const finish = (outcome: ProbeOutcome) => {
      if (done) return;
      done = true;
      clock.clearTimeout(deadline);
      if (redial) clock.clearTimeout(redial);
      session?.destroy();
      resolve(outcome);
    };
    const deadline = clock.setTimeout(
      () =>
        finish({
          result: 'failure',
          output: connected ? `timeout: health rpc did not complete within ${timeout}` : `timeout: failed to connect service ${goQuote(addr)} within ${timeout}: context deadline exceeded`,
        }),
      timeoutSeconds * 1000,
    );

    const dial = () => {
      redial = undefined;
      if (done) return;
      const s = http2.connect(`http://${addr}`);
      session = s;
      s.on('error', () => {
        s.destroy();
        if (!connected && !done) redial = clock.setTimeout(dial, REDIAL_MS);
      });
      s.once('connect', () => {
        connected = true;
        call(s);
      });
    };

    const call = (s: http2.ClientHttp2Session) => {
      const stream = s.request({
        ':method': 'POST',
        ':path': '/grpc.health.v1.Health/Check',
        'content-type': 'application/grpc',
        te: 'trailers',
        'user-agent': `kube-probe/${KUBE_VERSION}`,
      });
      const chunks: Buffer[] = [];
      let status: string | undefined;
      let message = '';
      const takeStatus = (headers: http2.IncomingHttpHeaders) => {
        if (headers['grpc-status'] !== undefined) {
          status = String(headers['grpc-status']);
          message = decodeGrpcMessage(String(headers['grpc-message'] ?? ''));
        }
      };
      stream.on('response', takeStatus);
      stream.on('trailers', takeStatus);
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => finish({ result: 'failure', output: `error: health rpc probe failed: ${err.message}` }));
      stream.on('close', () => {
        const code = Number(status ?? 2);
        if (status === undefined) return finish({ result: 'failure', output: 'error: health rpc probe failed: rpc error: code = Internal desc = server closed the stream without sending trailers' });
        if (code === UNIMPLEMENTED) return finish({ result: 'failure', output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${message}` });
        if (code !== 0) return finish({ result: 'failure', output: `error: health rpc probe failed: rpc error: code = ${CODE_NAMES[code] ?? `Code(${code})`} desc = ${message}` });
        const servingStatus = decodeHealthResponse(Buffer.concat(chunks));
        if (servingStatus !== 1) return finish({ result: 'failure', output: `service unhealthy (responded with ${goQuote(SERVING_STATUS[servingStatus] ?? String(servingStatus))})` });
        finish({ result: 'success', output: 'service healthy' });
      });
      stream.end(frame(encodeHealthRequest(service)));
    };
    dial();
  });
}

/** HealthCheckRequest{service = 1 (string)}. */
export function encodeHealthRequest(service: string): Buffer {
  if (service === '') return Buffer.alloc(0);
  const bytes = Buffer.from(service, 'utf8');
  return Buffer.concat([Buffer.from([0x0a]), varint(bytes.length), bytes]);
}

/** The `status` (field 1, enum) of a framed HealthCheckResponse; 0 (UNKNOWN) when absent. */
export function decodeHealthResponse(framed: Buffer): number {
  if (framed.length < 5) return 0;
  const msg = framed.subarray(5, 5 + framed.readUInt32BE(1));
  let i = 0;
  let status = 0;
  while (i < msg.length) {
    const [key, afterKey] = readVarint(msg, i);
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) {
      const [value, next] = readVarint(msg, afterKey);
      if (field === 1) status = value;
      i = next;
    } else if (wire === 2) {
      const [len, next] = readVarint(msg, afterKey);
      i = next + len;
    } else if (wire === 5) i = afterKey + 4;
    else if (wire === 1) i = afterKey + 8;
    else break; // groups or garbage: stop with what we have
  }
  return status;
}

/** The gRPC length-prefixed message: compressed flag 0, 4-byte big-endian length, bytes. */
export function frame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

function readVarint(buf: Buffer, start: number): [number, number] {
  let value = 0;
  let shift = 0;
  let i = start;
  while (i < buf.length && shift < 35) {
    const b = buf[i++]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  return [value, i];
}

function decodeGrpcMessage(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
