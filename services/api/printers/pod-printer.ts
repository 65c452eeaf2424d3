// Pod rows: READY, STATUS and RESTARTS computed as pkg/printers/internalversion printPod does,
// including init and sidecar (restartable init) containers, SchedulingGated, Terminating and
// NodeLost pods.
import type { KubeObject } from '../../../lib/api/object.js';
import type { TableRowCondition } from './table.js';
import { translateTimestampSince, parseTimestamp } from './age.js';
import { POD } from './descriptions.js';
import { asArray, asBool, asInt, asString, at } from './fields.js';
import type { KindPrinter, PrintedRow } from './kind-printer.js';
import { AGE_COLUMN, NAME_COLUMN, column, wide } from './kind-printer.js';

/** The pod status reason the node lifecycle controller sets on pods of an unreachable node. */
const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

const POD_SUCCESS_CONDITIONS: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const POD_FAILED_CONDITIONS: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
];

function hasCondition(conditions: readonly unknown[], type: string, status: string): boolean {
  return conditions.some((c) => asString(at(c, 'type')) === type && asString(at(c, 'status')) === status);
}

/** isPodInitializedConditionTrue: the first Initialized condition decides. */
function initializedConditionTrue(conditions: readonly unknown[]): boolean {
  const c = conditions.find((x) => asString(at(x, 'type')) === 'Initialized');
  return c !== undefined && asString(at(c, 'status')) === 'True';
}

/** A sidecar: an init container with restartPolicy Always. */
function isRestartableInitContainer(container: unknown): boolean {
  return asString(at(container, 'restartPolicy')) === 'Always';
}

/** Keeps the latest lastState.terminated.finishedAt seen (metav1.Time.Before semantics). */
class LatestTime {
  micros: number | undefined;
  raw: unknown;
  offer(status: unknown): void {
    const terminated = at(status, 'lastState', 'terminated');
    if (terminated === undefined || terminated === null) return;
    const finishedAt = at(terminated, 'finishedAt');
    const t = parseTimestamp(finishedAt);
    if (t !== undefined && (this.micros === undefined || this.micros < t)) {
      this.micros = t;
      this.raw = finishedAt;
    }
  }
}

function terminatedReason(terminated: unknown, prefix: string): string {
  const reason = asString(at(terminated, 'reason'));
  if (reason !== '') return prefix + reason;
  const signal = asInt(at(terminated, 'signal'));
  if (signal !== 0) return `${prefix}Signal:${signal}`;
  return `${prefix}ExitCode:${asInt(at(terminated, 'exitCode'))}`;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function printPod(pod: KubeObject, now: Date): PrintedRow {
  const spec = pod['spec'];
  const status = pod['status'];
  const conditions = asArray(at(status, 'conditions'));
  const specContainers = asArray(at(spec, 'containers'));
  const specInitContainers = asArray(at(spec, 'initContainers'));

  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  let totalContainers = specContainers.length;
  let readyContainers = 0;
  let lastRestart = new LatestTime();
  const lastRestartableInitContainerRestart = new LatestTime();

  const phase = asString(at(status, 'phase'));
  let reason = asString(at(status, 'reason')) || phase;
  for (const c of conditions) {
    if (asString(at(c, 'type')) === 'PodScheduled' && asString(at(c, 'reason')) === 'SchedulingGated') {
      reason = 'SchedulingGated';
    }
  }

  const row: PrintedRow = { cells: [] };
  if (phase === 'Succeeded') row.conditions = POD_SUCCESS_CONDITIONS;
  else if (phase === 'Failed') row.conditions = POD_FAILED_CONDITIONS;

  const initContainers = new Map<string, unknown>();
  for (const c of specInitContainers) {
    initContainers.set(asString(at(c, 'name')), c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = asArray(at(status, 'initContainerStatuses'));
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i];
    const restartable = isRestartableInitContainer(initContainers.get(asString(at(container, 'name'))));
    restarts += asInt(at(container, 'restartCount'));
    lastRestart.offer(container);
    if (restartable) {
      restartableInitContainerRestarts += asInt(at(container, 'restartCount'));
      lastRestartableInitContainerRestart.offer(container);
    }
    const terminated = at(container, 'state', 'terminated');
    const waiting = at(container, 'state', 'waiting');
    if (present(terminated) && asInt(at(terminated, 'exitCode')) === 0) continue;
    if (restartable && asBool(at(container, 'started'))) {
      if (asBool(at(container, 'ready'))) readyContainers++;
      continue;
    }
    if (present(terminated)) {
      // Initialization failed.
      reason = terminatedReason(terminated, 'Init:');
    } else if (present(waiting) && asString(at(waiting, 'reason')) !== '' && asString(at(waiting, 'reason')) !== 'PodInitializing') {
      reason = `Init:${asString(at(waiting, 'reason'))}`;
    } else {
      reason = `Init:${i}/${specInitContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || initializedConditionTrue(conditions)) {
    restarts = restartableInitContainerRestarts;
    lastRestart = lastRestartableInitContainerRestart;
    let hasRunning = false;
    const statuses = asArray(at(status, 'containerStatuses'));
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i];
      restarts += asInt(at(container, 'restartCount'));
      lastRestart.offer(container);
      const waiting = at(container, 'state', 'waiting');
      const terminated = at(container, 'state', 'terminated');
      if (present(waiting) && asString(at(waiting, 'reason')) !== '') {
        reason = asString(at(waiting, 'reason'));
      } else if (present(terminated)) {
        reason = terminatedReason(terminated, '');
      } else if (asBool(at(container, 'ready')) && present(at(container, 'state', 'running'))) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed while others still run is Running (or NotReady).
    if (reason === 'Completed' && hasRunning) {
      reason = hasCondition(conditions, 'Ready', 'True') ? 'Running' : 'NotReady';
    }
  }

  const deleting = present(pod.metadata.deletionTimestamp);
  if (deleting && asString(at(status, 'reason')) === NODE_UNREACHABLE_POD_REASON) {
    reason = 'Unknown';
  } else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') {
    reason = 'Terminating';
  }

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart.micros !== undefined) {
    restartsCell = `${restarts} (${translateTimestampSince(lastRestart.raw, now)} ago)`;
  }

  const podIP = asString(at(status, 'podIPs', 0, 'ip')) || '<none>';
  const nodeName = asString(at(spec, 'nodeName')) || '<none>';
  const nominatedNodeName = asString(at(status, 'nominatedNodeName')) || '<none>';
  let readinessGates = '<none>';
  const gates = asArray(at(spec, 'readinessGates'));
  if (gates.length > 0) {
    let trueConditions = 0;
    for (const gate of gates) {
      const type = asString(at(gate, 'conditionType'));
      const c = conditions.find((x) => asString(at(x, 'type')) === type);
      if (c !== undefined && asString(at(c, 'status')) === 'True') trueConditions++;
    }
    readinessGates = `${trueConditions}/${gates.length}`;
  }

  row.cells.push(
    asString(pod.metadata.name),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    translateTimestampSince(pod.metadata.creationTimestamp, now),
    podIP,
    nodeName,
    nominatedNodeName,
    readinessGates,
  );
  return row;
}

export const podPrinter: KindPrinter = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', POD.ready),
    column('Status', 'string', POD.status),
    column('Restarts', 'string', POD.restarts),
    AGE_COLUMN,
    wide('IP', 'string', POD.podIP),
    wide('Node', 'string', POD.nodeName),
    wide('Nominated Node', 'string', POD.nominatedNodeName),
    wide('Readiness Gates', 'string', POD.readinessGates),
  ],
  row: printPod,
};
