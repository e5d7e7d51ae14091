// Any image the mock does not know: run forever and serve HTTP on the container's declared TCP
// ports (the kubelet passes them in the `k8ts.io/container-ports` annotation), answering every
// request with the pod's hostname — enough for Services, probes and curl to see a live backend.
// TERM ends it with 0, as a well-behaved server does.
import type { Program } from '../process.js';
import { goLogTime, lifetime } from './lifetime.js';
import { image, type ImageDefinition } from './types.js';

/** The hidden binary such an image runs as its cmd. */
export const PORT_SERVER = 'k8ts-serve';

export function portServer(ports: readonly number[]): Program {
  return async (ctx) => {
    const life = lifetime(ctx);
    for (const port of ports) {
      try {
        await ctx.net.listenHttp(port, (req) => {
          ctx.stdout.write(`${goLogTime(ctx.clock.now())} ${req.remoteAddress} "${req.method} ${req.url}"\n`);
          return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${ctx.hostname}\n` };
        });
        ctx.stdout.write(`${goLogTime(ctx.clock.now())} serving HTTP on ${ctx.net.podIP}:${port}\n`);
      } catch (err) {
        ctx.stderr.write(`${goLogTime(ctx.clock.now())} listen tcp ${ctx.net.podIP}:${port}: ${(err as Error).message}\n`);
        return 1;
      }
    }
    ctx.onSignal('TERM', () => life.exit(0));
    ctx.onSignal('INT', () => life.exit(0));
    return life.done;
  };
}

export function unknownImage(ports: readonly number[]): ImageDefinition {
  return image({ cmd: [`/${PORT_SERVER}`], programs: new Map([[PORT_SERVER, portServer(ports)]]) });
}
