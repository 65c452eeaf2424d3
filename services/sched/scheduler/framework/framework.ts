// frameworkImpl: the plugins of one profile, sorted by extension point, and the loops that run
// them. Filters stop at the first rejection (the status names the plugin); scores are
// normalized to 0..100 and multiplied by the plugin's weight.
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { PluginConfigError } from '../errors.js';
import type { ClusterEvent, ClusterEventWithHint } from './cluster-event.js';
import { eventMatches } from './cluster-event.js';
import type { CycleState } from './cycle-state.js';
import type {
  AnyPlugin,
  FilterPlugin,
  FrameworkHandle,
  PreFilterPlugin,
  PreScorePlugin,
  Registry,
  ReservePlugin,
  ScorePlugin,
} from './interfaces.js';
import { MAX_NODE_SCORE } from './interfaces.js';
import type { Profile } from './profile.js';
import type { Status } from './status.js';
import { Code, SUCCESS, asStatus, isSuccess, withPlugin } from './status.js';

export interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

function isPreFilter(p: AnyPlugin): p is AnyPlugin & PreFilterPlugin {
  return typeof p.preFilter === 'function';
}
function isFilter(p: AnyPlugin): p is AnyPlugin & FilterPlugin {
  return typeof p.filter === 'function';
}
function isPreScore(p: AnyPlugin): p is AnyPlugin & PreScorePlugin {
  return typeof p.preScore === 'function';
}
function isScore(p: AnyPlugin): p is AnyPlugin & ScorePlugin {
  return typeof p.score === 'function';
}
function isReserve(p: AnyPlugin): p is AnyPlugin & ReservePlugin {
  return typeof p.reserve === 'function' && typeof p.unreserve === 'function';
}

export class Framework {
  readonly schedulerName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly plugins: readonly AnyPlugin[];
  private readonly preFilters: PreFilterPlugin[] = [];
  private readonly filters: FilterPlugin[] = [];
  private readonly preScores: PreScorePlugin[] = [];
  private readonly scores: WeightedScorePlugin[] = [];
  private readonly reserves: ReservePlugin[] = [];
  private readonly enqueueEvents = new Map<string, readonly ClusterEventWithHint[]>();

  constructor(profile: Profile, registry: Registry, handle: FrameworkHandle) {
    this.schedulerName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    const plugins: AnyPlugin[] = [];
    const seen = new Set<string>();
    for (const cfg of profile.plugins) {
      const factory = registry.get(cfg.name);
      if (!factory) throw new PluginConfigError(cfg.name, 'is not registered');
      if (seen.has(cfg.name)) throw new PluginConfigError(cfg.name, 'is enabled twice');
      seen.add(cfg.name);
      const weight = cfg.weight ?? 1;
      if (!Number.isInteger(weight) || weight <= 0) throw new PluginConfigError(cfg.name, `has invalid weight ${weight}`);
      const p = factory(cfg.args, handle);
      plugins.push(p);
      if (isPreFilter(p)) this.preFilters.push(p);
      if (isFilter(p)) this.filters.push(p);
      if (isPreScore(p)) this.preScores.push(p);
      if (isScore(p)) this.scores.push({ plugin: p, weight });
      if (isReserve(p)) this.reserves.push(p);
      if (typeof p.eventsToRegister === 'function') this.enqueueEvents.set(p.name, p.eventsToRegister());
    }
    this.plugins = plugins;
  }

  get hasScorePlugins(): boolean {
    return this.scores.length > 0;
  }

  /**
   * Runs every PreFilter. Returns the first rejection or error (naming its plugin); plugins
   * that return Skip are recorded in the state and their filters left out.
   */
  runPreFilterPlugins(state: CycleState, pod: PodInfo): Status {
    for (const p of this.preFilters) {
      let s: Status;
      try {
        s = p.preFilter(state, pod);
      } catch (err) {
        s = asStatus(err);
      }
      if (s.code === Code.Skip) {
        state.skipFilterPlugins.add(p.name);
        continue;
      }
      if (!isSuccess(s)) return withPlugin(s, p.name);
    }
    return SUCCESS;
  }

  /** The filters to run this attempt, in order (computed once, after PreFilter). */
  activeFilters(state: CycleState): readonly FilterPlugin[] {
    if (state.skipFilterPlugins.size === 0) return this.filters;
    return this.filters.filter((f) => !state.skipFilterPlugins.has(f.name));
  }

  /** Runs the filters on one node; the first one that does not succeed decides. */
  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo, filters: readonly FilterPlugin[]): Status {
    for (let i = 0; i < filters.length; i++) {
      const f = filters[i]!;
      let s: Status;
      try {
        s = f.filter(state, pod, node);
      } catch (err) {
        s = asStatus(err);
      }
      if (s.code !== Code.Success) return withPlugin(s, f.name);
    }
    return SUCCESS;
  }

  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    for (const p of this.preScores) {
      let s: Status;
      try {
        s = p.preScore(state, pod, nodes);
      } catch (err) {
        s = asStatus(err);
      }
      if (s.code === Code.Skip) {
        state.skipScorePlugins.add(p.name);
        continue;
      }
      if (!isSuccess(s)) return withPlugin(s, p.name);
    }
    return SUCCESS;
  }

  /**
   * Scores `nodes` with every score plugin not skipped, adds weight × normalized score into
   * `totals` (which must be zeroed, one slot per node), and, when `perPlugin` is given, stores
   * each plugin's normalized scores there.
   */
  runScorePlugins(
    state: CycleState,
    pod: PodInfo,
    nodes: readonly NodeInfo[],
    totals: Float64Array,
    scratch: Float64Array,
    perPlugin?: Map<string, Float64Array>,
  ): Status {
    const n = nodes.length;
    for (const { plugin, weight } of this.scores) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const scores = scratch.subarray(0, n);
      try {
        for (let i = 0; i < n; i++) {
          const r = plugin.score(state, pod, nodes[i]!);
          if (typeof r !== 'number') return withPlugin(r, plugin.name);
          scores[i] = r;
        }
        if (plugin.normalizeScore) {
          const s = plugin.normalizeScore(state, pod, scores, nodes);
          if (!isSuccess(s)) return withPlugin(s, plugin.name);
        }
      } catch (err) {
        return withPlugin(asStatus(err), plugin.name);
      }
      for (let i = 0; i < n; i++) {
        const v = scores[i]!;
        if (v < 0 || v > MAX_NODE_SCORE) {
          return withPlugin(asStatus(new Error(`plugin "${plugin.name}" returns an invalid score ${v}, it should in the range of [0, ${MAX_NODE_SCORE}] after normalizing`)), plugin.name);
        }
        totals[i] = totals[i]! + v * weight;
      }
      if (perPlugin) perPlugin.set(plugin.name, scores.slice());
    }
    return SUCCESS;
  }

  runReservePluginsReserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (const p of this.reserves) {
      let s: Status;
      try {
        s = p.reserve(state, pod, nodeName);
      } catch (err) {
        s = asStatus(err);
      }
      if (!isSuccess(s)) return withPlugin(s, p.name);
    }
    return SUCCESS;
  }

  /** Unreserve runs in reverse order, as in Kubernetes. */
  runReservePluginsUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reserves.length - 1; i >= 0; i--) this.reserves[i]!.unreserve(state, pod, nodeName);
  }

  /**
   * Whether `event` may make `pod` schedulable, given the plugins that rejected it. A pod no
   * plugin rejected (it failed with an error) is moved by any event.
   */
  isPodWorthRequeuing(pod: PodInfo, rejectors: ReadonlySet<string>, event: ClusterEvent): boolean {
    if (rejectors.size === 0 || event.resource === 'WildCard') return true;
    for (const name of rejectors) {
      const registered = this.enqueueEvents.get(name);
      // A plugin that registers nothing is woken by every event.
      if (registered === undefined) return true;
      for (const r of registered) {
        if (!eventMatches(r, event)) continue;
        if (!r.hint) return true;
        try {
          if (r.hint(pod, event) === 'Queue') return true;
        } catch {
          // A hint that fails cannot rule the event out (Kubernetes queues the pod too).
          return true;
        }
      }
    }
    return false;
  }
}
