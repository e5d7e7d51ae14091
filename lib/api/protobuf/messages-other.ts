import type { MessageTable } from './schema.js';

/** k8s.io/api/rbac/v1. */
export const RBAC_MESSAGES: MessageTable = {
  Role: `metadata=1:ObjectMeta rules=2:[]PolicyRule`,
  ClusterRole: `metadata=1:ObjectMeta rules=2:[]PolicyRule aggregationRule=3:AggregationRule`,
  AggregationRule: `clusterRoleSelectors=1:[]LabelSelector`,
  PolicyRule: `
    verbs=1:[]string apiGroups=2:[]string resources=3:[]string resourceNames=4:[]string
    nonResourceURLs=5:[]string`,
  RoleBinding: `metadata=1:ObjectMeta subjects=2:[]Subject roleRef=3:RoleRef`,
  ClusterRoleBinding: `metadata=1:ObjectMeta subjects=2:[]Subject roleRef=3:RoleRef`,
  Subject: `kind!=1:string apiGroup=2:string name!=3:string namespace=4:string`,
  RoleRef: `apiGroup!=1:string kind!=2:string name!=3:string`,
};

/** k8s.io/api/networking/v1: Ingress. */
export const NETWORKING_MESSAGES: MessageTable = {
  Ingress: `metadata=1:ObjectMeta spec=2:IngressSpec status=3:IngressStatus`,
  IngressSpec: `
    ingressClassName?=4:string defaultBackend=1:IngressBackend tls=2:[]IngressTLS rules=3:[]IngressRule`,
  IngressBackend: `service=4:IngressServiceBackend resource=3:TypedLocalObjectReference`,
  IngressServiceBackend: `name!=1:string port=2:ServiceBackendPort`,
  ServiceBackendPort: `name=1:string number=2:int32`,
  IngressTLS: `hosts=1:[]string secretName=2:string`,
  IngressRule: `host=1:string ~ingressRuleValue=2:IngressRuleValue`,
  IngressRuleValue: `http=1:HTTPIngressRuleValue`,
  HTTPIngressRuleValue: `paths=1:[]HTTPIngressPath`,
  HTTPIngressPath: `path=1:string pathType?=3:string backend=2:IngressBackend`,
  IngressStatus: `loadBalancer=1:IngressLoadBalancerStatus`,
  IngressLoadBalancerStatus: `ingress=1:[]IngressLoadBalancerIngress`,
  IngressLoadBalancerIngress: `ip=1:string hostname=2:string ports=4:[]IngressPortStatus`,
  IngressPortStatus: `port!=1:int32 protocol!=2:string error?=3:string`,
};

/** k8s.io/api/policy/v1: PodDisruptionBudget. */
export const POLICY_MESSAGES: MessageTable = {
  PodDisruptionBudget: `metadata=1:ObjectMeta spec=2:PodDisruptionBudgetSpec status=3:PodDisruptionBudgetStatus`,
  PodDisruptionBudgetSpec: `
    minAvailable=1:IntOrString selector=2:LabelSelector maxUnavailable=3:IntOrString
    unhealthyPodEvictionPolicy?=4:string`,
  PodDisruptionBudgetStatus: `
    observedGeneration=1:int64 disruptedPods=2:map<string,Time> disruptionsAllowed!=3:int32
    currentHealthy!=4:int32 desiredHealthy!=5:int32 expectedPods!=6:int32 conditions=7:[]Condition`,
};

/** k8s.io/api/scheduling/v1: PriorityClass. */
export const SCHEDULING_MESSAGES: MessageTable = {
  PriorityClass: `
    metadata=1:ObjectMeta value!=2:int32 globalDefault=3:bool description=4:string preemptionPolicy?=5:string`,
};

/**
 * k8s.io/api/authentication/v1: TokenRequest (`kubectl create token`). The proto names of
 * BoundObjectReference's fields are aPIVersion and uID; the JSON names are what count here.
 */
export const AUTHENTICATION_MESSAGES: MessageTable = {
  TokenRequest: `metadata=1:ObjectMeta spec=2:TokenRequestSpec status=3:TokenRequestStatus`,
  TokenRequestSpec: `audiences=1:[]string expirationSeconds?=4:int64 boundObjectRef=3:BoundObjectReference`,
  BoundObjectReference: `kind=1:string apiVersion=2:string name=3:string uid=4:string`,
  TokenRequestStatus: `token!=1:string expirationTimestamp!=2:Time`,
};
