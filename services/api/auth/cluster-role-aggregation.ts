// ClusterRole aggregation, as Kubernetes' clusterrole-aggregation controller does it: a role
// with an aggregationRule gets the rules of every other ClusterRole its label selectors match
// (by name order, duplicates dropped). Roles can aggregate roles that aggregate (view -> edit
// -> admin), so this repeats until nothing changes. The authorizer never looks at
// aggregationRule; whoever stores ClusterRoles runs this to fill in their rules.
import type { LabelSelector, PolicyRule } from './rbac-types.js';
import { isRecord } from '../../../lib/api/object.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { readRules } from './rbac-types.js';

function readSelectors(role: KubeObject): LabelSelector[] | undefined {
  const rule = role['aggregationRule'];
  if (!isRecord(rule)) return undefined;
  const selectors = rule['clusterRoleSelectors'];
  return Array.isArray(selectors) ? selectors.filter(isRecord).map((s) => s as LabelSelector) : [];
}

/** metav1.LabelSelector matching; an empty selector matches nothing here, as in the controller's use. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  if (matchLabels.length === 0 && expressions.length === 0) return false;
  if (!matchLabels.every(([k, v]) => labels[k] === v)) return false;
  return expressions.every((e) => {
    const present = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        return present && (e.values ?? []).includes(value ?? '');
      case 'NotIn':
        return !present || !(e.values ?? []).includes(value ?? '');
      case 'Exists':
        return present;
      case 'DoesNotExist':
        return !present;
      default:
        return false;
    }
  });
}

const ruleKey = (r: PolicyRule): string =>
  JSON.stringify([r.verbs, r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);

/** Plain JSON of a rule, without the empty lists Kubernetes omits. */
export function ruleJson(r: PolicyRule): PolicyRule {
  const out: PolicyRule = { verbs: [...r.verbs] };
  if (r.apiGroups && r.apiGroups.length > 0) out.apiGroups = [...r.apiGroups];
  if (r.resources && r.resources.length > 0) out.resources = [...r.resources];
  if (r.resourceNames && r.resourceNames.length > 0) out.resourceNames = [...r.resourceNames];
  if (r.nonResourceURLs && r.nonResourceURLs.length > 0) out.nonResourceURLs = [...r.nonResourceURLs];
  return out;
}

/** Copies of the roles with every aggregated role's rules filled in. */
export function aggregateClusterRoles<T extends KubeObject>(roles: readonly T[]): T[] {
  const out = roles.map((r) => structuredClone(r));
  const byName = [...out].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (let changed = true, rounds = 0; changed && rounds < out.length + 1; rounds++) {
    changed = false;
    for (const role of out) {
      const selectors = readSelectors(role);
      if (!selectors) continue;
      const rules: PolicyRule[] = [];
      const seen = new Set<string>();
      for (const other of byName) {
        if (other === role) continue;
        const labels = other.metadata.labels ?? {};
        if (!selectors.some((s) => selectorMatches(s, labels))) continue;
        for (const r of readRules(other)) {
          const key = ruleKey(r);
          if (seen.has(key)) continue;
          seen.add(key);
          rules.push(ruleJson(r));
        }
      }
      if (JSON.stringify(rules) !== JSON.stringify(readRules(role).map(ruleJson))) {
        (role as KubeObject)['rules'] = rules;
        changed = true;
      }
    }
  }
  return out;
}
