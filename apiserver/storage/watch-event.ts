// Watch events as the watch cache hands them out. One store change goes to many watchers, so the
// cache builds each event object once and every watcher gets the same instance; its JSON line is
// encoded once, on first use, and shared as well (what keeps 1000 watchers cheap).
//
// Everything here is shared and deep-frozen: copy before changing (structuredClone).
import { fieldSetFor } from '../../lib/api/fields.js';
import type { Status } from '../../lib/api/status.js';
import type { KubeObject } from '../../lib/api/types.js';
import type { WatchEvent, WatchEventType } from './interfaces.js';

/**
 * A WatchEvent carrying its encoded form, built once and shared by every watcher it goes to.
 * `json` is the object's JSON; `line` is the whole event, `{"type":"…","object":…}`, as the streaming
 * watch writes it (JSON.stringify of the event gives the same text).
 */
export class CachedWatchEvent implements WatchEvent {
  #line: string | undefined;
  #json: string | undefined;
  readonly #objectJson: (() => string) | undefined;

  constructor(
    readonly type: WatchEventType,
    readonly object: KubeObject | Status,
    objectJson?: () => string,
  ) {
    this.#objectJson = objectJson;
  }

  /** JSON of `object`, encoded on first use (shared with the object's other events). */
  get json(): string {
    this.#json ??= this.#objectJson ? this.#objectJson() : JSON.stringify(this.object);
    return this.#json;
  }

  /** `{"type":"…","object":…}` without a newline. */
  get line(): string {
    this.#line ??= `{"type":${JSON.stringify(this.type)},"object":${this.json}}`;
    return this.#line;
  }
}

/** The watch line (no newline) for any event: the cached text for cache events, encoded now for others. */
export function encodeWatchEvent(ev: WatchEvent): string {
  return ev instanceof CachedWatchEvent ? ev.line : JSON.stringify({ type: ev.type, object: ev.object });
}

/** One version of one object in the cache, with what filtering and encoding need, computed once. */
export class CachedObject {
  #fields: Record<string, string> | undefined;
  #json: string | undefined;
  readonly #events: Partial<Record<'ADDED' | 'MODIFIED' | 'DELETED', CachedWatchEvent>> = {};

  constructor(
    readonly key: string,
    /** Deep-frozen. */
    readonly object: KubeObject,
    private readonly kind: string,
  ) {}

  /** The selectable fields (lib/api/fields.fieldSetFor), computed on first use. */
  get fields(): Record<string, string> {
    this.#fields ??= fieldSetFor(this.object, this.kind);
    return this.#fields;
  }

  get json(): string {
    this.#json ??= JSON.stringify(this.object);
    return this.#json;
  }

  /** The shared event of this type for this object version. */
  event(type: 'ADDED' | 'MODIFIED' | 'DELETED'): CachedWatchEvent {
    let ev = this.#events[type];
    if (!ev) {
      ev = new CachedWatchEvent(type, this.object, () => this.json);
      this.#events[type] = ev;
    }
    return ev;
  }

  /** This object's content at another resourceVersion (a DELETED event carries the deletion's revision). */
  atRevision(revision: number): CachedObject {
    const object = deepFreeze({ ...this.object, metadata: { ...this.object.metadata, resourceVersion: String(revision) } });
    return new CachedObject(this.key, object, this.kind);
  }
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  return value;
}
