// Defaults of rbac.authorization.k8s.io/v1 bindings: the roleRef's API group and each subject's
// API group (SetDefaults_RoleBinding, _ClusterRoleBinding, _Subject).
import type { KubeObject } from '../../../lib/api/object.js';
import { indexedRecords, rec, setDefaultString, str } from '../validation/json-access.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export function defaultBinding(obj: KubeObject): void {
  const roleRef = rec(obj.roleRef);
  if (roleRef) setDefaultString(roleRef, 'apiGroup', RBAC_GROUP);
  for (const [, subject] of indexedRecords(obj.subjects)) {
    // A ServiceAccount's group is "", which JSON leaves out (omitempty), so only users and
    // groups get one written.
    if (str(subject.apiGroup) === '' && (subject.kind === 'User' || subject.kind === 'Group')) subject.apiGroup = RBAC_GROUP;
  }
}
