// The RBAC authorizer, as Kubernetes' plugin/pkg/auth/authorizer/rbac evaluates it: walk the
// ClusterRoleBindings, then the RoleBindings of the request's namespace; for each binding whose
// subjects include the user, test the referenced role's rules; the first matching rule allows.
// Nothing ever denies explicitly: no match means no. Members of system:masters are allowed
// before RBAC is consulted, as kube-apiserver's privileged-group authorizer does.
//
// ClusterRole aggregationRule is not evaluated here: an aggregated role's rules must already be
// filled in (bootstrap-policy ships admin/edit/view that way), as the aggregation controller
// would have done.
import type { KubeObject } from '../../../lib/api/object.js';
import { Errors, StatusError } from '../../../lib/api/status-error.js';
import { ALL, rbacKindOf, readRoleRef, readRules, readSubjects } from './rbac-types.js';
import type { PolicyRule, RoleRef, Subject } from './rbac-types.js';
import { Groups, serviceAccountUsername } from './user-info.js';
import type { UserInfo } from './user-info.js';

/** What is being asked (Kubernetes' authorizer.Attributes). */
export interface RequestAttributes {
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection, or any custom verb (bind, escalate, impersonate...). */
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** The URL path, for non-resource requests (/healthz, /version, /api). */
  path: string;
  isResourceRequest: boolean;
}

export interface AuthorizationDecision {
  allowed: boolean;
  /** Kubernetes' reason text: which binding allowed, or why rules could not be resolved (""). */
  reason: string;
}

/** Read access to the RBAC objects, shaped like Kubernetes' listers. */
export interface RbacPolicySource {
  listClusterRoleBindings(): Iterable<KubeObject>;
  listRoleBindings(namespace: string): Iterable<KubeObject>;
  getClusterRole(name: string): KubeObject | undefined;
  getRole(namespace: string, name: string): KubeObject | undefined;
}

/** An in-memory index of RBAC objects; other kinds are ignored. */
export function rbacPolicyFromObjects(objects: Iterable<KubeObject>): RbacPolicySource {
  const clusterRoles = new Map<string, KubeObject>();
  const roles = new Map<string, KubeObject>();
  const clusterRoleBindings: KubeObject[] = [];
  const roleBindings = new Map<string, KubeObject[]>();
  for (const obj of objects) {
    const name = obj.metadata.name ?? '';
    const ns = obj.metadata.namespace ?? '';
    switch (rbacKindOf(obj)) {
      case 'ClusterRole':
        clusterRoles.set(name, obj);
        break;
      case 'Role':
        roles.set(`${ns}/${name}`, obj);
        break;
      case 'ClusterRoleBinding':
        clusterRoleBindings.push(obj);
        break;
      case 'RoleBinding': {
        const list = roleBindings.get(ns) ?? [];
        list.push(obj);
        roleBindings.set(ns, list);
        break;
      }
      case undefined:
        break;
    }
  }
  return {
    listClusterRoleBindings: () => clusterRoleBindings,
    listRoleBindings: (namespace) => roleBindings.get(namespace) ?? [],
    getClusterRole: (name) => clusterRoles.get(name),
    getRole: (namespace, name) => roles.get(`${namespace}/${name}`),
  };
}

const has = (list: readonly string[] | undefined, v: string): boolean => list?.includes(v) ?? false;

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === ALL || g === group);
}

/** "*", the exact "resource" or "resource/subresource", or "*\/subresource". */
export function resourceMatches(rule: PolicyRule, combinedResource: string, subresource: string): boolean {
  return (rule.resources ?? []).some(
    (r) => r === ALL || r === combinedResource || (subresource !== '' && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)),
  );
}

/** No resourceNames means every name; otherwise the request's name must be listed. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** "*", the exact path, or a prefix ending in "*". */
export function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === ALL || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))));
}

export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!attrs.isResourceRequest) return verbMatches(rule, attrs.verb) && nonResourceUrlMatches(rule, attrs.path);
  const combined = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  return (
    verbMatches(rule, attrs.verb) &&
    apiGroupMatches(rule, attrs.apiGroup) &&
    resourceMatches(rule, combined, attrs.subresource) &&
    resourceNameMatches(rule, attrs.name)
  );
}

/** Whether subject names the user; a ServiceAccount without a namespace takes the binding's. */
export function subjectMatches(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return has(user.groups, subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace !== undefined && subject.namespace !== '' ? subject.namespace : bindingNamespace;
      return ns !== '' && user.name === serviceAccountUsername(ns, subject.name);
    }
    default:
      return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace !== undefined && s.namespace !== '' ? s.namespace : bindingNamespace;
    return `${s.kind} ${JSON.stringify(`${s.name}/${ns}`)}`;
  }
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

type RulesOrError = { rules: PolicyRule[] } | { error: string };

function roleRefRules(policy: RbacPolicySource, ref: RoleRef, bindingNamespace: string): RulesOrError {
  switch (ref.kind) {
    case 'Role': {
      const role = policy.getRole(bindingNamespace, ref.name);
      return role ? { rules: readRules(role) } : { error: `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
    }
    case 'ClusterRole': {
      const role = policy.getClusterRole(ref.name);
      return role ? { rules: readRules(role) } : { error: `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` };
    }
    default:
      return { error: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
  }
}

/** utilerrors.NewAggregate's text: one message, or "[a, b]" without duplicates. */
function aggregate(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
}

function isPolicySource(p: RbacPolicySource | Iterable<KubeObject>): p is RbacPolicySource {
  return typeof (p as Partial<RbacPolicySource>).getClusterRole === 'function';
}

/** Decides a request against RBAC objects (a lister-like source, or simply all the objects). */
export function authorize(attrs: RequestAttributes, policy: RbacPolicySource | Iterable<KubeObject>): AuthorizationDecision {
  if (has(attrs.user.groups, Groups.masters)) return { allowed: true, reason: '' };
  const source = isPolicySource(policy) ? policy : rbacPolicyFromObjects(policy);
  const errors: string[] = [];
  let reason = '';

  const visit = (binding: KubeObject, bindingNamespace: string, kindLabel: string, bindingLabel: string): boolean => {
    const subject = readSubjects(binding).find((s) => subjectMatches(attrs.user, s, bindingNamespace));
    if (!subject) return false;
    const ref = readRoleRef(binding);
    if (!ref) return false;
    const resolved = roleRefRules(source, ref, bindingNamespace);
    if ('error' in resolved) {
      errors.push(resolved.error);
      return false;
    }
    if (!resolved.rules.some((r) => ruleAllows(attrs, r))) return false;
    reason = `RBAC: allowed by ${kindLabel} ${JSON.stringify(bindingLabel)} of ${ref.kind} ${JSON.stringify(ref.name)} to ${describeSubject(subject, bindingNamespace)}`;
    return true;
  };

  for (const crb of source.listClusterRoleBindings()) {
    if (visit(crb, '', 'ClusterRoleBinding', crb.metadata.name ?? '')) return { allowed: true, reason };
  }
  if (attrs.namespace !== '') {
    for (const rb of source.listRoleBindings(attrs.namespace)) {
      if (visit(rb, attrs.namespace, 'RoleBinding', `${rb.metadata.name ?? ''}/${attrs.namespace}`)) return { allowed: true, reason };
    }
  }
  return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregate(errors)}` : '' };
}

/** Kubernetes escapes these in forbidden messages so they are safe to show in HTML. */
function sanitize(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The "User ... cannot ..." sentence of a 403, word for word as kube-apiserver writes it. */
export function forbiddenMessage(attrs: RequestAttributes): string {
  const user = JSON.stringify(attrs.user.name);
  if (!attrs.isResourceRequest) return sanitize(`User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`);
  const resource = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  const head = `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)}`;
  return sanitize(attrs.namespace !== '' ? `${head} in the namespace ${JSON.stringify(attrs.namespace)}` : `${head} at the cluster scope`);
}

/** The 403 StatusError for a denied request, with the authorizer's reason appended when there is one. */
export function forbiddenError(attrs: RequestAttributes, reason = ''): StatusError {
  const msg = forbiddenMessage(attrs);
  const why = reason === '' ? msg : `${msg}: ${reason}`;
  // A non-resource request has no group/resource: Kubernetes then says just "forbidden: ...".
  if (!attrs.isResourceRequest) return new StatusError(403, 'Forbidden', `forbidden: ${why}`, {});
  return Errors.forbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name, why);
}
