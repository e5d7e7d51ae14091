import { META_MESSAGES } from './messages-meta.js';
import { CORE_OBJECT_MESSAGES, CORE_POD_MESSAGES, CORE_VOLUME_MESSAGES } from './messages-core.js';
import { APPS_MESSAGES, BATCH_MESSAGES } from './messages-workloads.js';
import {
  AUTHENTICATION_MESSAGES,
  NETWORKING_MESSAGES,
  POLICY_MESSAGES,
  RBAC_MESSAGES,
  SCHEDULING_MESSAGES,
} from './messages-other.js';
import { SchemaRegistry } from './schema.js';

/** Every message the decoder knows; built (and checked for dangling references) once at load. */
export const PROTOBUF_SCHEMAS = new SchemaRegistry([
  META_MESSAGES,
  CORE_OBJECT_MESSAGES,
  CORE_POD_MESSAGES,
  CORE_VOLUME_MESSAGES,
  APPS_MESSAGES,
  BATCH_MESSAGES,
  RBAC_MESSAGES,
  NETWORKING_MESSAGES,
  POLICY_MESSAGES,
  SCHEDULING_MESSAGES,
  AUTHENTICATION_MESSAGES,
]);

/**
 * The top-level kinds we decode, by apiVersion: those kubectl 1.32's generator commands send as
 * protobuf (`kubectl create namespace|configmap|secret|service|serviceaccount|deployment|job|
 * cronjob|role|rolebinding|clusterrole|clusterrolebinding|quota|ingress|priorityclass|
 * poddisruptionbudget|token`), plus ReplicaSet which shares Deployment's messages.
 * In each, the message name equals the kind.
 */
const KINDS_BY_API_VERSION: Readonly<Record<string, readonly string[]>> = {
  v1: ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'ResourceQuota'],
  'apps/v1': ['Deployment', 'ReplicaSet'],
  'batch/v1': ['Job', 'CronJob'],
  'rbac.authorization.k8s.io/v1': ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
  'networking.k8s.io/v1': ['Ingress'],
  'policy/v1': ['PodDisruptionBudget'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'authentication.k8s.io/v1': ['TokenRequest'],
};

/** The message schema name for apiVersion/kind, or undefined when we cannot decode that kind. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  const kinds = Object.hasOwn(KINDS_BY_API_VERSION, apiVersion) ? KINDS_BY_API_VERSION[apiVersion] : undefined;
  return kinds?.includes(kind) ? kind : undefined;
}

/** All decodable kinds, as `apiVersion/kind` strings (for error messages and discovery notes). */
export function supportedProtobufKinds(): string[] {
  return Object.entries(KINDS_BY_API_VERSION).flatMap(([gv, kinds]) => kinds.map((k) => `${gv}/${k}`));
}
