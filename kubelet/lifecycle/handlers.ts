// pkg/kubelet/lifecycle/handlers.go: runs a container's postStart / preStop handler — exec in the
// container (CRI ExecSync), an HTTP GET to the pod (any answer counts; an HTTPS hook answered in
// plain HTTP is retried over HTTP with a LifecycleHTTPFallback event), or a sleep on the injected
// clock that the caller's signal cuts short. Failures carry the kubelet's messages, which the pod
// workers put in FailedPostStartHook / FailedPreStopHook events.
import type { Dispatcher } from 'undici';
import type { Container, Pod } from '../../lib/api/types.js';
import { realClock, type Clock } from '../../lib/util/clock.js';
import { createLogger, type Logger } from '../../lib/util/logger.js';
import type { HandlerResult, LifecycleHandlers } from '../pod-deps.js';
import type { CommandRunner } from '../prober/exec-probe.js';
import { formatPod, goQuote } from '../prober/go-format.js';
import { httpGet, newProbeDispatcher, newRequestForHttpGetAction } from '../prober/http-get.js';
import type { RecordEvent } from '../prober/prober.js';
import { describeHandler } from './describe-handler.js';

export type LifecycleHandler = NonNullable<NonNullable<Container['lifecycle']>['postStart']>;

export interface HandlerRunnerOptions {
  runtime: CommandRunner;
  recordEvent: RecordEvent;
  clock?: Clock;
  logger?: Logger;
  /** HTTP client for httpGet hooks; default one that skips TLS verification. */
  dispatcher?: Dispatcher;
}

export class HandlerRunner implements LifecycleHandlers {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher: Dispatcher | undefined;

  constructor(private readonly opts: HandlerRunnerOptions) {
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? createLogger('lifecycle', { level: 'silent' });
    this.ownDispatcher = opts.dispatcher ? undefined : newProbeDispatcher();
    this.dispatcher = opts.dispatcher ?? this.ownDispatcher!;
  }

  async run(pod: Pod, container: Container, containerID: string, handler: LifecycleHandler, signal?: AbortSignal): Promise<HandlerResult> {
    const where = `for Container ${goQuote(container.name)} in Pod ${goQuote(formatPod(pod))}`;
    if (handler.exec) {
      const command = handler.exec.command ?? [];
      const err = await this.runExec(containerID, command, signal);
      if (!err) return { ok: true };
      this.logger.debug({ command, container: container.name, err: err.error }, 'exec lifecycle hook failed');
      return { ok: false, message: `Exec lifecycle hook ([${command.join(' ')}]) ${where} failed - error: ${err.error}, message: ${goQuote(err.output)}` };
    }
    if (handler.httpGet) {
      const error = await this.runHttp(pod, container, handler.httpGet, signal);
      if (!error) return { ok: true };
      this.logger.debug({ path: handler.httpGet.path, container: container.name, err: error }, 'HTTP lifecycle hook failed');
      return { ok: false, message: `HTTP lifecycle hook (${handler.httpGet.path ?? ''}) ${where} failed - error: ${error}` };
    }
    if (handler.sleep) {
      const seconds = handler.sleep.seconds;
      try {
        await this.clock.sleep(seconds * 1000, signal);
        return { ok: true };
      } catch {
        return { ok: false, message: `Sleep lifecycle hook (${seconds}) ${where} failed - error: container terminated before sleep hook finished` };
      }
    }
    // tcpSocket (deprecated, never supported as a hook) and empty handlers fail, as upstream.
    const error = `invalid handler: ${describeHandler(handler)}`;
    this.logger.error({ err: error, container: container.name }, 'cannot run handler');
    return { ok: false, message: `Cannot run handler: ${error}` };
  }

  async close(): Promise<void> {
    await this.ownDispatcher?.close();
  }

  // RunInContainer with no timeout: stdout then stderr, and a non-zero exit as an error naming stderr.
  private async runExec(containerID: string, command: string[], signal?: AbortSignal): Promise<{ error: string; output: string } | undefined> {
    try {
      const res = await abortable(this.opts.runtime.execSync(containerID, command, 0), signal);
      if (res.exitCode === 0) return undefined;
      return { error: `command '${command.join(' ')}' exited with ${res.exitCode}: ${res.stderr}`, output: res.stdout + res.stderr };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err), output: '' };
    }
  }

  private async runHttp(pod: Pod, container: Container, action: NonNullable<LifecycleHandler['httpGet']>, signal?: AbortSignal): Promise<string | undefined> {
    const podIP = action.host || pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '';
    if (!podIP) return 'failed to find networking container: the pod has no IP';
    let req;
    try {
      req = newRequestForHttpGetAction(action, container, podIP, 'lifecycle');
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
    const opts = { dispatcher: this.dispatcher, clock: this.clock, timeoutMs: 0, signal };
    try {
      await httpGet(req, opts);
      return undefined;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (!error.includes('server gave HTTP response to HTTPS client')) return error;
      const plain = { url: req.url.replace(/^https:/, 'http:'), headers: { ...req.headers } };
      delete plain.headers['authorization'];
      try {
        await httpGet(plain, opts);
      } catch {
        return error;
      }
      const host = new URL(plain.url).host;
      this.opts.recordEvent(pod, 'Warning', 'LifecycleHTTPFallback', `request to HTTPS lifecycle hook ${host} got HTTP response, retry with HTTP succeeded`);
      return undefined;
    }
  }
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('context canceled'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
