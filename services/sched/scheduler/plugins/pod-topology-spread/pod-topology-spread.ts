// PodTopologySpread: spreads matching pods over topology domains (zones, nodes...).
// DoNotSchedule constraints filter: placing the pod in a domain must keep
//   matching pods there + (1 if the pod matches itself) - the global minimum <= maxSkew,
// where the minimum counts as 0 while there are fewer than minDomains domains. Only nodes that
// pass the constraint's node inclusion policies (nodeAffinityPolicy Honor, nodeTaintsPolicy
// Ignore by default) and carry every topology key count towards domains.
// ScheduleAnyway constraints score: fewer matching pods in the node's domains is better. A pod
// with no constraints at all gets Kubernetes' system defaults (hostname maxSkew 3, zone maxSkew
// 5, ScheduleAnyway); Kubernetes selects the pods to spread with by the labels of the pod's
// Services and controllers, we by the pod's controlling ReplicaSet/ReplicationController/
// StatefulSet (same owner uid), which picks the same pods for the usual workloads.
import type { LabelSelector, Requirement } from '../../../../../lib/api/labels.js';
import { matchesLabels, newRequirement, selectorFromMetav1, selectorFromRequirements } from '../../../../../lib/api/labels.js';
import { arrayOf, numberOf, stringOf } from '../../api-fields.js';
import { LabelTopologyZone } from '../../cache/node-tree.js';
import { ActionType, ActionTypes } from '../../framework/cluster-event.js';
import type { ClusterEvent, ClusterEventWithHint, QueueingHint } from '../../framework/cluster-event.js';
import type { CycleState } from '../../framework/cycle-state.js';
import { StateKey } from '../../framework/cycle-state.js';
import type {
  ClusterSnapshot,
  EnqueueExtensions,
  FilterPlugin,
  FrameworkHandle,
  PluginFactory,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from '../../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../../framework/interfaces.js';
import type { Status } from '../../framework/status.js';
import { SKIP, SUCCESS, asStatus, unresolvable, unschedulable } from '../../framework/status.js';
import type { NodeInfo } from '../../node-info.js';
import { requiredAffinityMatches } from '../../node-selector.js';
import type { PodInfo } from '../../pod-info.js';
import { findUntoleratedTaint, isDoNotScheduleTaint } from '../../taints.js';
import { PluginName } from '../names.js';

export const LabelHostname = 'kubernetes.io/hostname';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const NOT_MATCH = unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
const MISSING_LABEL = unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);

type InclusionPolicy = 'Honor' | 'Ignore';
type WhenUnsatisfiable = 'DoNotSchedule' | 'ScheduleAnyway';

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly minDomains: number;
  /** Pods counted: same namespace and matching this selector... */
  readonly selector: LabelSelector | undefined;
  /** ...or, for the system defaults, controlled by this owner. */
  readonly ownerUid: string | undefined;
  readonly nodeAffinityPolicy: InclusionPolicy;
  readonly nodeTaintsPolicy: InclusionPolicy;
}

/** The pod's constraints with the given whenUnsatisfiable; throws on a selector that does not parse. */
export function podConstraints(pod: PodInfo, when: WhenUnsatisfiable): SpreadConstraint[] {
  const out: SpreadConstraint[] = [];
  for (const raw of pod.topologySpreadConstraints) {
    if (stringOf(raw.whenUnsatisfiable) !== when) continue;
    let selector = selectorFromMetav1(raw.labelSelector);
    // matchLabelKeys: the pod's own values for these keys narrow the selector.
    const extra: Requirement[] = [];
    for (const k of arrayOf(raw.matchLabelKeys)) {
      if (typeof k !== 'string') continue;
      const v = pod.labels[k];
      if (v !== undefined && Object.prototype.hasOwnProperty.call(pod.labels, k)) extra.push(newRequirement(k, 'in', [v]));
    }
    if (extra.length > 0 && selector.nothing !== true) selector = selectorFromRequirements([...selector.requirements, ...extra]);
    out.push({
      maxSkew: numberOf(raw.maxSkew, 1),
      topologyKey: stringOf(raw.topologyKey),
      minDomains: numberOf(raw.minDomains, 1),
      selector,
      ownerUid: undefined,
      nodeAffinityPolicy: stringOf(raw.nodeAffinityPolicy) === 'Ignore' ? 'Ignore' : 'Honor',
      nodeTaintsPolicy: stringOf(raw.nodeTaintsPolicy) === 'Honor' ? 'Honor' : 'Ignore',
    });
  }
  return out;
}

/** The system default constraints (ScheduleAnyway), for a pod with a spreading owner. */
export function defaultConstraints(pod: PodInfo): SpreadConstraint[] {
  const ownerUid = pod.spreadOwnerUid;
  if (ownerUid === undefined) return [];
  const base = { minDomains: 1, selector: undefined, ownerUid, nodeAffinityPolicy: 'Honor', nodeTaintsPolicy: 'Ignore' } as const;
  return [
    { ...base, maxSkew: 3, topologyKey: LabelHostname },
    { ...base, maxSkew: 5, topologyKey: LabelTopologyZone },
  ];
}

function podCounts(c: SpreadConstraint, pod: PodInfo, namespace: string): boolean {
  if (pod.terminating || pod.namespace !== namespace) return false;
  if (c.ownerUid !== undefined) return pod.spreadOwnerUid === c.ownerUid;
  return c.selector !== undefined && matchesLabels(c.selector, pod.labels);
}

/** countPodsMatchSelector: non-terminating pods of the namespace on the node that the constraint selects. */
function countOnNode(c: SpreadConstraint, node: NodeInfo, namespace: string): number {
  if (c.ownerUid !== undefined) return node.spreadOwnerCounts.get(c.ownerUid) ?? 0;
  let n = 0;
  for (const p of node.pods.values()) if (podCounts(c, p, namespace)) n++;
  return n;
}

function hasAllKeys(labels: Readonly<Record<string, string>>, constraints: readonly SpreadConstraint[]): boolean {
  for (const c of constraints) if (!Object.prototype.hasOwnProperty.call(labels, c.topologyKey)) return false;
  return true;
}

function includesNode(c: SpreadConstraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && pod.requiredAffinity && !requiredAffinityMatches(pod.requiredAffinity, node.name, node.labels)) {
    return false;
  }
  if (c.nodeTaintsPolicy === 'Honor' && findUntoleratedTaint(node.taints, pod.tolerations, isDoNotScheduleTaint)) return false;
  return true;
}

interface PreFilterState {
  readonly constraints: readonly SpreadConstraint[];
  /** Per constraint: domain value → matching pods. */
  readonly counts: readonly Map<string, number>[];
  /** Per constraint: the smallest count over its domains. */
  readonly minMatch: readonly number[];
  /** Per constraint: whether the pod itself is one of the pods it counts. */
  readonly selfMatch: readonly boolean[];
}

interface PreScoreState {
  readonly constraints: readonly SpreadConstraint[];
  /** Per constraint (undefined for hostname ones, counted per node): domain value → matching pods. */
  readonly pairCounts: readonly (Map<string, number> | undefined)[];
  readonly weights: readonly number[];
  /** Feasible nodes without every topology key: scored 0. */
  readonly ignored: ReadonlySet<string>;
}

const preFilterKey = new StateKey<PreFilterState>('PreFilterPodTopologySpread');
const preScoreKey = new StateKey<PreScoreState>('PreScorePodTopologySpread');

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = PluginName.PodTopologySpread;

  constructor(private readonly snapshot: ClusterSnapshot) {}

  preFilter(state: CycleState, pod: PodInfo): Status {
    let constraints: SpreadConstraint[];
    try {
      constraints = podConstraints(pod, 'DoNotSchedule');
    } catch (err) {
      return asStatus(err);
    }
    if (constraints.length === 0) return SKIP;
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of this.snapshot.nodeInfoList()) {
      if (!hasAllKeys(node.labels, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        if (!includesNode(c, pod, node)) continue;
        const value = node.labels[c.topologyKey]!;
        const m = counts[i]!;
        m.set(value, (m.get(value) ?? 0) + countOnNode(c, node, pod.namespace));
      }
    }
    const minMatch = counts.map((m) => {
      let min = Number.MAX_SAFE_INTEGER;
      for (const v of m.values()) if (v < min) min = v;
      return min;
    });
    const selfMatch = constraints.map((c) => c.selector !== undefined && matchesLabels(c.selector, pod.labels));
    state.write(preFilterKey, { constraints, counts, minMatch, selfMatch });
    return SUCCESS;
  }

  filter(state: CycleState, _pod: PodInfo, node: NodeInfo): Status {
    const s = state.read(preFilterKey);
    if (!s) return asStatus(new Error('PreFilterPodTopologySpread state not found'));
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      if (!Object.prototype.hasOwnProperty.call(node.labels, c.topologyKey)) return MISSING_LABEL;
      const value = node.labels[c.topologyKey]!;
      const counts = s.counts[i]!;
      const min = counts.size < c.minDomains ? 0 : s.minMatch[i]!;
      const skew = (counts.get(value) ?? 0) + (s.selfMatch[i] ? 1 : 0) - min;
      if (skew > c.maxSkew) return NOT_MATCH;
    }
    return SUCCESS;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    if (nodes.length === 0) return SKIP;
    const explicit = pod.topologySpreadConstraints.length > 0;
    let constraints: SpreadConstraint[];
    try {
      constraints = explicit ? podConstraints(pod, 'ScheduleAnyway') : defaultConstraints(pod);
    } catch (err) {
      return asStatus(err);
    }
    if (constraints.length === 0) return SKIP;
    // System defaults do not require every key, so nodes without a zone still spread by host.
    const requireAll = explicit;
    const ignored = new Set<string>();
    const pairCounts = constraints.map((c) => (c.topologyKey === LabelHostname ? undefined : new Map<string, number>()));
    for (const node of nodes) {
      if (requireAll && !hasAllKeys(node.labels, constraints)) {
        ignored.add(node.name);
        continue;
      }
      for (let i = 0; i < constraints.length; i++) {
        const m = pairCounts[i];
        if (!m) continue;
        const value = node.labels[constraints[i]!.topologyKey] ?? '';
        if (!m.has(value)) m.set(value, 0);
      }
    }
    const weights = constraints.map((c, i) => {
      const size = c.topologyKey === LabelHostname ? nodes.length - ignored.size : (pairCounts[i]?.size ?? 0);
      return Math.log(size + 2);
    });
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i]!;
      const m = pairCounts[i];
      if (!m) continue;
      const add = (node: NodeInfo, n: number): void => {
        if (requireAll && !hasAllKeys(node.labels, constraints)) return;
        if (!includesNode(c, pod, node)) return;
        const value = node.labels[c.topologyKey] ?? '';
        const cur = m.get(value);
        if (cur !== undefined) m.set(value, cur + n);
      };
      if (c.ownerUid !== undefined) {
        // Only the nodes holding the owner's pods matter: walk the owner index, not every node.
        for (const [nodeName, n] of this.snapshot.spreadOwnerPodCounts(c.ownerUid) ?? []) {
          const node = this.snapshot.getNodeInfo(nodeName);
          if (node) add(node, n);
        }
      } else {
        for (const node of this.snapshot.nodeInfoList()) add(node, countOnNode(c, node, pod.namespace));
      }
    }
    state.write(preScoreKey, { constraints, pairCounts, weights, ignored });
    return SUCCESS;
  }

  score(state: CycleState, pod: PodInfo, node: NodeInfo): number | Status {
    const s = state.read(preScoreKey);
    if (!s) return asStatus(new Error('PreScorePodTopologySpread state not found'));
    if (s.ignored.has(node.name)) return 0;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const value = node.labels[c.topologyKey];
      if (value === undefined) continue;
      const m = s.pairCounts[i];
      const cnt = m ? (m.get(value) ?? 0) : countOnNode(c, node, pod.namespace);
      score += cnt * s.weights[i]! + (c.maxSkew - 1);
    }
    return Math.round(score);
  }

  /** Fewest matching pods → 100: 100 × (max + min - score) / max; ignored nodes get 0. */
  normalizeScore(state: CycleState, _pod: PodInfo, scores: Float64Array, nodes: readonly NodeInfo[]): Status {
    const s = state.read(preScoreKey);
    if (!s) return SUCCESS;
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored.has(nodes[i]!.name)) continue;
      const v = scores[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    for (let i = 0; i < scores.length; i++) {
      if (s.ignored.has(nodes[i]!.name)) scores[i] = 0;
      else if (max === 0) scores[i] = MAX_NODE_SCORE;
      else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
    }
    return SUCCESS;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      { resource: 'AssignedPod', actions: ActionType.Add | ActionType.Delete | ActionTypes.PodUpdate, hint: schedulableAfterPodChange },
      {
        resource: 'Node',
        actions: ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint,
        hint: schedulableAfterNodeChange,
      },
    ];
  }
}

/** A pod change matters when the changed pod is one the pod's hard constraints count. */
function schedulableAfterPodChange(pod: PodInfo, event: ClusterEvent): QueueingHint {
  const constraints = podConstraints(pod, 'DoNotSchedule');
  for (const changed of [event.oldPod, event.newPod]) {
    if (!changed) continue;
    if (constraints.some((c) => c.selector !== undefined && changed.namespace === pod.namespace && matchesLabels(c.selector, changed.labels))) {
      return 'Queue';
    }
  }
  return 'QueueSkip';
}

/** A node change matters when the node (before or after) carries the constraints' topology keys. */
function schedulableAfterNodeChange(pod: PodInfo, event: ClusterEvent): QueueingHint {
  const constraints = podConstraints(pod, 'DoNotSchedule');
  for (const n of [event.oldNode, event.newNode]) if (n && hasAllKeys(n.labels, constraints)) return 'Queue';
  return 'QueueSkip';
}

export const newPodTopologySpread: PluginFactory = (_args: unknown, handle: FrameworkHandle) => new PodTopologySpread(handle.snapshot);
