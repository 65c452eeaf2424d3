// The scheduler's error conditions, one class each.
import type { Status } from './framework/status.js';

/** What a failed attempt learned: why each node was turned down, and by which plugins. */
export interface Diagnosis {
  /** Node name → the status of the filter that rejected it. */
  readonly nodeToStatus: Map<string, Status>;
  /** Plugins that rejected the pod somewhere: the queue wakes the pod on their events. */
  readonly unschedulablePlugins: Set<string>;
  /** The message of a PreFilter rejection ('' when every PreFilter passed). */
  preFilterMsg: string;
}

export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), unschedulablePlugins: new Set(), preFilterMsg: '' };
}

/**
 * No node fits the pod. The message is FitError.Error()'s: "0/N nodes are available: " then
 * "<count> <reason>" per distinct reason, sorted as strings, joined by ", ", ending with ".".
 * (Kubernetes appends " preemption: ..." from its DefaultPreemption plugin; we have none.)
 */
export class FitError extends Error {
  override readonly name = 'FitError';

  constructor(
    readonly podKey: string,
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {
    super(fitErrorMessage(numAllNodes, diagnosis));
  }
}

export function fitErrorMessage(numAllNodes: number, diagnosis: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (diagnosis.preFilterMsg !== '') return `${msg} ${diagnosis.preFilterMsg}.`;
  const histogram = new Map<string, number>();
  for (const status of diagnosis.nodeToStatus.values()) {
    for (const reason of status.reasons) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
  }
  const parts: string[] = [];
  for (const [reason, count] of histogram) parts.push(`${count} ${reason}`);
  // Go's sort.Strings: byte order, which for these ASCII texts is UTF-16 code unit order.
  parts.sort();
  if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  return msg;
}

/** ErrNoNodesAvailable: the cache has no nodes at all. */
export class NoNodesAvailableError extends Error {
  override readonly name = 'NoNodesAvailableError';

  constructor() {
    super('no nodes available to schedule pods');
  }
}

/** A plugin of a profile is unknown, enabled twice or badly configured. */
export class PluginConfigError extends Error {
  override readonly name = 'PluginConfigError';

  constructor(
    readonly plugin: string,
    problem: string,
  ) {
    super(`plugin "${plugin}" ${problem}`);
  }
}

/** The cache was asked to assume, confirm or forget a pod in a state that does not allow it. */
export class CacheStateError extends Error {
  override readonly name = 'CacheStateError';

  constructor(
    readonly podKey: string,
    problem: string,
  ) {
    super(`pod ${podKey} ${problem}`);
  }
}

/** A plugin returned an Error status (or threw): the attempt fails and the pod backs off. */
export class PluginStatusError extends Error {
  override readonly name = 'PluginStatusError';

  constructor(
    readonly status: Status,
    message: string,
  ) {
    super(message, { cause: status.error });
  }
}
