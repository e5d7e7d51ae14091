// rbac.authorization.k8s.io: every kind may be created by PUT (upstream's bootstrap reconciles
// roles that way); a binding's roleRef never changes (delete and recreate instead).
import { type StatusCause } from '../../lib/api/field-errors.js';
import type { Obj } from '../../lib/api/objects.js';
import { semanticEqual } from './equality.js';
import { goRoleRef, invalidRendered } from './go-format.js';
import type { KindRules } from './kind-rules.js';

function validateRoleRefUpdate(binding: Obj, old: Obj): StatusCause[] {
  return semanticEqual(binding['roleRef'], old['roleRef']) ? [] : [invalidRendered('roleRef', goRoleRef(binding['roleRef']), 'cannot change roleRef')];
}

export const RBAC_RULES: Record<string, KindRules> = {
  Role: { allowCreateOnUpdate: true },
  ClusterRole: { allowCreateOnUpdate: true },
  RoleBinding: { allowCreateOnUpdate: true, validateUpdate: validateRoleRefUpdate },
  ClusterRoleBinding: { allowCreateOnUpdate: true, validateUpdate: validateRoleRefUpdate },
};
