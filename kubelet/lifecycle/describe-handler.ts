// Go's %v of a *LifecycleHandler (the generated String() of k8s.io/api), for the "invalid handler"
// message of a hook that has no supported action — in practice the deprecated tcpSocket.
import type { Container } from '../../lib/api/types.js';

type LifecycleHandler = NonNullable<NonNullable<Container['lifecycle']>['postStart']>;

export function describeHandler(h: LifecycleHandler): string {
  const tcp = h.tcpSocket ? `&TCPSocketAction{Port:${intOrString(h.tcpSocket.port)},Host:${h.tcpSocket.host ?? ''},}` : 'nil';
  return `&LifecycleHandler{Exec:nil,HTTPGet:nil,TCPSocket:${tcp},Sleep:nil,}`;
}

// intstr.IntOrString prints as {Type IntVal StrVal}.
function intOrString(v: number | string): string {
  return typeof v === 'number' ? `{0 ${v} }` : `{1 0 ${v}}`;
}
