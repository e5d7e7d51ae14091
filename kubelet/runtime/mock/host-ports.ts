// hostPort mappings: a TCP listener on the node address forwarding each connection to
// podIP:containerPort, as the CNI portmap plugin's DNAT does. A port already taken fails the
// sandbox, as a conflicting hostPort does in a real cluster.
import { createServer, connect, type Socket } from 'node:net';
import { RuntimeError, type PortMapping } from '../types.js';
import { listenOn } from './network.js';

export type CloseForwarder = () => void;

async function forward(hostIP: string, m: PortMapping, podIP: string): Promise<CloseForwarder> {
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const outbound = connect({ host: podIP, port: m.containerPort });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await listenOn(server, hostIP, m.hostPort);
  return () => {
    server.close();
    for (const s of sockets) s.destroy();
  };
}

/** Opens every TCP hostPort of the sandbox, or none: on a failure those opened are closed again. */
export async function openHostPorts(mappings: readonly PortMapping[], nodeIP: string, podIP: string): Promise<CloseForwarder[]> {
  const opened: CloseForwarder[] = [];
  for (const m of mappings) {
    if (!m.hostPort || m.protocol !== 'TCP') continue;
    // Only loopback addresses: the mock network never listens beyond 127.0.0.0/8.
    const hostIP = m.hostIp && m.hostIp.startsWith('127.') ? m.hostIp : nodeIP;
    try {
      opened.push(await forward(hostIP, m, podIP));
    } catch (err) {
      for (const close of opened) close();
      throw new RuntimeError('Internal', `failed to set up sandbox network: failed to reserve host port ${hostIP}:${m.hostPort}/${m.protocol} for container port ${m.containerPort}: ${(err as Error).message}`);
    }
  }
  return opened;
}
