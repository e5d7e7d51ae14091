// Printers for rbac.authorization.k8s.io/v1. Bindings show ROLE (Kind/name) and, wide, their
// users, groups and service accounts; Role and ClusterRole have no printer in Kubernetes and use
// the default NAME / CREATED AT table.

import type { ClusterRoleBinding, RoleBinding, Subject } from 'kubernetes-types/rbac/v1.js';
import { defaultPrinter } from './default.js';
import { items, str } from './format.js';
import { AGE_COLUMN, column, NAME_COLUMN, translateTimestampSince, wideColumn, type Printer } from './table.js';

/** Subjects split by kind: user names, group names and `namespace/name` service accounts. */
export function subjectsStrings(subjects: readonly Subject[] | undefined): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of items(subjects)) {
    if (s?.kind === 'ServiceAccount') serviceAccounts.push(`${str(s.namespace)}/${str(s.name)}`);
    else if (s?.kind === 'User') users.push(str(s.name));
    else if (s?.kind === 'Group') groups.push(str(s.name));
  }
  return { users, groups, serviceAccounts };
}

function bindingPrinter<T extends RoleBinding | ClusterRoleBinding>(what: string): Printer<T> {
  return {
    columns: [
      NAME_COLUMN,
      column('Role', 'string', 'The role the binding grants, as Kind/name.'),
      AGE_COLUMN,
      wideColumn('Users', 'string', `Users the ${what} grants the role to.`),
      wideColumn('Groups', 'string', `Groups the ${what} grants the role to.`),
      wideColumn('ServiceAccounts', 'string', `Service accounts the ${what} grants the role to.`),
    ],
    print(binding, { now }) {
      const { users, groups, serviceAccounts } = subjectsStrings(binding.subjects);
      return {
        cells: [
          str(binding.metadata?.name),
          `${str(binding.roleRef?.kind)}/${str(binding.roleRef?.name)}`,
          translateTimestampSince(binding.metadata?.creationTimestamp, now),
          users.join(', '),
          groups.join(', '),
          serviceAccounts.join(', '),
        ],
      };
    },
  };
}

export const roleBindingPrinter: Printer<RoleBinding> = bindingPrinter<RoleBinding>('role binding');
export const clusterRoleBindingPrinter: Printer<ClusterRoleBinding> = bindingPrinter<ClusterRoleBinding>('cluster role binding');

export const rolePrinter = defaultPrinter;
export const clusterRolePrinter = defaultPrinter;
