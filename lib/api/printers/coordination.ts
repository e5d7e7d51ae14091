// Printer for coordination.k8s.io/v1 Lease: who holds it (empty when nobody does).

import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { str } from './format.js';
import { AGE_COLUMN, column, NAME_COLUMN, translateTimestampSince, type Printer } from './table.js';

export const leasePrinter: Printer<Lease> = {
  columns: [NAME_COLUMN, column('Holder', 'string', 'The identity of the current holder of the lease.'), AGE_COLUMN],
  print: (lease, { now }) => ({
    cells: [str(lease.metadata?.name), str(lease.spec?.holderIdentity), translateTimestampSince(lease.metadata?.creationTimestamp, now)],
  }),
};
