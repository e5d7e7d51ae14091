// ReplicaSet and ReplicationController print the same columns (DESIRED CURRENT READY AGE, wide
// CONTAINERS IMAGES SELECTOR); only how their selector is written differs.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { int, layoutContainerCells, str } from './format.js';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, translateTimestampSince, wideColumn, type Printer } from './table.js';

interface Replicated {
  metadata?: { name?: string; creationTimestamp?: string };
  spec?: { replicas?: number; template?: PodTemplateSpec };
  status?: { replicas?: number; readyReplicas?: number };
}

export function replicatedPodsPrinter<T extends Replicated>(owner: string, selectorCell: (obj: T) => string): Printer<T> {
  return {
    columns: [
      NAME_COLUMN,
      column('Desired', 'integer', 'Number of desired pods.'),
      column('Current', 'integer', `Number of pods the ${owner} currently has.`),
      column('Ready', 'integer', 'Number of ready pods.'),
      AGE_COLUMN,
      CONTAINERS_COLUMN,
      IMAGES_COLUMN,
      wideColumn('Selector', 'string', `Label selector of the pods the ${owner} manages.`),
    ],
    print(obj, { now }) {
      const [names, images] = layoutContainerCells(obj.spec?.template?.spec?.containers);
      return {
        cells: [
          str(obj.metadata?.name),
          int(obj.spec?.replicas),
          int(obj.status?.replicas),
          int(obj.status?.readyReplicas),
          translateTimestampSince(obj.metadata?.creationTimestamp, now),
          names,
          images,
          selectorCell(obj),
        ],
      };
    },
  };
}
