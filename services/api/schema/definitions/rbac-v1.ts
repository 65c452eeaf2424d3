// rbac.authorization.k8s.io/v1: Role, ClusterRole (with aggregationRule), RoleBinding, ClusterRoleBinding.
import type { Schema } from '../dsl.js';
import { gvk, kind, list, listKind, obj, ref, str } from '../dsl.js';
import { META } from './meta-v1.js';

export const RBAC = 'io.k8s.api.rbac.v1.';
const r = (name: string): string => `${RBAC}${name}`;
const rbac = (k: string): ReturnType<typeof gvk>[] => [gvk('rbac.authorization.k8s.io', 'v1', k)];

const rules = list(ref(r('PolicyRule')), { description: 'Rules holds all the PolicyRules for this Role', listType: 'atomic' });
const subjects = list(ref(r('Subject')), { description: 'Subjects holds references to the objects the role applies to.', listType: 'atomic' });
const roleRef = (description: string): Schema => ref(r('RoleRef'), description);

export const RBAC_V1_DEFINITIONS: Readonly<Record<string, Schema>> = {
  [r('Role')]: kind(rbac('Role'), 'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.', { rules }),
  [r('RoleList')]: listKind(rbac('RoleList'), r('Role'), 'RoleList is a collection of Roles'),
  [r('ClusterRole')]: kind(rbac('ClusterRole'), 'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.', {
    rules: { ...rules, description: 'Rules holds all the PolicyRules for this ClusterRole' },
    aggregationRule: ref(r('AggregationRule'), 'AggregationRule is an optional field that describes how to build the Rules for this ClusterRole.'),
  }),
  [r('ClusterRoleList')]: listKind(rbac('ClusterRoleList'), r('ClusterRole'), 'ClusterRoleList is a collection of ClusterRoles'),
  [r('RoleBinding')]: kind(
    rbac('RoleBinding'),
    'RoleBinding references a role, but does not contain it. It can reference a Role in the same namespace or a ClusterRole in the global namespace.',
    { subjects, roleRef: roleRef('RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.') },
    { required: ['roleRef'] },
  ),
  [r('RoleBindingList')]: listKind(rbac('RoleBindingList'), r('RoleBinding'), 'RoleBindingList is a collection of RoleBindings'),
  [r('ClusterRoleBinding')]: kind(
    rbac('ClusterRoleBinding'),
    'ClusterRoleBinding references a ClusterRole, but not contain it. It can reference a ClusterRole in the global namespace, and adds who information via Subject.',
    { subjects, roleRef: roleRef('RoleRef can only reference a ClusterRole in the global namespace.') },
    { required: ['roleRef'] },
  ),
  [r('ClusterRoleBindingList')]: listKind(rbac('ClusterRoleBindingList'), r('ClusterRoleBinding'), 'ClusterRoleBindingList is a collection of ClusterRoleBindings'),
  [r('PolicyRule')]: obj(
    {
      verbs: list(str(), { description: "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs.", listType: 'atomic' }),
      apiGroups: list(str(), { description: 'APIGroups is the name of the APIGroup that contains the resources. "" represents the core API group and "*" represents all API groups.', listType: 'atomic' }),
      resources: list(str(), { description: "Resources is a list of resources this rule applies to. '*' represents all resources.", listType: 'atomic' }),
      resourceNames: list(str(), { description: 'ResourceNames is an optional white list of names that the rule applies to.', listType: 'atomic' }),
      nonResourceURLs: list(str(), { description: 'NonResourceURLs is a set of partial urls that a user should have access to.', listType: 'atomic' }),
    },
    { description: 'PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to.', required: ['verbs'] },
  ),
  [r('AggregationRule')]: obj(
    { clusterRoleSelectors: list(ref(`${META}LabelSelector`), { description: 'ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules.', listType: 'atomic' }) },
    'AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole',
  ),
  [r('Subject')]: obj(
    {
      kind: str('Kind of object being referenced: "User", "Group" or "ServiceAccount".'),
      apiGroup: str('APIGroup holds the API group of the referenced subject.'),
      name: str('Name of the object being referenced.'),
      namespace: str('Namespace of the referenced object.'),
    },
    { description: 'Subject contains a reference to the object or user identities a role binding applies to.', required: ['kind', 'name'], mapType: 'atomic' },
  ),
  [r('RoleRef')]: obj(
    {
      apiGroup: str('APIGroup is the group for the resource being referenced'),
      kind: str('Kind is the type of resource being referenced'),
      name: str('Name is the name of resource being referenced'),
    },
    { description: 'RoleRef contains information that points to the role being used', required: ['apiGroup', 'kind', 'name'], mapType: 'atomic' },
  ),
};
