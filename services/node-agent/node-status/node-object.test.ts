import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { formatTime } from '../../../lib/api/time.js';
import type { MachineFacts, NodeIdentity } from './node-object.js';
import { goArch, KUBELET_PORT, KUBELET_VERSION, MAX_PODS, newNode, nodeLabels, nodeStatus, resources, statusFingerprint } from './node-object.js';

type Json = Record<string, unknown>;

const machine: MachineFacts = {
  cpus: 2,
  memoryBytes: 4041852 * 1024,
  ephemeralStorageBytes: 20 * 1024 ** 3,
  machineID: 'm-1',
  systemUUID: 's-1',
  bootID: 'b-1',
  kernelVersion: '6.1.0',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  architecture: 'amd64',
  containerRuntimeVersion: 'docker://27.0.1',
};

const id: NodeIdentity = { nodeName: 'n1', nodeIP: '10.10.0.21', hostname: 'host-1' };
const T0 = Date.parse('2026-01-01T00:00:00Z');

function conditions(s: Json): Json[] {
  return s.conditions as Json[];
}

describe('node object', () => {
  it('uses the kubelet constants', () => {
    expect(KUBELET_VERSION).toBe('v1.32.0');
    expect(KUBELET_PORT).toBe(10250);
    expect(MAX_PODS).toBe(110);
  });

  it.each([
    ['x64', 'amd64'],
    ['ia32', '386'],
    ['arm64', 'arm64'],
    ['arm', 'arm'],
  ])('goArch(%s) is %s', (a, want) => {
    expect(goArch(a)).toBe(want);
  });

  it('capacity in Kubernetes units: whole CPUs, memory and storage in Ki rounded down, 110 pods', () => {
    expect(resources(machine)).toEqual({ cpu: '2', memory: '4041852Ki', pods: '110', 'ephemeral-storage': '20971520Ki' });
    expect(resources({ ...machine, memoryBytes: 1024 * 1000 + 1023, ephemeralStorageBytes: undefined })).toEqual({ cpu: '2', memory: '1000Ki', pods: '110' });
  });

  it('labels the node with the well-known labels, extra labels last', () => {
    expect(nodeLabels(id, machine)).toEqual({
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': 'host-1',
      'kubernetes.io/os': 'linux',
    });
    expect(nodeLabels({ ...id, labels: { zone: 'a', 'kubernetes.io/hostname': 'over' } }, machine)).toMatchObject({ zone: 'a', 'kubernetes.io/hostname': 'over' });
    expect(newNode(id, machine)).toEqual({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: nodeLabels(id, machine) }, spec: {} });
  });

  it('builds the whole status of a ready node', () => {
    const t = formatTime(T0);
    expect(nodeStatus(id, machine, { ready: true }, undefined, T0)).toEqual({
      capacity: { cpu: '2', memory: '4041852Ki', pods: '110', 'ephemeral-storage': '20971520Ki' },
      allocatable: { cpu: '2', memory: '4041852Ki', pods: '110', 'ephemeral-storage': '20971520Ki' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: t, lastTransitionTime: t },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: t, lastTransitionTime: t },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: t, lastTransitionTime: t },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: t, lastTransitionTime: t },
      ],
      addresses: [
        { type: 'InternalIP', address: '10.10.0.21' },
        { type: 'Hostname', address: 'host-1' },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: 'm-1',
        systemUUID: 's-1',
        bootID: 'b-1',
        kernelVersion: '6.1.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'docker://27.0.1',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    });
  });

  it('reports a node that is not ready with the reason given, or a default', () => {
    const ready = (s: Json): Json | undefined => conditions(s).find((c) => c.type === 'Ready');
    expect(ready(nodeStatus(id, machine, { ready: false, message: 'container runtime network not ready: cni not initialized' }, undefined, T0))).toMatchObject({
      status: 'False',
      reason: 'KubeletNotReady',
      message: 'container runtime network not ready: cni not initialized',
    });
    expect(ready(nodeStatus(id, machine, { ready: false }, undefined, T0))).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'kubelet is not ready' });
  });

  it('carries a transition time while the status stays, and every post is a heartbeat', () => {
    const first = nodeStatus(id, machine, { ready: false }, undefined, T0);
    const node = (status: Json): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status });
    const second = nodeStatus(id, machine, { ready: true }, node(first), T0 + 10_000);
    const third = nodeStatus(id, machine, { ready: true }, node(second), T0 + 20_000);
    const times = (s: Json): string[] => conditions(s).map((c) => `${String(c.type)} ${String(c.lastHeartbeatTime)} ${String(c.lastTransitionTime)}`);
    expect(times(second)).toEqual([
      `MemoryPressure ${formatTime(T0 + 10_000)} ${formatTime(T0)}`,
      `DiskPressure ${formatTime(T0 + 10_000)} ${formatTime(T0)}`,
      `PIDPressure ${formatTime(T0 + 10_000)} ${formatTime(T0)}`,
      `Ready ${formatTime(T0 + 10_000)} ${formatTime(T0 + 10_000)}`,
    ]);
    expect(times(third)).toEqual([
      `MemoryPressure ${formatTime(T0 + 20_000)} ${formatTime(T0)}`,
      `DiskPressure ${formatTime(T0 + 20_000)} ${formatTime(T0)}`,
      `PIDPressure ${formatTime(T0 + 20_000)} ${formatTime(T0)}`,
      `Ready ${formatTime(T0 + 20_000)} ${formatTime(T0 + 10_000)}`,
    ]);
  });

  it('statusFingerprint ignores heartbeat and transition times and sees everything else', () => {
    const a = nodeStatus(id, machine, { ready: true }, undefined, T0);
    const b = nodeStatus(id, machine, { ready: true }, undefined, T0 + 60_000);
    expect(statusFingerprint(a)).toBe(statusFingerprint(b));
    expect(statusFingerprint(nodeStatus(id, machine, { ready: false }, undefined, T0))).not.toBe(statusFingerprint(a));
    expect(statusFingerprint(nodeStatus({ ...id, nodeIP: '10.10.0.22' }, machine, { ready: true }, undefined, T0))).not.toBe(statusFingerprint(a));
    expect(statusFingerprint(nodeStatus(id, { ...machine, bootID: 'b-2' }, { ready: true }, undefined, T0))).not.toBe(statusFingerprint(a));
  });
});
