// What the runtime knows about an image: its config (entrypoint, cmd, env, workingDir) as a
// registry would serve it, the files its layers put in every container's tree, and the binaries it
// carries (programs by name, on top of the sh subset every mock image has).
import type { HttpRequestInfo, Program, ProcessContext } from '../process.js';

export interface ImageDefinition {
  entrypoint: readonly string[];
  cmd: readonly string[];
  env: Readonly<Record<string, string>>;
  workingDir: string;
  /** Container path → content, written into each new container's writable tree. */
  files: Readonly<Record<string, string>>;
  programs: ReadonlyMap<string, Program>;
  /**
   * Entrypoint scripts that end in `exec "$@"` (nginx's /docker-entrypoint.sh): the runtime runs
   * the preamble, then argv[1:] as the same process — so the real server stays PID 1.
   */
  execWrappers: ReadonlyMap<string, (argv: readonly string[], ctx: Pick<ProcessContext, 'stdout' | 'stderr'>) => void>;
  sizeBytes: number;
}

/** What an image's definition may depend on: the container's declared TCP ports. */
export interface ImageContext {
  ports: readonly number[];
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function image(partial: Partial<ImageDefinition>): ImageDefinition {
  return {
    entrypoint: [],
    cmd: [],
    env: { PATH: DEFAULT_PATH },
    workingDir: '/',
    files: {},
    programs: new Map(),
    execWrappers: new Map(),
    sizeBytes: 5 * 1024 * 1024,
    ...partial,
  };
}

/** What the runtime's HTTP listeners hand image programs: the request plus the client's port. */
export interface HttpRequestDetail extends HttpRequestInfo {
  remotePort: number;
}
