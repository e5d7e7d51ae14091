// The apiserver's default table convertor, used for kinds without a printer of their own (Role,
// ClusterRole, LimitRange in real Kubernetes, and anything unknown): NAME and CREATED AT, the
// creation time printed as an RFC 3339 date rather than an age.

import type { KubeObject } from '../types.js';
import { nameOf } from './format.js';
import { column, formatCreatedAt, NAME_COLUMN, type Printer } from './table.js';

export const defaultPrinter: Printer<KubeObject> = {
  columns: [NAME_COLUMN, column('Created At', 'date', 'Time the object was created (metadata.creationTimestamp).')],
  print: (obj) => ({ cells: [nameOf(obj), formatCreatedAt(obj.metadata?.creationTimestamp)] }),
};
