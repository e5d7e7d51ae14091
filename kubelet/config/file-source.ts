// The static pod file source (pkg/kubelet/config/file.go): every manifest in --pod-manifest-path
// (.yaml, .yml, .json; dot-files skipped), re-read every 20 s and whenever fs.watch reports a
// change. Listeners get the whole set each time it changes; a file that does not parse is logged
// and left out, as upstream does.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '../../lib/api/types.js';
import type { Clock, TimerHandle } from '../../lib/util/clock.js';
import type { Logger } from '../../lib/util/logger.js';
import { staticPodFromFile } from './static-pod.js';

export type PodsListener = (pods: Pod[]) => void;

export interface FileSourceOptions {
  dir: string;
  nodeName: string;
  clock: Clock;
  pollMs?: number;
  /** Off in tests that drive resync() by hand. */
  watch?: boolean;
  logger?: Logger;
}

const MANIFEST = /\.(ya?ml|json)$/;

export class StaticPodFileSource {
  private readonly listeners: PodsListener[] = [];
  private current: Pod[] = [];
  private fingerprint = '';
  private readonly seen = new Map<string, string>();
  private readonly errors = new Map<string, string>();
  private watcher: FSWatcher | undefined;
  private timer: TimerHandle | undefined;
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly o: FileSourceOptions) {}

  onPodsChanged(listener: PodsListener): void {
    this.listeners.push(listener);
  }

  /** The static pods as last read. */
  pods(): Pod[] {
    return this.current;
  }

  start(signal: AbortSignal): void {
    const poll = () => {
      if (signal.aborted) return;
      void this.resync();
      this.timer = this.o.clock.setTimeout(poll, this.o.pollMs ?? 20_000);
    };
    poll();
    if (this.o.watch ?? true) {
      try {
        this.watcher = watch(this.o.dir, () => void this.resync());
        this.watcher.on('error', () => undefined);
      } catch (err) {
        this.o.logger?.warn({ err: String(err), dir: this.o.dir }, 'cannot watch the static pod directory; polling only');
      }
    }
    signal.addEventListener('abort', () => {
      this.watcher?.close();
      if (this.timer) this.o.clock.clearTimeout(this.timer);
    }, { once: true });
  }

  /** Re-reads the directory (reads never overlap; a request during one runs once more after it). */
  resync(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        await this.readOnce();
      } while (this.again);
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.o.dir)).filter((n) => !n.startsWith('.') && MANIFEST.test(n)).sort();
    } catch (err) {
      // A missing directory means no static pods (upstream logs and carries on).
      this.o.logger?.debug({ err: String(err), dir: this.o.dir }, 'unable to read the static pod directory');
      names = [];
    }
    const pods: Pod[] = [];
    for (const name of names) {
      const path = join(this.o.dir, name);
      try {
        const text = await readFile(path, 'utf8');
        const pod = staticPodFromFile(text, path, this.o.nodeName, '');
        const uid = pod.metadata!.uid!;
        if (!this.seen.has(uid)) this.seen.set(uid, new Date(this.o.clock.now()).toISOString());
        pod.metadata!.annotations!['kubernetes.io/config.seen'] = this.seen.get(uid)!;
        pods.push(pod);
        this.errors.delete(path);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (this.errors.get(path) !== msg) this.o.logger?.warn({ path, err: msg }, 'could not process manifest file');
        this.errors.set(path, msg);
      }
    }
    const live = new Set(pods.map((p) => p.metadata!.uid!));
    for (const uid of this.seen.keys()) if (!live.has(uid)) this.seen.delete(uid);
    const fingerprint = pods.map((p) => p.metadata!.uid).join(',');
    if (fingerprint === this.fingerprint) return;
    this.fingerprint = fingerprint;
    this.current = pods;
    for (const l of this.listeners) {
      try {
        l(pods);
      } catch (err) {
        this.o.logger?.error({ err: String(err) }, 'static pod listener failed');
      }
    }
  }
}
