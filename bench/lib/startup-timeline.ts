// Pod startup timelines, as data: what a pod watch and Docker's event stream tell about each pod
// (client-side timestamps, epoch milliseconds with fractions), and the latencies and the per-phase
// breakdown computed from them. Pure: the watch and the event stream are in startup-pods.ts and
// startup-docker-events.ts.
//
// Kubernetes' pod startup SLI (kubernetes/community sig-scalability/slos/pod_startup_latency.md)
// runs from the pod's creation timestamp to when all its containers are reported started and that
// is observed via watch. creationTimestamp has one-second resolution, so the bench starts the clock
// when it sends the create request (`createSent`, an upper bound) and also keeps when the API
// server answered it (`created`, a lower bound of the creation time).
import type { KubeObject } from '../../lib/api/object.js';
import { isRecord } from '../../lib/api/object.js';
import type { LatencySummary } from './stats.js';
import { summarize } from './stats.js';

/** What the pod watch shows, each stamped when first seen. */
export type WatchMilestone =
  /** spec.nodeName set. */
  | 'bound'
  /** PodScheduled=True. */
  | 'scheduled'
  /** The node agent's first status write (status.startTime). */
  | 'statusReported'
  /** Every container reported started (state.running or state.terminated): the SLI's end. */
  | 'started'
  /** phase Running. */
  | 'running'
  /** phase Running and Ready=True. */
  | 'ready';

/** What Docker's event stream shows (the daemon's own nanosecond clock, the same machine clock). */
export type DockerMilestone = 'sandboxCreate' | 'sandboxStart' | 'containerCreate' | 'containerStart';

export interface PodRecord {
  name: string;
  /** 1-based round the pod belongs to. */
  round: number;
  uid?: string;
  node?: string;
  /** Just before the create request was sent. */
  createSent: number;
  /** When the create request's answer arrived. */
  created?: number;
  creationTimestamp?: string;
  seen: Partial<Record<WatchMilestone, number>>;
  docker: Partial<Record<DockerMilestone, number>>;
  /** Docker `die` events of this pod's containers while it started (should be 0). */
  dockerDies: number;
}

export function newPodRecord(name: string, round: number, createSent: number): PodRecord {
  return { name, round, createSent, seen: {}, docker: {}, dockerDies: 0 };
}

interface ConditionLike {
  type?: unknown;
  status?: unknown;
}

function conditionTrue(status: Record<string, unknown>, type: string): boolean {
  const conds = Array.isArray(status.conditions) ? (status.conditions as ConditionLike[]) : [];
  return conds.some((c) => isRecord(c) && c.type === type && c.status === 'True');
}

/** The milestones a pod object shows. */
export function podMilestones(pod: KubeObject): WatchMilestone[] {
  const out: WatchMilestone[] = [];
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const status = isRecord(pod.status) ? pod.status : {};
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '') out.push('bound');
  if (conditionTrue(status, 'PodScheduled')) out.push('scheduled');
  if (typeof status.startTime === 'string' && status.startTime !== '') out.push('statusReported');
  const wanted = Array.isArray(spec.containers) ? spec.containers.length : 0;
  const statuses = Array.isArray(status.containerStatuses) ? status.containerStatuses.filter(isRecord) : [];
  const startedCount = statuses.filter((s) => isRecord(s.state) && (isRecord(s.state.running) || isRecord(s.state.terminated))).length;
  if (wanted > 0 && startedCount >= wanted) out.push('started');
  if (status.phase === 'Running') out.push('running');
  if (status.phase === 'Running' && conditionTrue(status, 'Ready')) out.push('ready');
  return out;
}

/** Stamps every milestone `pod` shows that `rec` has not seen yet with `at`. */
export function observePod(rec: PodRecord, pod: KubeObject, at: number): void {
  if (rec.uid === undefined && typeof pod.metadata.uid === 'string') rec.uid = pod.metadata.uid;
  if (rec.creationTimestamp === undefined && typeof pod.metadata.creationTimestamp === 'string') rec.creationTimestamp = pod.metadata.creationTimestamp;
  const spec = isRecord(pod.spec) ? pod.spec : {};
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '') rec.node = spec.nodeName;
  for (const m of podMilestones(pod)) rec.seen[m] ??= at;
}

export interface DockerPodEvent {
  uid: string;
  /** io.kubernetes.docker.type: podsandbox or container. */
  kind: 'podsandbox' | 'container';
  action: 'create' | 'start' | 'die';
  at: number;
}

/** Stamps the first create and start of the pod's sandbox and of its (first) container. */
export function observeDockerEvent(rec: PodRecord, ev: DockerPodEvent): void {
  if (ev.action === 'die') {
    rec.dockerDies++;
    return;
  }
  const key: DockerMilestone = ev.kind === 'podsandbox' ? (ev.action === 'create' ? 'sandboxCreate' : 'sandboxStart') : ev.action === 'create' ? 'containerCreate' : 'containerStart';
  rec.docker[key] ??= ev.at;
}

type Point = 'createSent' | 'created' | WatchMilestone | DockerMilestone;

function at(rec: PodRecord, p: Point): number | undefined {
  if (p === 'createSent') return rec.createSent;
  if (p === 'created') return rec.created;
  if (p in rec.seen) return rec.seen[p as WatchMilestone];
  return rec.docker[p as DockerMilestone];
}

/** The headline latencies, each from one point to another of every pod. */
export const LATENCIES = {
  createToReady: { from: 'createSent', to: 'ready', title: 'create → Ready' },
  createToScheduled: { from: 'createSent', to: 'scheduled', title: 'create → scheduled' },
  createToStarted: { from: 'createSent', to: 'started', title: 'create → all containers started (SLI)' },
  createToRunning: { from: 'createSent', to: 'running', title: 'create → Running' },
  createdToReady: { from: 'created', to: 'ready', title: 'create answered → Ready' },
  createRequest: { from: 'createSent', to: 'created', title: 'create request' },
} as const satisfies Record<string, { from: Point; to: Point; title: string }>;

export type LatencyId = keyof typeof LATENCIES;

/**
 * Consecutive phases from create to Ready, each pod's adding up to its create → Ready: the API
 * and the scheduler; the agent noticing the bound pod and syncing it up to the sandbox's docker
 * create; Docker creating the sandbox; the sandbox's start, the pod network (CNI ADD), volumes
 * and /etc files up to the container's create; Docker creating the container; and from its start
 * to Ready observed (the agent reading the runtime again, the status patch, the API, the watch).
 */
export const PHASES = {
  scheduling: { from: 'createSent', to: 'scheduled', title: 'API + scheduler (create → PodScheduled seen)' },
  agentPickup: { from: 'scheduled', to: 'sandboxCreate', title: 'agent: bound seen → sandbox created' },
  sandboxCreate: { from: 'sandboxCreate', to: 'sandboxStart', title: 'docker: sandbox created → started' },
  sandboxToContainer: { from: 'sandboxStart', to: 'containerCreate', title: 'sandbox started → network, volumes → container created' },
  containerCreate: { from: 'containerCreate', to: 'containerStart', title: 'docker: container created → started' },
  reportReady: { from: 'containerStart', to: 'ready', title: 'container start → Ready seen (status patch, watch)' },
} as const satisfies Record<string, { from: Point; to: Point; title: string }>;

export type PhaseId = keyof typeof PHASES;

function span(rec: PodRecord, from: Point, to: Point): number | undefined {
  const a = at(rec, from);
  const b = at(rec, to);
  return a === undefined || b === undefined ? undefined : b - a;
}

function summaryOf(values: number[]): LatencySummary {
  return summarize([Float64Array.from(values)]);
}

export interface PodTimeline {
  name: string;
  round: number;
  node: string | null;
  /** Milliseconds from the round's first create request to each point this pod reached. */
  at: Partial<Record<Point, number>>;
  /** Milliseconds of each phase. */
  phases: Partial<Record<PhaseId, number>>;
}

export interface StartupSummary {
  pods: number;
  /** Pods that never reached each point. */
  missing: Partial<Record<WatchMilestone | DockerMilestone, number>>;
  latencies: Record<LatencyId, LatencySummary>;
  phases: Record<PhaseId, LatencySummary>;
  /** Mean of each phase over the pods that have all phases, and its share of their mean create → Ready. */
  phaseMeans: Record<PhaseId, { meanMs: number; share: number }>;
  /** Pods per node and their create → Ready p99. */
  perNode: Record<string, { pods: number; createToReadyP99Ms: number; createToReadyMaxMs: number }>;
  /** First create request sent to last pod Ready, and the spread of the create requests (the worst round when pooled). */
  burst: Burst;
  dockerDies: number;
  /** The slowest pods (create → Ready), with their timelines. */
  slowest: PodTimeline[];
}

function timeline(rec: PodRecord, origin: number): PodTimeline {
  const points: Point[] = ['createSent', 'created', 'bound', 'scheduled', 'sandboxCreate', 'sandboxStart', 'containerCreate', 'containerStart', 'statusReported', 'started', 'running', 'ready'];
  const t: PodTimeline = { name: rec.name, round: rec.round, node: rec.node ?? null, at: {}, phases: {} };
  for (const p of points) {
    const v = at(rec, p);
    if (v !== undefined) t.at[p] = round(v - origin, 1);
  }
  for (const [id, ph] of Object.entries(PHASES) as [PhaseId, (typeof PHASES)[PhaseId]][]) {
    const v = span(rec, ph.from, ph.to);
    if (v !== undefined) t.phases[id] = round(v, 1);
  }
  return t;
}

const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

export interface Burst {
  firstCreateToLastReadyMs: number;
  createSendSpreadMs: number;
  createAnswerSpreadMs: number;
}

/** One round's burst: NaN to last Ready when a pod never got Ready. */
function burstOf(recs: readonly PodRecord[]): Burst {
  const sent = recs.map((r) => r.createSent);
  const answered = recs.map((r) => r.created).filter((v): v is number => v !== undefined);
  const ready = recs.map((r) => r.seen.ready).filter((v): v is number => v !== undefined);
  const spread = (xs: number[]): number => (xs.length ? round(Math.max(...xs) - Math.min(...xs), 1) : Number.NaN);
  return {
    firstCreateToLastReadyMs: ready.length === recs.length && ready.length > 0 ? round(Math.max(...ready) - Math.min(...sent), 1) : Number.NaN,
    createSendSpreadMs: spread(sent),
    createAnswerSpreadMs: spread(answered),
  };
}

/** Everything the bench reports about a set of pods (one round, or all rounds pooled). */
export function summarizeStartup(recs: readonly PodRecord[], slowest = 3): StartupSummary {
  const latencies = {} as Record<LatencyId, LatencySummary>;
  for (const [id, l] of Object.entries(LATENCIES) as [LatencyId, (typeof LATENCIES)[LatencyId]][]) {
    latencies[id] = summaryOf(recs.map((r) => span(r, l.from, l.to)).filter((v): v is number => v !== undefined));
  }
  const phases = {} as Record<PhaseId, LatencySummary>;
  const phaseIds = Object.keys(PHASES) as PhaseId[];
  for (const id of phaseIds) phases[id] = summaryOf(recs.map((r) => span(r, PHASES[id].from, PHASES[id].to)).filter((v): v is number => v !== undefined));

  const complete = recs.filter((r) => phaseIds.every((id) => span(r, PHASES[id].from, PHASES[id].to) !== undefined));
  const totalMean = complete.length ? complete.reduce((s, r) => s + (span(r, 'createSent', 'ready') ?? 0), 0) / complete.length : Number.NaN;
  const phaseMeans = {} as Record<PhaseId, { meanMs: number; share: number }>;
  for (const id of phaseIds) {
    const mean = complete.length ? complete.reduce((s, r) => s + (span(r, PHASES[id].from, PHASES[id].to) ?? 0), 0) / complete.length : Number.NaN;
    phaseMeans[id] = { meanMs: round(mean, 1), share: round(mean / totalMean, 3) };
  }

  const missing: StartupSummary['missing'] = {};
  const allPoints: (WatchMilestone | DockerMilestone)[] = ['scheduled', 'sandboxCreate', 'sandboxStart', 'containerCreate', 'containerStart', 'started', 'running', 'ready'];
  for (const p of allPoints) {
    const n = recs.filter((r) => at(r, p) === undefined).length;
    if (n > 0) missing[p] = n;
  }

  const perNode: StartupSummary['perNode'] = {};
  const nodes = [...new Set(recs.map((r) => r.node ?? '(unbound)'))].sort();
  for (const n of nodes) {
    const mine = recs.filter((r) => (r.node ?? '(unbound)') === n);
    const s = summaryOf(mine.map((r) => span(r, 'createSent', 'ready')).filter((v): v is number => v !== undefined));
    perNode[n] = { pods: mine.length, createToReadyP99Ms: round(s.p99Ms, 1), createToReadyMaxMs: round(s.maxMs, 1) };
  }

  const rounds = [...new Set(recs.map((r) => r.round))];
  const bursts = rounds.map((n) => burstOf(recs.filter((r) => r.round === n)));
  const worst = (f: (b: Burst) => number): number => (bursts.length ? Math.max(...bursts.map(f)) : Number.NaN);
  const burst: Burst = {
    firstCreateToLastReadyMs: worst((b) => b.firstCreateToLastReadyMs),
    createSendSpreadMs: worst((b) => b.createSendSpreadMs),
    createAnswerSpreadMs: worst((b) => b.createAnswerSpreadMs),
  };

  const bySlowness = [...recs].sort((a, b) => (span(b, 'createSent', 'ready') ?? Infinity) - (span(a, 'createSent', 'ready') ?? Infinity));
  return {
    pods: recs.length,
    missing,
    latencies,
    phases,
    phaseMeans,
    perNode,
    burst,
    dockerDies: recs.reduce((s, r) => s + r.dockerDies, 0),
    slowest: bySlowness.slice(0, slowest).map((r) => timeline(r, Math.min(...recs.filter((x) => x.round === r.round).map((x) => x.createSent)))),
  };
}
