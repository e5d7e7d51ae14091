import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeKubernetesProtobuf, isKubernetesProtobufContentType } from '../../../../../lib/api/protobuf/index.js';

/**
 * Just enough of an apiserver on loopback for the real kubectl's `create` commands to POST:
 * /version (minor "32", so the /usr/bin/kubectl dispatcher runs 1.32), legacy discovery, and a
 * 201 echo of whatever is created. Every POST is recorded with its raw body.
 */

export interface CapturedRequest {
  method: string;
  url: string;
  contentType: string;
  body: Buffer;
}

type Resource = [name: string, kind: string, namespaced: boolean];

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

const DISCOVERY: Record<string, Resource[]> = {
  v1: [
    ['namespaces', 'Namespace', false],
    ['configmaps', 'ConfigMap', true],
    ['secrets', 'Secret', true],
    ['services', 'Service', true],
    ['serviceaccounts', 'ServiceAccount', true],
    ['serviceaccounts/token', 'TokenRequest', true],
    ['resourcequotas', 'ResourceQuota', true],
    ['pods', 'Pod', true],
    ['nodes', 'Node', false],
  ],
  'apps/v1': [['deployments', 'Deployment', true]],
  'batch/v1': [
    ['jobs', 'Job', true],
    ['cronjobs', 'CronJob', true],
  ],
  'rbac.authorization.k8s.io/v1': [
    ['roles', 'Role', true],
    ['rolebindings', 'RoleBinding', true],
    ['clusterroles', 'ClusterRole', false],
    ['clusterrolebindings', 'ClusterRoleBinding', false],
  ],
  'networking.k8s.io/v1': [['ingresses', 'Ingress', true]],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true]],
  'scheduling.k8s.io/v1': [['priorityclasses', 'PriorityClass', false]],
};

function resourceList(groupVersion: string, resources: Resource[]): unknown {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map(([name, kind, namespaced]) => ({
      name,
      singularName: name.includes('/') ? '' : kind.toLowerCase(),
      namespaced,
      kind,
      verbs: name.includes('/') ? ['create'] : VERBS,
    })),
  };
}

function discovery(path: string): unknown {
  if (path === '/version') return { major: '1', minor: '32', gitVersion: 'v1.32.0' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'] };
  if (path === '/api/v1') return resourceList('v1', DISCOVERY.v1!);
  const groups = Object.keys(DISCOVERY).filter((gv) => gv !== 'v1');
  if (path === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((gv) => {
        const version = { groupVersion: gv, version: gv.split('/')[1] };
        return { name: gv.split('/')[0], versions: [version], preferredVersion: version };
      }),
    };
  }
  const gv = groups.find((g) => path === `/apis/${g}`);
  return gv === undefined ? undefined : resourceList(gv, DISCOVERY[gv]!);
}

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(code: number, reason: string, message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, message, code };
}

export class FakeApiserver {
  readonly captured: CapturedRequest[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeApiserver> {
    let self: FakeApiserver | undefined;
    const server = createServer((req, res) => self!.handle(req, res));
    self = new FakeApiserver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.method === 'GET') {
        const doc = discovery(path);
        if (doc !== undefined) return sendJson(res, 200, doc);
        return sendJson(res, 404, status(404, 'NotFound', `${path} not found`));
      }
      if (req.method !== 'POST') return sendJson(res, 405, status(405, 'MethodNotAllowed', `${req.method} not allowed`));
      const contentType = req.headers['content-type'] ?? '';
      const body = Buffer.concat(chunks);
      this.captured.push({ method: req.method, url: req.url ?? '', contentType, body });
      this.echo(res, contentType, body);
    });
  }

  /** Answers a create with the object it received, as a real apiserver roughly would. */
  private echo(res: ServerResponse, contentType: string, body: Buffer): void {
    let object: Record<string, unknown>;
    try {
      object = isKubernetesProtobufContentType(contentType)
        ? decodeKubernetesProtobuf(body).object
        : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
    } catch (e) {
      return sendJson(res, 400, status(400, 'BadRequest', (e as Error).message));
    }
    if (object.kind === 'TokenRequest') {
      // kubectl create token insists on a token in the answer.
      object.status = { token: 'test-token', expirationTimestamp: '2030-01-01T00:00:00Z' };
    }
    sendJson(res, 201, object);
  }
}
