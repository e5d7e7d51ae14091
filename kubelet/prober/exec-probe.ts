// pkg/probe/exec with the CRI's ExecSync: exit code 0 succeeds, any other fails; the output
// (stdout then stderr, at most 10 KiB) is the message. A command still running at timeoutSeconds
// fails with `command "…" timed out`; a runtime that cannot run it makes the probe error.
import { isRuntimeError, type RuntimeService } from '../runtime/types.js';
import type { Clock, TimerHandle } from '../../lib/util/clock.js';
import { goQuote } from './go-format.js';
import type { ProbeOutcome } from './outcome.js';

const MAX_OUTPUT_BYTES = 10 * 1024;

export type CommandRunner = Pick<RuntimeService, 'execSync'>;

export async function execProbe(runtime: CommandRunner, containerID: string, cmd: string[], timeoutSeconds: number, clock: Clock): Promise<ProbeOutcome> {
  const run = runtime.execSync(containerID, cmd, timeoutSeconds);
  let timer: TimerHandle | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    if (timeoutSeconds > 0) timer = clock.setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
  });
  try {
    const res = await Promise.race([run, timedOut]);
    if (res === 'timeout') {
      run.catch(() => {}); // settles later; nobody waits for it
      return timedOutOutcome(cmd);
    }
    const output = Buffer.from(res.stdout + res.stderr, 'utf8').subarray(0, MAX_OUTPUT_BYTES).toString('utf8');
    return { result: res.exitCode === 0 ? 'success' : 'failure', output };
  } catch (err) {
    // A runtime that enforces the timeout itself says so in its error (CRI: DeadlineExceeded).
    if (isRuntimeError(err) && /timed out|deadline exceeded/i.test(err.message)) return timedOutOutcome(cmd);
    return { result: 'unknown', output: '', error: err instanceof Error ? err.message : String(err) };
  } finally {
    if (timer) clock.clearTimeout(timer);
  }
}

function timedOutOutcome(cmd: string[]): ProbeOutcome {
  return { result: 'failure', output: `command ${goQuote(cmd.join(' '))} timed out` };
}
