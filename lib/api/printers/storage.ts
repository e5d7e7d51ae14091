// Printer for storage.k8s.io/v1 StorageClass; the default class gets " (default)" after its name.

import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import { str } from './format.js';
import { AGE_COLUMN, column, NAME_COLUMN, translateTimestampSince, type Printer } from './table.js';

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

/** Whether the class is marked default by either the GA or the beta annotation. */
export function isDefaultStorageClass(sc: StorageClass): boolean {
  const annotations = sc.metadata?.annotations ?? {};
  return annotations[DEFAULT_CLASS_ANNOTATION] === 'true' || annotations[BETA_DEFAULT_CLASS_ANNOTATION] === 'true';
}

export const storageClassPrinter: Printer<StorageClass> = {
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'string', 'The provisioner that creates volumes of this class.'),
    column('ReclaimPolicy', 'string', 'What happens to volumes of this class when released.'),
    column('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    column('AllowVolumeExpansion', 'string', 'Whether volumes of this class can be expanded.'),
    AGE_COLUMN,
  ],
  print(sc, { now }) {
    const name = str(sc.metadata?.name);
    return {
      cells: [
        isDefaultStorageClass(sc) ? `${name} (default)` : name,
        str(sc.provisioner),
        sc.reclaimPolicy ?? 'Delete',
        sc.volumeBindingMode ?? 'Immediate',
        sc.allowVolumeExpansion === true,
        translateTimestampSince(sc.metadata?.creationTimestamp, now),
      ],
    };
  },
};
