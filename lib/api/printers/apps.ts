// Printers for apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet and ControllerRevision,
// with Kubernetes' columns (READY as ready/desired for deployments and stateful sets, counts for
// the others) and the wide CONTAINERS / IMAGES / SELECTOR columns.

import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import {
  controllerOf,
  formatLabels,
  formatResourceName,
  formatSelector,
  groupOf,
  int,
  layoutContainerCells,
  selectorText,
  str,
} from './format.js';
import {
  AGE_COLUMN,
  column,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  NAME_COLUMN,
  translateTimestampSince,
  wideColumn,
  type Printer,
} from './table.js';
import { replicatedPodsPrinter } from './replicated.js';

const age = (obj: { metadata?: { creationTimestamp?: string } }, now: number): string =>
  translateTimestampSince(obj.metadata?.creationTimestamp, now);

const selectorColumn = (what: string) => wideColumn('Selector', 'string', `Label selector of the pods the ${what} manages.`);

export const deploymentPrinter: Printer<Deployment> = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Ready pods out of the desired number.'),
    column('Up-to-date', 'string', 'Number of pods running the latest pod template.'),
    column('Available', 'string', 'Number of pods available (ready for at least minReadySeconds).'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    selectorColumn('deployment'),
  ],
  print(d, { now }) {
    const [names, images] = layoutContainerCells(d.spec?.template?.spec?.containers);
    return {
      cells: [
        str(d.metadata?.name),
        `${int(d.status?.readyReplicas)}/${int(d.spec?.replicas)}`,
        int(d.status?.updatedReplicas),
        int(d.status?.availableReplicas),
        age(d, now),
        names,
        images,
        selectorText(d.spec?.selector),
      ],
    };
  },
};

export const replicaSetPrinter: Printer<ReplicaSet> = replicatedPodsPrinter<ReplicaSet>('replica set', (rs) => formatSelector(rs.spec?.selector));

export const daemonSetPrinter: Printer<DaemonSet> = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Number of nodes that should run the daemon pod.'),
    column('Current', 'integer', 'Number of nodes running at least one daemon pod.'),
    column('Ready', 'integer', 'Number of nodes whose daemon pod is ready.'),
    column('Up-to-date', 'integer', 'Number of nodes running the latest daemon pod.'),
    column('Available', 'integer', 'Number of nodes whose daemon pod is available.'),
    column('Node Selector', 'string', 'The node selector of the pod template.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    selectorColumn('daemon set'),
  ],
  print(ds, { now }) {
    const podSpec = ds.spec?.template?.spec;
    const [names, images] = layoutContainerCells(podSpec?.containers);
    const s = ds.status;
    return {
      cells: [
        str(ds.metadata?.name),
        int(s?.desiredNumberScheduled),
        int(s?.currentNumberScheduled),
        int(s?.numberReady),
        int(s?.updatedNumberScheduled),
        int(s?.numberAvailable),
        formatLabels(podSpec?.nodeSelector),
        age(ds, now),
        names,
        images,
        formatSelector(ds.spec?.selector),
      ],
    };
  },
};

export const statefulSetPrinter: Printer<StatefulSet> = {
  columns: [NAME_COLUMN, column('Ready', 'string', 'Ready pods out of the desired number.'), AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN],
  print(sts, { now }) {
    const [names, images] = layoutContainerCells(sts.spec?.template?.spec?.containers);
    return {
      cells: [str(sts.metadata?.name), `${int(sts.status?.readyReplicas)}/${int(sts.spec?.replicas)}`, age(sts, now), names, images],
    };
  },
};

export const controllerRevisionPrinter: Printer<ControllerRevision> = {
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'The controller that owns the revision.'),
    column('Revision', 'string', 'The revision number of the state this object holds.'),
    AGE_COLUMN,
  ],
  print(cr, { now }) {
    const ref = controllerOf(cr);
    const controller = ref ? formatResourceName(str(ref.kind), groupOf(ref.apiVersion), str(ref.name)) : '<none>';
    return { cells: [str(cr.metadata?.name), controller, int(cr.revision), age(cr, now)] };
  },
};
