/**
 * The `kubectl create` generator commands that kubectl 1.32 sends as protobuf, with flags chosen to
 * reach as many fields as the generators can set. `{TESTDATA}` and `{TMP}` are replaced by the
 * fixture directory and a scratch directory (holding blob.bin, a few non-UTF-8 bytes).
 * `expected` is given where kubectl has no --dry-run for the command.
 */
export interface KubectlCase {
  name: string;
  args: string[];
  expected?: Record<string, unknown>;
}

export const BLOB_BYTES = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x80]);

export const KUBECTL_CASES: KubectlCase[] = [
  { name: 'namespace', args: ['create', 'namespace', 'foo'] },
  { name: 'configmap', args: ['create', 'configmap', 'cm', '--from-literal=a=b'] },
  {
    name: 'configmap-binary',
    args: ['create', 'configmap', 'cm2', '--from-literal=a=b', '--from-literal=c=d', '--from-file=blob={TMP}/blob.bin', '--append-hash'],
  },
  { name: 'secret-generic', args: ['create', 'secret', 'generic', 's', '--from-literal=k=v'] },
  {
    name: 'secret-generic-typed',
    args: ['create', 'secret', 'generic', 's2', '--from-literal=k=v', '--from-file=blob={TMP}/blob.bin', '--type=example.com/custom'],
  },
  { name: 'secret-tls', args: ['create', 'secret', 'tls', 't', '--cert={TESTDATA}/tls.crt', '--key={TESTDATA}/tls.key'] },
  {
    name: 'secret-docker-registry',
    args: ['create', 'secret', 'docker-registry', 'dr', '--docker-server=reg.example', '--docker-username=u', '--docker-password=p', '--docker-email=e@example.com'],
  },
  { name: 'deployment', args: ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=3', '--port=80'] },
  { name: 'deployment-command', args: ['create', 'deployment', 'sleeper', '--image=busybox', '--replicas=0', '--', 'sleep', '3600'] },
  { name: 'deployment-two-images', args: ['create', 'deployment', 'pair', '--image=busybox', '--image=nginx:1.27'] },
  { name: 'service-nodeport', args: ['create', 'service', 'nodeport', 'np', '--tcp=80:8080'] },
  { name: 'service-nodeport-fixed', args: ['create', 'service', 'nodeport', 'np2', '--tcp=80:8080', '--node-port=30080'] },
  { name: 'service-clusterip', args: ['create', 'service', 'clusterip', 'cip', '--tcp=80:http', '--tcp=443:8443'] },
  { name: 'service-headless', args: ['create', 'service', 'clusterip', 'headless', '--clusterip=None'] },
  { name: 'service-loadbalancer', args: ['create', 'service', 'loadbalancer', 'lb', '--tcp=5678:8080'] },
  { name: 'service-externalname', args: ['create', 'service', 'externalname', 'ext', '--external-name=example.com'] },
  { name: 'serviceaccount', args: ['create', 'serviceaccount', 'sa'] },
  { name: 'job', args: ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'] },
  { name: 'cronjob', args: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *'] },
  { name: 'cronjob-command', args: ['create', 'cronjob', 'cj2', '--image=busybox', '--schedule=@hourly', '--restart=Never', '--', 'date'] },
  { name: 'role', args: ['create', 'role', 'r', '--verb=get', '--resource=pods'] },
  { name: 'role-names', args: ['create', 'role', 'r2', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=a', '--resource-name=b'] },
  { name: 'rolebinding', args: ['create', 'rolebinding', 'rb', '--role=r', '--user=u'] },
  {
    name: 'rolebinding-subjects',
    args: ['create', 'rolebinding', 'rb2', '--clusterrole=view', '--user=u', '--group=g', '--serviceaccount=default:sa'],
  },
  { name: 'clusterrole', args: ['create', 'clusterrole', 'cr', '--verb=get', '--resource=nodes'] },
  { name: 'clusterrole-nonresource', args: ['create', 'clusterrole', 'cr2', '--verb=get', '--non-resource-url=/logs/*'] },
  { name: 'clusterrole-aggregation', args: ['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example.com/aggregate-to-agg=true'] },
  { name: 'clusterrolebinding', args: ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--user=u'] },
  { name: 'quota', args: ['create', 'quota', 'q', '--hard=pods=10'] },
  { name: 'quota-scoped', args: ['create', 'quota', 'q2', '--hard=cpu=1.5,memory=1024Mi,pods=10', '--scopes=BestEffort'] },
  { name: 'ingress', args: ['create', 'ingress', 'ing', '--rule=a.com/path=svc:80'] },
  {
    name: 'ingress-tls',
    args: ['create', 'ingress', 'ing2', '--class=nginx', '--rule=b.com/*=svc:http,tls=cert', '--default-backend=def:8080', '--annotation=x=y'],
  },
  { name: 'priorityclass', args: ['create', 'priorityclass', 'pc', '--value=100'] },
  {
    name: 'priorityclass-zero',
    args: ['create', 'priorityclass', 'pc2', '--value=0', '--global-default', '--description=d', '--preemption-policy=Never'],
  },
  { name: 'poddisruptionbudget', args: ['create', 'poddisruptionbudget', 'pdb', '--selector=app=x', '--min-available=1'] },
  { name: 'poddisruptionbudget-percent', args: ['create', 'poddisruptionbudget', 'pdb2', '--selector=app=x', '--max-unavailable=50%'] },
  {
    name: 'token',
    args: ['create', 'token', 'sa', '--audience=a', '--audience=b', '--duration=1h'],
    expected: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { audiences: ['a', 'b'], expirationSeconds: 3600 },
      status: { token: '', expirationTimestamp: null },
    },
  },
];
