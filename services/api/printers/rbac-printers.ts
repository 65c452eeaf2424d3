// RoleBinding and ClusterRoleBinding rows: ROLE is "Kind/name"; the wide columns list the
// subjects by kind (rbac.SubjectsStrings), ServiceAccounts as "namespace/name".
import type { KubeObject } from '../../../lib/api/object.js';
import { translateTimestampSince } from './age.js';
import { CLUSTER_ROLE_BINDING_ROLE_REF, ROLE_BINDING_ROLE_REF } from './descriptions.js';
import { asArray, asString, at } from './fields.js';
import type { KindPrinter, PrintedRow } from './kind-printer.js';
import { AGE_COLUMN, NAME_COLUMN, column, wide } from './kind-printer.js';

function subjects(binding: KubeObject): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of asArray(binding['subjects'])) {
    const name = asString(at(s, 'name'));
    switch (asString(at(s, 'kind'))) {
      case 'ServiceAccount':
        serviceAccounts.push(`${asString(at(s, 'namespace'))}/${name}`);
        break;
      case 'User':
        users.push(name);
        break;
      case 'Group':
        groups.push(name);
        break;
    }
  }
  return { users, groups, serviceAccounts };
}

function bindingPrinter(roleRefDescription: string, subjectOwner: string): KindPrinter {
  return {
    columns: [
      NAME_COLUMN,
      column('Role', 'string', roleRefDescription),
      AGE_COLUMN,
      wide('Users', 'string', `Users in the ${subjectOwner}`),
      wide('Groups', 'string', `Groups in the ${subjectOwner}`),
      wide('ServiceAccounts', 'string', `ServiceAccounts in the ${subjectOwner}`),
    ],
    row(obj: KubeObject, now: Date): PrintedRow {
      const { users, groups, serviceAccounts } = subjects(obj);
      return {
        cells: [
          asString(obj.metadata.name),
          `${asString(at(obj, 'roleRef', 'kind'))}/${asString(at(obj, 'roleRef', 'name'))}`,
          translateTimestampSince(obj.metadata.creationTimestamp, now),
          users.join(', '),
          groups.join(', '),
          serviceAccounts.join(', '),
        ],
      };
    },
  };
}

export const roleBindingPrinter = bindingPrinter(ROLE_BINDING_ROLE_REF, 'roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter(CLUSTER_ROLE_BINDING_ROLE_REF, 'clusterRoleBinding');
