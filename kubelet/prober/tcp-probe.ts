// pkg/probe/tcp DoTCPProbe: success when a TCP connection opens within the timeout, else failure
// with Go's dial error text.
import net from 'node:net';
import type { Clock } from '../../lib/util/clock.js';
import { goDialError, joinHostPort } from './go-format.js';
import type { ProbeOutcome } from './outcome.js';

export function tcpProbe(host: string, port: number, timeoutMs: number, clock: Clock): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (outcome: ProbeOutcome) => {
      clock.clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = clock.setTimeout(() => finish({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` }), timeoutMs);
    socket.once('connect', () => finish({ result: 'success', output: '' }));
    socket.once('error', (err) => finish({ result: 'failure', output: goDialError(addr, err) }));
  });
}
