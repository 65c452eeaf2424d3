// The scheduler half of bin/sched (kube-scheduler): pod and node informers feed the
// Scheduler's cache and queue from start-up, so a standby is warm; it schedules while this
// copy holds the kube-scheduler lease. Bindings go through pods/binding, failures become a
// PodScheduled=False condition (strategic merge patch of pods/status) and Events.
import type { KubeClient } from '../../lib/api/kube-client/kube-client.js';
import type { KubeObject } from '../../lib/api/object.js';
import { formatTime } from '../../lib/api/time.js';
import { ApiEventRecorder } from '../../lib/controller/event-recorder.js';
import type { InformerFactory, Logger } from '../../lib/controller/informer.js';
import { realClock } from '../../lib/controller/clock.js';
import { Resources } from '../../lib/controller/resources.js';
import type { Role } from './role.js';
import { Scheduler } from './scheduler/scheduler.js';

export class SchedulerRole implements Role {
  readonly name = 'scheduler';
  readonly leaseName = 'kube-scheduler';
  readonly scheduler: Scheduler;

  constructor(readonly client: KubeClient, informers: InformerFactory, o: { identity: string; log: Logger }) {
    const ns = (pod: KubeObject): { namespace: string | undefined } => ({ namespace: pod.metadata.namespace });
    this.scheduler = new Scheduler({
      binder: {
        async bind(pod, nodeName) {
          const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } };
          await client.create(Resources.pods, binding, { ...ns(pod), subresource: 'binding' });
        },
      },
      conditions: {
        async setUnschedulable(pod, reason, message) {
          const condition = { type: 'PodScheduled', status: 'False', reason, message, lastProbeTime: null, lastTransitionTime: formatTime(Date.now()) };
          await client.patch(Resources.pods, pod.metadata.name ?? '', { status: { conditions: [condition] } }, 'strategic', { ...ns(pod), subresource: 'status' });
        },
      },
      events: new ApiEventRecorder(client, { component: 'default-scheduler', host: o.identity, log: o.log }),
      clock: realClock,
      log: (msg, fields) => o.log(msg, { component: 'scheduler', ...fields }),
    });
    const s = this.scheduler;
    informers.for(Resources.nodes).addEventHandler({ onAdd: (n) => s.onNodeAdd(n), onUpdate: (a, b) => s.onNodeUpdate(a, b), onDelete: (n) => s.onNodeDelete(n) });
    informers.for(Resources.pods).addEventHandler({ onAdd: (p) => s.onPodAdd(p), onUpdate: (a, b) => s.onPodUpdate(a, b), onDelete: (p) => s.onPodDelete(p) });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.scheduler.run(signal);
  }
}
