// `tableFor(kind, objects, opts)`: the meta.k8s.io Table the apiserver answers `kubectl get` with,
// using the printer Kubernetes uses for the kind, or the default NAME / CREATED AT table for kinds
// Kubernetes has no printer for (Role, ClusterRole, LimitRange) and kinds we do not know.

import type { KubeObject } from '../types.js';
import { daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter, controllerRevisionPrinter } from './apps.js';
import { horizontalPodAutoscalerPrinter } from './autoscaling.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import { leasePrinter } from './coordination.js';
import {
  configMapPrinter,
  endpointsPrinter,
  eventPrinter,
  limitRangePrinter,
  namespacePrinter,
  nodePrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  podPrinter,
  replicationControllerPrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core.js';
import { defaultPrinter } from './default.js';
import { endpointSlicePrinter } from './discovery.js';
import { ingressPrinter, networkPolicyPrinter } from './networking.js';
import { clusterRoleBindingPrinter, clusterRolePrinter, roleBindingPrinter, rolePrinter } from './rbac.js';
import { storageClassPrinter } from './storage.js';
import { buildTable, type BuildTableOptions, type PrintedRow, type Printer, type Table } from './table.js';

export * from './table.js';
export { defaultPrinter } from './default.js';

// Printers are written against the kubernetes-types shape of their kind; objects reach them by kind.
type AnyPrinter = Printer<any>;

const PRINTERS: ReadonlyMap<string, AnyPrinter> = new Map<string, AnyPrinter>([
  // core/v1
  ['ConfigMap', configMapPrinter],
  ['Endpoints', endpointsPrinter],
  ['Event', eventPrinter],
  ['LimitRange', limitRangePrinter],
  ['Namespace', namespacePrinter],
  ['Node', nodePrinter],
  ['PersistentVolume', persistentVolumePrinter],
  ['PersistentVolumeClaim', persistentVolumeClaimPrinter],
  ['Pod', podPrinter],
  ['ReplicationController', replicationControllerPrinter],
  ['ResourceQuota', resourceQuotaPrinter],
  ['Secret', secretPrinter],
  ['Service', servicePrinter],
  ['ServiceAccount', serviceAccountPrinter],
  // apps/v1
  ['ControllerRevision', controllerRevisionPrinter],
  ['DaemonSet', daemonSetPrinter],
  ['Deployment', deploymentPrinter],
  ['ReplicaSet', replicaSetPrinter],
  ['StatefulSet', statefulSetPrinter],
  // batch/v1
  ['CronJob', cronJobPrinter],
  ['Job', jobPrinter],
  // autoscaling
  ['HorizontalPodAutoscaler', horizontalPodAutoscalerPrinter],
  // coordination.k8s.io, discovery.k8s.io
  ['Lease', leasePrinter],
  ['EndpointSlice', endpointSlicePrinter],
  // rbac.authorization.k8s.io
  ['ClusterRole', clusterRolePrinter],
  ['ClusterRoleBinding', clusterRoleBindingPrinter],
  ['Role', rolePrinter],
  ['RoleBinding', roleBindingPrinter],
  // networking.k8s.io, storage.k8s.io
  ['Ingress', ingressPrinter],
  ['NetworkPolicy', networkPolicyPrinter],
  ['StorageClass', storageClassPrinter],
]);

/** Kinds with a printer of their own (Role, ClusterRole and LimitRange map to the default one, as in Kubernetes). */
export const PRINTED_KINDS: readonly string[] = [...PRINTERS.keys()].sort();

/** The printer for a kind; the default NAME / CREATED AT printer for a kind we do not know. */
export function printerFor(kind: string): Printer<KubeObject> {
  return PRINTERS.get(kind) ?? defaultPrinter;
}

export interface TableForOptions extends BuildTableOptions {
  /** The clock's "now", epoch milliseconds: every AGE is measured from it. */
  now: number;
  /** The list's resourceVersion (or the object's, for a single GET). */
  resourceVersion?: string;
}

/** An object the printer could not turn into a row; the apiserver answers 500 with this message. */
export class TablePrintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TablePrintError';
  }
}

function describe(obj: unknown, index: number): string {
  const meta = (obj as { metadata?: { namespace?: unknown; name?: unknown } } | null)?.metadata;
  const name = typeof meta?.name === 'string' ? meta.name : `#${index}`;
  return typeof meta?.namespace === 'string' && meta.namespace !== '' ? `${meta.namespace}/${name}` : name;
}

/**
 * The Table for `objects` of one kind. Every column is filled, wide ones included; kubectl shows
 * the priority-1 columns only with `-o wide`. Row objects follow `includeObject` (default
 * Metadata: a PartialObjectMetadata with the object's full metadata).
 */
export function tableFor(kind: string, objects: readonly KubeObject[], opts: TableForOptions): Table {
  if (!Number.isFinite(opts.now)) throw new TablePrintError(`cannot print ${kind} objects: "now" is not a time (${String(opts.now)})`);
  if (!Array.isArray(objects)) throw new TablePrintError(`cannot print ${kind} objects: expected a list of objects`);
  const printer = printerFor(kind);
  const ctx = { now: opts.now };
  const rows: PrintedRow[] = objects.map((obj, i) => {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new TablePrintError(`cannot print ${kind} ${describe(obj, i)}: not an object`);
    }
    try {
      return { ...printer.print(obj, ctx), source: obj };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new TablePrintError(`cannot print ${kind} ${describe(obj, i)}: ${reason}`);
    }
  });
  return buildTable(printer.columns, rows, opts.resourceVersion, opts);
}
