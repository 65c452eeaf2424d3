// Runs one plugin's extension points the way the framework does, for table-driven plugin
// tests: PreFilter then Filter on every node; PreScore then Score and NormalizeScore over the
// given nodes.
import type { KubeObject } from '../../../../lib/api/object.js';
import type { SchedulerCache } from '../cache/scheduler-cache.js';
import { CycleState } from '../framework/cycle-state.js';
import type { AnyPlugin } from '../framework/interfaces.js';
import type { Status } from '../framework/status.js';
import { Code, statusMessage } from '../framework/status.js';
import { PodInfo } from '../pod-info.js';

/** "Success", "Skip", or "<Code>: <reasons>". */
export function describeStatus(s: Status): string {
  return s.code === Code.Success || s.code === Code.Skip ? s.code : `${s.code}: ${statusMessage(s)}`;
}

/** Node name → the plugin's filter verdict; every node reads "Skip" when PreFilter skips. */
export function filterResults(plugin: AnyPlugin, pod: KubeObject, snapshot: SchedulerCache): Record<string, string> {
  const pi = new PodInfo(pod);
  const state = new CycleState();
  const out: Record<string, string> = {};
  const pre = plugin.preFilter?.(state, pi);
  for (const node of snapshot.nodeInfoList()) {
    if (pre && pre.code !== Code.Success) {
      out[node.name] = describeStatus(pre);
      continue;
    }
    if (!plugin.filter) throw new Error(`${plugin.name} has no filter`);
    out[node.name] = describeStatus(plugin.filter(state, pi, node));
  }
  return out;
}

/**
 * Node name → the plugin's normalized score, treating the named nodes (all by default) as the
 * feasible ones; undefined when PreScore skips.
 */
export function scoreResults(
  plugin: AnyPlugin,
  pod: KubeObject,
  snapshot: SchedulerCache,
  feasible?: readonly string[],
): Record<string, number> | undefined {
  const pi = new PodInfo(pod);
  const state = new CycleState();
  const nodes = snapshot.nodeInfoList().filter((n) => feasible === undefined || feasible.includes(n.name));
  const pre = plugin.preScore?.(state, pi, nodes);
  if (pre?.code === Code.Skip) return undefined;
  if (pre && pre.code !== Code.Success) throw new Error(`PreScore: ${describeStatus(pre)}`);
  if (!plugin.score) throw new Error(`${plugin.name} has no score`);
  const scores = new Float64Array(nodes.length);
  nodes.forEach((n, i) => {
    const r = plugin.score!(state, pi, n);
    if (typeof r !== 'number') throw new Error(`Score: ${describeStatus(r)}`);
    scores[i] = r;
  });
  const norm = plugin.normalizeScore?.(state, pi, scores, nodes);
  if (norm && norm.code !== Code.Success) throw new Error(`NormalizeScore: ${describeStatus(norm)}`);
  return Object.fromEntries(nodes.map((n, i) => [n.name, scores[i]!]));
}
