// rbac.authorization.k8s.io/v1 shapes (Role, ClusterRole, RoleBinding, ClusterRoleBinding) and
// readers that narrow stored JSON to them. Stored objects are plain KubeObjects; a malformed
// field reads as empty, which grants nothing.
import { isRecord } from '../../../lib/api/object.js';
import type { KubeObject } from '../../../lib/api/object.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const RBAC_API_VERSION = `${RBAC_GROUP}/v1`;

/** "*": every verb, group or resource. */
export const ALL = '*';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface Subject {
  kind: SubjectKind | (string & {});
  /** rbac.authorization.k8s.io for User and Group, "" for ServiceAccount. */
  apiGroup?: string;
  name: string;
  /** Required for a ServiceAccount in a ClusterRoleBinding; defaults to the binding's namespace in a RoleBinding. */
  namespace?: string;
}

export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole' | (string & {});
  name: string;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface AggregationRule {
  clusterRoleSelectors?: LabelSelector[];
}

export interface Role extends KubeObject {
  rules?: PolicyRule[];
}

export interface ClusterRole extends Role {
  aggregationRule?: AggregationRule;
}

export interface RoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

export type ClusterRoleBinding = RoleBinding;

export type RbacKind = 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding';

/** The RBAC kind of an object, if it is one (any served version of the group). */
export function rbacKindOf(obj: KubeObject): RbacKind | undefined {
  if (!obj.apiVersion.startsWith(`${RBAC_GROUP}/`)) return undefined;
  const k = obj.kind;
  return k === 'Role' || k === 'ClusterRole' || k === 'RoleBinding' || k === 'ClusterRoleBinding' ? k : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

export function readRules(obj: KubeObject): PolicyRule[] {
  const raw = obj['rules'];
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((r) => ({
    verbs: strings(r['verbs']),
    apiGroups: strings(r['apiGroups']),
    resources: strings(r['resources']),
    resourceNames: strings(r['resourceNames']),
    nonResourceURLs: strings(r['nonResourceURLs']),
  }));
}

export function readSubjects(obj: KubeObject): Subject[] {
  const raw = obj['subjects'];
  if (!Array.isArray(raw)) return [];
  const out: Subject[] = [];
  for (const s of raw) {
    if (!isRecord(s) || typeof s['kind'] !== 'string' || typeof s['name'] !== 'string') continue;
    const subject: Subject = { kind: s['kind'], name: s['name'] };
    if (typeof s['apiGroup'] === 'string') subject.apiGroup = s['apiGroup'];
    if (typeof s['namespace'] === 'string') subject.namespace = s['namespace'];
    out.push(subject);
  }
  return out;
}

export function readRoleRef(obj: KubeObject): RoleRef | undefined {
  const r = obj['roleRef'];
  if (!isRecord(r) || typeof r['kind'] !== 'string' || typeof r['name'] !== 'string') return undefined;
  return { apiGroup: typeof r['apiGroup'] === 'string' ? r['apiGroup'] : '', kind: r['kind'], name: r['name'] };
}
