// A kubeconfig for a plain-HTTP local cluster (docs/kubectl-wire.md, end).
export function kubeconfigFor(server: string, contextName = 'k8ts'): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: ${contextName}
  cluster:
    server: ${server}
users:
- name: admin
  user: {}
contexts:
- name: ${contextName}
  context:
    cluster: ${contextName}
    user: admin
    namespace: default
current-context: ${contextName}
preferences: {}
`;
}
