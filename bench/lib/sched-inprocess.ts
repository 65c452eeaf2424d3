// The scheduler core on its own, in process: scheduler_perf's SchedulingBasic shape (nodes of
// 4 cpu / 32Gi / 110 pods, pods of one container requesting 100m cpu and 500Mi) with a binder
// that succeeds at once and shows the bound pod to the scheduler as the watch would. Measures
// throughput, per-attempt latency (pop to bind issued) and end-to-end latency (enqueue to
// bind done).
import type { KubeObject } from '../../lib/api/object.js';
import { realClock } from '../../lib/controller/clock.js';
import { seededRandom } from '../../lib/prng.js';
import { Scheduler } from '../../services/sched/scheduler/index.js';

export interface InProcessSchedulingBenchOptions {
  nodes: number;
  pods: number;
  seed?: number;
  /** Zones the nodes are spread over (topology.kubernetes.io/zone); 3 by default. */
  zones?: number;
}

export interface InProcessSchedulingBenchResult {
  nodes: number;
  pods: number;
  seconds: number;
  podsPerSecond: number;
  attemptP50Ms: number;
  attemptP99Ms: number;
  e2eP99Ms: number;
  /** Pods bound per node name, to check the spread. */
  podsPerNode: Map<string, number>;
}

function benchNode(i: number, zones: number): KubeObject {
  const name = `scheduler-perf-${i}`;
  const resources = { cpu: '4', memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `node-uid-${i}`,
      resourceVersion: '1',
      labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `zone-${i % zones}` },
    },
    spec: {},
    status: { capacity: resources, allocatable: resources, conditions: [{ type: 'Ready', status: 'True' }], phase: 'Running' },
  };
}

function benchPod(i: number): KubeObject {
  const resources = { cpu: '100m', memory: '500Mi' };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: 'sched-bench', uid: `pod-uid-${i}`, resourceVersion: '1' },
    spec: {
      schedulerName: 'default-scheduler',
      priority: 0,
      containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10.1', ports: [{ containerPort: 80 }], resources: { limits: resources, requests: resources } }],
    },
    status: { phase: 'Pending' },
  };
}

export async function runInProcessSchedulingBench(o: InProcessSchedulingBenchOptions): Promise<InProcessSchedulingBenchResult> {
  const zones = o.zones ?? 3;
  const podsPerNode = new Map<string, number>();
  let bound = 0;
  let allBound: () => void = () => {};
  const done = new Promise<void>((resolve) => (allBound = resolve));

  // The watch, as the scheduler would see it after each binding: the pod, now on its node.
  const binder = {
    bind(pod: KubeObject, nodeName: string): Promise<void> {
      const spec = typeof pod.spec === 'object' && pod.spec !== null ? pod.spec : {};
      const boundPod: KubeObject = { ...pod, metadata: { ...pod.metadata, resourceVersion: '2' }, spec: { ...spec, nodeName } };
      queueMicrotask(() => scheduler.onPodUpdate(pod, boundPod));
      podsPerNode.set(nodeName, (podsPerNode.get(nodeName) ?? 0) + 1);
      return Promise.resolve();
    },
  };
  const events = {
    event(_obj: KubeObject, _type: 'Normal' | 'Warning', reason: string): void {
      if (reason === 'Scheduled' && ++bound === o.pods) allBound();
    },
  };
  const scheduler = new Scheduler({
    binder,
    conditions: { setUnschedulable: () => Promise.resolve() },
    events,
    clock: realClock,
    random: seededRandom(o.seed ?? 1),
  });

  for (let i = 0; i < o.nodes; i++) scheduler.onNodeAdd(benchNode(i, zones));
  const abort = new AbortController();
  const started = performance.now();
  for (let i = 0; i < o.pods; i++) scheduler.onPodAdd(benchPod(i));
  const running = scheduler.run(abort.signal);
  // Stop early if the scheduler runs dry with pods left over (they did not fit).
  const idleCheck = setInterval(() => {
    if (scheduler.queue.activeCount === 0 && scheduler.queue.inFlightCount === 0) allBound();
  }, 200);
  if (o.pods > 0) await done;
  clearInterval(idleCheck);
  const seconds = (performance.now() - started) / 1000;
  abort.abort();
  await running;
  await scheduler.waitForPending();
  scheduler.close();
  const m = scheduler.metrics;
  return {
    nodes: o.nodes,
    pods: o.pods,
    seconds,
    podsPerSecond: seconds > 0 ? bound / seconds : Number.POSITIVE_INFINITY,
    attemptP50Ms: m.attemptDurationsMs.percentile(50),
    attemptP99Ms: m.attemptDurationsMs.percentile(99),
    e2eP99Ms: m.e2eDurationsMs.percentile(99),
    podsPerNode,
  };
}
