import { describe, expect, it } from 'vitest';
import { PodInfo } from './pod-info.js';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST } from './resources.js';
import { makePod } from './testing/fixtures.js';

describe('PodInfo', () => {
  it('reads identity, scheduler and priority with their defaults', () => {
    const p = new PodInfo(makePod('a', { namespace: 'ns', uid: 'u1', priority: 7 }));
    expect([p.key, p.uid, p.schedulerName, p.priority, p.nodeName, p.gated, p.terminating]).toEqual(['ns/a', 'u1', 'default-scheduler', 7, '', false, false]);
    const bare = new PodInfo({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', namespace: 'ns' }, spec: {} });
    expect([bare.uid, bare.schedulerName, bare.priority]).toEqual(['ns/b', 'default-scheduler', 0]);
  });

  const cases = [
    { name: 'sum of containers', pod: makePod('p', { containers: [{ requests: { cpu: '100m', memory: '1Mi' } }, { requests: { cpu: '200m' } }] }), cpu: 300, mem: 1048576, nzCpu: 300, nzMem: 1048576 + DEFAULT_MEMORY_REQUEST },
    { name: 'no requests: zero, scoring defaults', pod: makePod('p'), cpu: 0, mem: 0, nzCpu: DEFAULT_MILLI_CPU_REQUEST, nzMem: DEFAULT_MEMORY_REQUEST },
    {
      name: 'an explicit zero stays zero for scoring',
      pod: makePod('p', { containers: [{ requests: { cpu: '0', memory: '0' } }] }),
      cpu: 0,
      mem: 0,
      nzCpu: 0,
      nzMem: 0,
    },
    {
      name: 'max of containers and each init container, plus overhead',
      pod: makePod('p', { containers: [{ requests: { cpu: '1', memory: '1Gi' } }], initContainers: [{ requests: { cpu: '2', memory: '10Mi' } }], overhead: { cpu: '10m' } }),
      cpu: 2010,
      mem: 1024 ** 3,
      nzCpu: 2010,
      nzMem: 1024 ** 3,
    },
    {
      name: 'sidecars run next to later init containers and the app',
      pod: makePod('p', {
        containers: [{ requests: { cpu: '100m' } }],
        initContainers: [{ requests: { cpu: '300m' }, restartPolicy: 'Always' }, { requests: { cpu: '500m' } }],
      }),
      cpu: 800,
      mem: 0,
      nzCpu: 800,
      nzMem: 2 * DEFAULT_MEMORY_REQUEST,
    },
  ];
  it.each(cases)('requests: $name', ({ pod, cpu, mem, nzCpu, nzMem }) => {
    const p = new PodInfo(pod);
    expect([p.requests.milliCPU, p.requests.memory, p.nonZeroMilliCPU, p.nonZeroMemory]).toEqual([cpu, mem, nzCpu, nzMem]);
  });

  it('collects host ports with their defaults, and extended resources', () => {
    const p = new PodInfo(makePod('p', { containers: [{ hostPorts: [{ hostPort: 80 }, { hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }], requests: { 'example.com/gpu': '2' } }] }));
    expect(p.hostPorts).toEqual([
      { ip: '0.0.0.0', protocol: 'TCP', port: 80 },
      { ip: '10.0.0.1', protocol: 'UDP', port: 53 },
    ]);
    expect(p.requests.scalar).toEqual(new Map([['example.com/gpu', 2]]));
  });

  it('finds the spreading owner among controller references', () => {
    expect(new PodInfo(makePod('p', { owner: { kind: 'ReplicaSet', name: 'r', uid: 'u' } })).spreadOwnerUid).toBe('u');
    expect(new PodInfo(makePod('p', { owner: { kind: 'StatefulSet', name: 's', uid: 's1' } })).spreadOwnerUid).toBe('s1');
    expect(new PodInfo(makePod('p', { owner: { kind: 'DaemonSet', name: 'd', uid: 'd1' } })).spreadOwnerUid).toBeUndefined();
  });
});
