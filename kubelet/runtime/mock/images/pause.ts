// The pause image (registry.k8s.io/pause): sleeps until TERM or INT, then prints what it got on
// stderr and exits 0, as pause.c does.
import type { Program } from '../process.js';
import { lifetime } from './lifetime.js';
import { image, type ImageDefinition } from './types.js';

export const pause: Program = async (ctx) => {
  const life = lifetime(ctx);
  ctx.onSignal('TERM', () => {
    ctx.stderr.write('Shutting down, got signal: Terminated\n');
    life.exit(0);
  });
  ctx.onSignal('INT', () => {
    ctx.stderr.write('Shutting down, got signal: Interrupt\n');
    life.exit(0);
  });
  return life.done;
};

export function pauseImage(): ImageDefinition {
  return image({ entrypoint: ['/pause'], env: {}, programs: new Map([['pause', pause]]), sizeBytes: 320 * 1024 });
}
