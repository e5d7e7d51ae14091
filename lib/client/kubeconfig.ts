// Kubeconfig loading as kubectl does it (client-go's clientcmd): `--kubeconfig` names one file that
// must exist; otherwise KUBECONFIG is a list of files (':'-separated) merged so that the first file
// to define a cluster/user/context name — or current-context — wins, and missing files are skipped;
// otherwise ~/.kube/config. Relative file paths in a kubeconfig resolve against its own directory.
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface KubeconfigCluster {
  server: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}
export interface KubeconfigUser {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  username?: string;
  password?: string;
}
export interface KubeconfigContext {
  cluster: string;
  user?: string;
  namespace?: string;
}
interface Named<T> {
  name: string;
  value: T;
  /** Directory of the file this entry came from (relative paths resolve against it). */
  dir: string;
}

export interface Kubeconfig {
  clusters: Map<string, Named<KubeconfigCluster>>;
  users: Map<string, Named<KubeconfigUser>>;
  contexts: Map<string, Named<KubeconfigContext>>;
  currentContext: string | undefined;
  /** The files that were read, in order. */
  files: string[];
}

/** Everything a client needs to reach and authenticate to an apiserver. */
export interface RestConfig {
  /** One or more apiserver base URLs; the client fails over between them. */
  servers: string[];
  /** Namespace of the context (or 'default'). */
  namespace: string;
  token?: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; insecureSkipVerify?: boolean; serverName?: string };
  basicAuth?: { username: string; password: string };
}

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

function parseFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KubeconfigError(`cannot read kubeconfig ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new KubeconfigError(`kubeconfig ${path} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`kubeconfig ${path}: expected a mapping at the top level`);
  return doc as Record<string, unknown>;
}

function entries<T>(doc: Record<string, unknown>, list: string, field: string, path: string): { name: string; value: T }[] {
  const raw = doc[list];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new KubeconfigError(`kubeconfig ${path}: ${list} must be a list`);
  return raw.map((item, i) => {
    if (typeof item !== 'object' || item === null || typeof (item as { name?: unknown }).name !== 'string') {
      throw new KubeconfigError(`kubeconfig ${path}: ${list}[${i}] needs a name`);
    }
    const value = (item as Record<string, unknown>)[field] ?? {};
    if (typeof value !== 'object' || value === null) throw new KubeconfigError(`kubeconfig ${path}: ${list}[${i}].${field} must be a mapping`);
    return { name: (item as { name: string }).name, value: value as T };
  });
}

/** Merges kubeconfig files: the first definition of every name and of current-context wins. */
export function mergeKubeconfigs(paths: string[]): Kubeconfig {
  const out: Kubeconfig = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined, files: [] };
  for (const path of paths) {
    const doc = parseFile(path);
    const dir = dirname(resolve(path));
    out.files.push(path);
    for (const e of entries<KubeconfigCluster>(doc, 'clusters', 'cluster', path)) if (!out.clusters.has(e.name)) out.clusters.set(e.name, { ...e, dir });
    for (const e of entries<KubeconfigUser>(doc, 'users', 'user', path)) if (!out.users.has(e.name)) out.users.set(e.name, { ...e, dir });
    for (const e of entries<KubeconfigContext>(doc, 'contexts', 'context', path)) if (!out.contexts.has(e.name)) out.contexts.set(e.name, { ...e, dir });
    const cc = doc['current-context'];
    if (out.currentContext === undefined && typeof cc === 'string' && cc !== '') out.currentContext = cc;
  }
  return out;
}

/** The files kubectl would read: an explicit path, else $KUBECONFIG's existing entries, else ~/.kube/config. */
export function kubeconfigPaths(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (explicit) {
    if (!existsSync(explicit)) throw new KubeconfigError(`stat ${explicit}: no such file or directory`);
    return [explicit];
  }
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (list.length > 0) return [...new Set(list)].filter((p) => existsSync(p));
  const home = env.HOME ?? homedir();
  const def = join(home, '.kube', 'config');
  return existsSync(def) ? [def] : [];
}

function fileOrData(dir: string, file: string | undefined, data: string | undefined, what: string): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (!file) return undefined;
  const path = isAbsolute(file) ? file : join(dir, file);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new KubeconfigError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

export interface ResolveOptions {
  /** --context */
  context?: string;
  /** --master / --server: overrides the cluster's server. */
  server?: string;
  /** -n / --namespace */
  namespace?: string;
}

/** Resolves a merged kubeconfig to a RestConfig for one context, as kubectl would. */
export function restConfigFrom(cfg: Kubeconfig, opts: ResolveOptions = {}): RestConfig {
  const ctxName = opts.context ?? cfg.currentContext;
  if (ctxName === undefined) {
    if (opts.server) return { servers: [opts.server], namespace: opts.namespace ?? 'default' };
    throw new KubeconfigError(
      cfg.files.length === 0
        ? 'no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or pass --master with the apiserver URL'
        : 'no current context is set in the kubeconfig: pass --context',
    );
  }
  const ctx = cfg.contexts.get(ctxName);
  if (!ctx) throw new KubeconfigError(`context "${ctxName}" does not exist`);
  const cluster = cfg.clusters.get(ctx.value.cluster);
  if (!cluster && !opts.server) throw new KubeconfigError(`cluster "${ctx.value.cluster}" of context "${ctxName}" does not exist`);
  const user = ctx.value.user ? cfg.users.get(ctx.value.user) : undefined;
  if (ctx.value.user && !user) throw new KubeconfigError(`user "${ctx.value.user}" of context "${ctxName}" does not exist`);

  const server = opts.server ?? cluster!.value.server;
  if (typeof server !== 'string' || server === '') throw new KubeconfigError(`cluster "${ctx.value.cluster}" has no server`);
  const servers = server.split(',').map((s) => s.trim().replace(/\/+$/, '')).filter((s) => s !== '');
  for (const s of servers) {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new KubeconfigError(`invalid server URL ${JSON.stringify(s)}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new KubeconfigError(`server URL ${JSON.stringify(s)} must be http or https`);
  }
  const out: RestConfig = { servers, namespace: opts.namespace ?? (ctx.value.namespace || 'default') };

  if (user) {
    const u = user.value;
    if (u.token) out.token = u.token;
    else if (u.tokenFile) {
      const p = isAbsolute(u.tokenFile) ? u.tokenFile : join(user.dir, u.tokenFile);
      try {
        out.token = readFileSync(p, 'utf8').trim();
      } catch (err) {
        throw new KubeconfigError(`cannot read tokenFile ${p}: ${(err as Error).message}`);
      }
    }
    if (u.username !== undefined && u.password !== undefined) out.basicAuth = { username: u.username, password: u.password };
    const cert = fileOrData(user.dir, u['client-certificate'], u['client-certificate-data'], 'client-certificate');
    const key = fileOrData(user.dir, u['client-key'], u['client-key-data'], 'client-key');
    if ((cert && !key) || (key && !cert)) throw new KubeconfigError(`user "${user.name}" needs both a client certificate and a client key`);
    if (cert && key) out.tls = { ...out.tls, cert, key };
  }
  if (cluster) {
    const c = cluster.value;
    const ca = fileOrData(cluster.dir, c['certificate-authority'], c['certificate-authority-data'], 'certificate-authority');
    if (ca) out.tls = { ...out.tls, ca };
    if (c['insecure-skip-tls-verify']) out.tls = { ...out.tls, insecureSkipVerify: true };
    if (c['tls-server-name']) out.tls = { ...out.tls, serverName: c['tls-server-name'] };
  }
  return out;
}

export interface LoadOptions extends ResolveOptions {
  /** --kubeconfig */
  kubeconfig?: string;
  env?: NodeJS.ProcessEnv;
}

/** kubectl's whole lookup: find the files, merge them, resolve the context. */
export function loadRestConfig(opts: LoadOptions = {}): RestConfig {
  const paths = kubeconfigPaths(opts.kubeconfig, opts.env);
  return restConfigFrom(mergeKubeconfigs(paths), opts);
}
