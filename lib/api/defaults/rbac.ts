// Defaults of rbac.authorization.k8s.io/v1 bindings (pkg/apis/rbac/v1/defaults.go): roleRef and
// User/Group subjects default to the rbac API group; ServiceAccount subjects to the core group.

import { child, defaultIfEmpty, objects, type Obj } from './util.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function defaultRoleBinding(binding: Obj): void {
  const roleRef = child(binding, 'roleRef');
  if (roleRef) defaultIfEmpty(roleRef, 'apiGroup', RBAC_GROUP);
  for (const subject of objects(binding, 'subjects')) {
    if (subject['apiGroup'] !== undefined && subject['apiGroup'] !== null && subject['apiGroup'] !== '') continue;
    if (subject['kind'] === 'ServiceAccount') subject['apiGroup'] = '';
    else if (subject['kind'] === 'User' || subject['kind'] === 'Group') subject['apiGroup'] = RBAC_GROUP;
  }
}
