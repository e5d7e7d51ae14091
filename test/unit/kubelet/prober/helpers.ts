// Test helpers for the prober and lifecycle tests: a fake runtime that answers ExecSync from a
import net, { type AddressInfo } from 'node:net';
// script, a pod builder, an event sink, and a promise that resolves on the n-th probe round.
import type { Container, Pod } from '../../../../lib/api/types.js';
import type { ExecSyncResult } from '../../../../kubelet/runtime/types.js';
import type { CommandRunner } from '../../../../kubelet/prober/exec-probe.js';

export interface ExecCall {
  containerID: string;
  cmd: string[];
  timeoutSeconds: number;
}

type Answer = ExecSyncResult | Error | 'hang';

/**
 * execSync answers with `next` (a result, an error to throw, or 'hang'), or per command with
 * `byCommand[cmd[0]]` when set; every call is recorded.
 */
export class FakeRuntime implements CommandRunner {
  readonly calls: ExecCall[] = [];
  next: Answer = { stdout: '', stderr: '', exitCode: 0 };
  readonly byCommand = new Map<string, Answer>();

  callsOf(command: string): ExecCall[] {
    return this.calls.filter((c) => c.cmd[0] === command);
  }

  async execSync(containerID: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    this.calls.push({ containerID, cmd, timeoutSeconds });
    const next = this.byCommand.get(cmd[0] ?? '') ?? this.next;
    if (next === 'hang') return new Promise(() => {});
    if (next instanceof Error) throw next;
    return { ...next };
  }
}

export function exitWith(exitCode: number, stdout = '', stderr = ''): ExecSyncResult {
  return { stdout, stderr, exitCode };
}

export function makePod(containers: Container[], extra: { podIP?: string; restartPolicy?: 'Always' | 'OnFailure' | 'Never' } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
    spec: { containers, restartPolicy: extra.restartPolicy ?? 'Always' },
    status: { phase: 'Running', podIP: extra.podIP ?? '127.0.0.1' },
  };
}

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
  fieldPath: string | undefined;
}

export function eventSink(): { events: RecordedEvent[]; record: (pod: Pod, type: string, reason: string, message: string, fieldPath?: string) => void } {
  const events: RecordedEvent[] = [];
  return { events, record: (_pod, type, reason, message, fieldPath) => events.push({ type, reason, message, fieldPath }) };
}

/** Counts probe rounds; `after(n)` resolves once n rounds have completed in total. */
export class RoundCounter {
  count = 0;
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  readonly onProbed = () => {
    this.count++;
    this.waiters = this.waiters.filter((w) => (w.n <= this.count ? (w.resolve(), false) : true));
  };

  after(n: number): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.count} of ${n} probe rounds happened`)), 5000);
      this.waiters.push({ n, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}

/** A loopback port nothing listens on (bound once, then released), for "connection refused". */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
