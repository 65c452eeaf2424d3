import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { printPod } from './pod-printer.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (seconds: number): string => new Date(now.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');

function pod(spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: ago(300), ...meta },
    spec,
    status,
  };
}

const oneContainer = { containers: [{ name: 'app', image: 'nginx:1.27' }] };
const twoContainers = {
  containers: [
    { name: 'app', image: 'nginx:1.27' },
    { name: 'log', image: 'busybox' },
  ],
};
const running = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  ready: true,
  started: true,
  restartCount: 0,
  state: { running: { startedAt: ago(200) } },
  ...extra,
});
const waiting = (name: string, reason: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  ready: false,
  restartCount: 0,
  state: { waiting: { reason } },
  ...extra,
});
const terminated = (name: string, t: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  ready: false,
  restartCount: 0,
  state: { terminated: { finishedAt: ago(60), ...t } },
  ...extra,
});
const readyCond = (status: string): Record<string, unknown> => ({ type: 'Ready', status });

interface Case {
  name: string;
  pod: KubeObject;
  ready: string;
  status: string;
  restarts: string;
}

const cases: Case[] = [
  {
    name: 'running and ready',
    pod: pod(twoContainers, { phase: 'Running', conditions: [readyCond('True')], containerStatuses: [running('app'), running('log')] }),
    ready: '2/2',
    status: 'Running',
    restarts: '0',
  },
  {
    name: 'pending without statuses',
    pod: pod(oneContainer, { phase: 'Pending' }),
    ready: '0/1',
    status: 'Pending',
    restarts: '0',
  },
  {
    name: 'container creating',
    pod: pod(oneContainer, { phase: 'Pending', containerStatuses: [waiting('app', 'ContainerCreating')] }),
    ready: '0/1',
    status: 'ContainerCreating',
    restarts: '0',
  },
  {
    name: 'crash loop with last termination 5m ago',
    pod: pod(oneContainer, {
      phase: 'Running',
      containerStatuses: [
        waiting('app', 'CrashLoopBackOff', {
          restartCount: 5,
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(300) } },
        }),
      ],
    }),
    ready: '0/1',
    status: 'CrashLoopBackOff',
    restarts: '5 (5m ago)',
  },
  {
    name: 'image pull back-off',
    pod: pod(oneContainer, { phase: 'Pending', containerStatuses: [waiting('app', 'ImagePullBackOff')] }),
    ready: '0/1',
    status: 'ImagePullBackOff',
    restarts: '0',
  },
  {
    name: 'restarts without a recorded termination time',
    pod: pod(oneContainer, { phase: 'Running', containerStatuses: [running('app', { restartCount: 4 })] }),
    ready: '1/1',
    status: 'Running',
    restarts: '4',
  },
  {
    name: 'restarts summed over containers, latest termination wins',
    pod: pod(twoContainers, {
      phase: 'Running',
      containerStatuses: [
        running('app', { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(3600) } } }),
        running('log', { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(90) } } }),
      ],
    }),
    ready: '2/2',
    status: 'Running',
    restarts: '3 (90s ago)',
  },
  {
    name: 'completed',
    pod: pod(oneContainer, { phase: 'Succeeded', containerStatuses: [terminated('app', { exitCode: 0, reason: 'Completed' })] }),
    ready: '0/1',
    status: 'Completed',
    restarts: '0',
  },
  {
    name: 'error',
    pod: pod(oneContainer, { phase: 'Failed', containerStatuses: [terminated('app', { exitCode: 1, reason: 'Error' })] }),
    ready: '0/1',
    status: 'Error',
    restarts: '0',
  },
  {
    name: 'terminated without reason: exit code',
    pod: pod(oneContainer, { phase: 'Failed', containerStatuses: [terminated('app', { exitCode: 137 })] }),
    ready: '0/1',
    status: 'ExitCode:137',
    restarts: '0',
  },
  {
    name: 'terminated without reason: signal',
    pod: pod(oneContainer, { phase: 'Failed', containerStatuses: [terminated('app', { exitCode: 137, signal: 9 })] }),
    ready: '0/1',
    status: 'Signal:9',
    restarts: '0',
  },
  {
    name: 'one container completed, another still running and ready',
    pod: pod(twoContainers, {
      phase: 'Running',
      conditions: [readyCond('True')],
      containerStatuses: [terminated('app', { exitCode: 0, reason: 'Completed' }), running('log')],
    }),
    ready: '1/2',
    status: 'Running',
    restarts: '0',
  },
  {
    name: 'one container completed, another running, pod not ready',
    pod: pod(twoContainers, {
      phase: 'Running',
      conditions: [readyCond('False')],
      containerStatuses: [terminated('app', { exitCode: 0, reason: 'Completed' }), running('log')],
    }),
    ready: '1/2',
    status: 'NotReady',
    restarts: '0',
  },
  {
    name: 'evicted (status reason)',
    pod: pod(oneContainer, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }),
    ready: '0/1',
    status: 'Evicted',
    restarts: '0',
  },
  {
    name: 'scheduling gated',
    pod: pod(
      { ...oneContainer, schedulingGates: [{ name: 'example.com/gate' }] },
      { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
    ),
    ready: '0/1',
    status: 'SchedulingGated',
    restarts: '0',
  },
  {
    name: 'terminating',
    pod: pod(oneContainer, { phase: 'Running', containerStatuses: [running('app')] }, { deletionTimestamp: ago(10) }),
    ready: '1/1',
    status: 'Terminating',
    restarts: '0',
  },
  {
    name: 'terminal pods being deleted keep their status',
    pod: pod(
      oneContainer,
      { phase: 'Succeeded', containerStatuses: [terminated('app', { exitCode: 0, reason: 'Completed' })] },
      { deletionTimestamp: ago(10) },
    ),
    ready: '0/1',
    status: 'Completed',
    restarts: '0',
  },
  {
    name: 'node lost',
    pod: pod(oneContainer, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] }, { deletionTimestamp: ago(10) }),
    ready: '1/1',
    status: 'Unknown',
    restarts: '0',
  },
];

const initSpec = {
  initContainers: [
    { name: 'migrate', image: 'migrate:1' },
    { name: 'seed', image: 'seed:1' },
  ],
  containers: [{ name: 'app', image: 'app:1' }],
};

const initCases: Case[] = [
  {
    name: 'first init container running',
    pod: pod(initSpec, {
      phase: 'Pending',
      initContainerStatuses: [running('migrate', { ready: false }), waiting('seed', 'PodInitializing')],
      containerStatuses: [waiting('app', 'PodInitializing')],
    }),
    ready: '0/1',
    status: 'Init:0/2',
    restarts: '0',
  },
  {
    name: 'second init container waiting to start',
    pod: pod(initSpec, {
      phase: 'Pending',
      initContainerStatuses: [terminated('migrate', { exitCode: 0, reason: 'Completed' }), waiting('seed', 'PodInitializing')],
      containerStatuses: [waiting('app', 'PodInitializing')],
    }),
    ready: '0/1',
    status: 'Init:1/2',
    restarts: '0',
  },
  {
    name: 'init container failed with a reason',
    pod: pod(initSpec, {
      phase: 'Pending',
      initContainerStatuses: [terminated('migrate', { exitCode: 1, reason: 'Error' }), waiting('seed', 'PodInitializing')],
    }),
    ready: '0/1',
    status: 'Init:Error',
    restarts: '0',
  },
  {
    name: 'init container failed without a reason',
    pod: pod(initSpec, {
      phase: 'Pending',
      initContainerStatuses: [terminated('migrate', { exitCode: 2 }), waiting('seed', 'PodInitializing')],
    }),
    ready: '0/1',
    status: 'Init:ExitCode:2',
    restarts: '0',
  },
  {
    name: 'init container killed by a signal',
    pod: pod(initSpec, {
      phase: 'Pending',
      initContainerStatuses: [terminated('migrate', { exitCode: 143, signal: 15, reason: '' })],
    }),
    ready: '0/1',
    status: 'Init:Signal:15',
    restarts: '0',
  },
  {
    name: 'init container that exited 0 counts as done even with a signal',
    pod: pod(initSpec, {
      phase: 'Pending',
      initContainerStatuses: [terminated('migrate', { exitCode: 0, signal: 15 }), running('seed', { ready: false })],
    }),
    ready: '0/1',
    status: 'Init:1/2',
    restarts: '0',
  },
  {
    name: 'init container in crash loop counts its restarts',
    pod: pod(initSpec, {
      phase: 'Pending',
      initContainerStatuses: [
        waiting('migrate', 'CrashLoopBackOff', {
          restartCount: 3,
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(20) } },
        }),
        waiting('seed', 'PodInitializing'),
      ],
    }),
    ready: '0/1',
    status: 'Init:CrashLoopBackOff',
    restarts: '3 (20s ago)',
  },
  {
    name: 'all init containers done, app starting',
    pod: pod(initSpec, {
      phase: 'Pending',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [
        terminated('migrate', { exitCode: 0, reason: 'Completed' }, { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(120) } } }),
        terminated('seed', { exitCode: 0, reason: 'Completed' }),
      ],
      containerStatuses: [waiting('app', 'PodInitializing')],
    }),
    ready: '0/1',
    status: 'PodInitializing',
    // Restarts of finished (non-sidecar) init containers no longer count.
    restarts: '0',
  },
];

const sidecarSpec = {
  initContainers: [
    { name: 'istio-proxy', image: 'proxyv2', restartPolicy: 'Always' },
    { name: 'migrate', image: 'migrate:1' },
  ],
  containers: [{ name: 'app', image: 'app:1' }],
};

const sidecarCases: Case[] = [
  {
    name: 'sidecar started, next init container running',
    pod: pod(sidecarSpec, {
      phase: 'Pending',
      initContainerStatuses: [running('istio-proxy'), running('migrate', { ready: false })],
      containerStatuses: [waiting('app', 'PodInitializing')],
    }),
    ready: '1/2',
    status: 'Init:1/2',
    restarts: '0',
  },
  {
    name: 'sidecar not started yet',
    pod: pod(sidecarSpec, {
      phase: 'Pending',
      initContainerStatuses: [running('istio-proxy', { started: false, ready: false }), waiting('migrate', 'PodInitializing')],
    }),
    ready: '0/2',
    status: 'Init:0/2',
    restarts: '0',
  },
  {
    name: 'initialized pod with sidecar: sidecar restarts and readiness count',
    pod: pod(sidecarSpec, {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
      initContainerStatuses: [
        running('istio-proxy', { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(600) } } }),
        terminated('migrate', { exitCode: 0, reason: 'Completed' }),
      ],
      containerStatuses: [running('app', { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(180) } } })],
    }),
    ready: '2/2',
    status: 'Running',
    restarts: '3 (3m ago)',
  },
];

describe('printPod', () => {
  it.each([...cases, ...initCases, ...sidecarCases])('$name', (c) => {
    const { cells } = printPod(c.pod, now);
    expect(cells.slice(0, 5)).toEqual(['web-1', c.ready, c.status, c.restarts, '5m']);
  });

  it('marks completed and failed pods with a Completed row condition', () => {
    expect(printPod(pod(oneContainer, { phase: 'Succeeded' }), now).conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    expect(printPod(pod(oneContainer, { phase: 'Failed' }), now).conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
    ]);
    expect(printPod(pod(oneContainer, { phase: 'Running' }), now).conditions).toBeUndefined();
  });

  it('fills the wide cells: first pod IP, node, nominated node, readiness gates', () => {
    const p = pod(
      { ...oneContainer, nodeName: 'worker-1', readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
      {
        phase: 'Running',
        podIP: '10.244.1.5',
        podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }],
        nominatedNodeName: 'worker-2',
        conditions: [
          { type: 'example.com/lb', status: 'True' },
          { type: 'example.com/dns', status: 'False' },
        ],
        containerStatuses: [running('app')],
      },
    );
    expect(printPod(p, now).cells.slice(5)).toEqual(['10.244.1.5', 'worker-1', 'worker-2', '1/2']);
  });

  it('prints <none> for unset wide cells', () => {
    expect(printPod(pod(oneContainer, { phase: 'Pending', podIP: '10.0.0.1' }), now).cells.slice(5)).toEqual([
      '<none>',
      '<none>',
      '<none>',
      '<none>',
    ]);
  });
});
