// Free loopback ports for child processes: bind port 0, read the port, release it.
import { createServer } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function freePorts(n: number, host = '127.0.0.1'): Promise<number[]> {
  const out = new Set<number>();
  for (let attempts = 0; out.size < n && attempts < n * 20; attempts++) out.add(await freePort(host));
  if (out.size < n) throw new Error(`could not find ${n} free ports`);
  return [...out];
}
