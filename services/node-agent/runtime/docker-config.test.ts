import { describe, expect, it } from 'vitest';
import { containerCpuShares, containerCreateOptions, milliCpuToQuota, milliCpuToShares, resolvConf, sandboxCreateOptions } from './docker-config.js';
import type { ContainerConfig } from './types.js';

const POD = { name: 'web-1', namespace: 'ns1', uid: 'u1', attempt: 0 };
const BASE: ContainerConfig = { name: 'app', attempt: 1, image: 'mesh/base', env: [], mounts: [] };

describe('CPU conversions (as the kubelet)', () => {
  it('maps millicores to shares with the kubelet bounds', () => {
    expect(milliCpuToShares(0)).toBe(2);
    expect(milliCpuToShares(1)).toBe(2);
    expect(milliCpuToShares(100)).toBe(102);
    expect(milliCpuToShares(1000)).toBe(1024);
    expect(milliCpuToShares(1_000_000)).toBe(262_144);
  });

  it('maps millicores to a CFS quota of the 100 ms period, at least 1 ms', () => {
    expect(milliCpuToQuota(0)).toBe(0);
    expect(milliCpuToQuota(5)).toBe(1000);
    expect(milliCpuToQuota(250)).toBe(25_000);
    expect(milliCpuToQuota(2000)).toBe(200_000);
  });

  it('takes shares from the request, or from the limit when only a limit is set', () => {
    expect(containerCpuShares({})).toBe(2);
    expect(containerCpuShares({ cpuRequestMilli: 500, cpuLimitMilli: 1000 })).toBe(512);
    expect(containerCpuShares({ cpuLimitMilli: 1000 })).toBe(1024);
  });
});

describe('sandbox create options', () => {
  it('runs the pause image with no network, tini, a shareable IPC namespace and the hostname', () => {
    const o = sandboxCreateOptions('node-a', 'mesh/pause:latest', { ...POD, hostname: 'web-1', annotations: { a: 'b' } });
    expect(o.name).toBe('k8s_POD_web-1_ns1_u1_0');
    expect(o.Image).toBe('mesh/pause:latest');
    expect(o.Hostname).toBe('web-1');
    expect(o.HostConfig).toMatchObject({ NetworkMode: 'none', Init: true, IpcMode: 'shareable', CpuShares: 2 });
    expect(o.Labels).toMatchObject({ 'io.kubernetes.docker.type': 'podsandbox', 'meshkube.node': 'node-a', 'annotation.a': 'b' });
  });
});

describe('container create options', () => {
  it('joins the sandbox network and IPC namespaces and logs to json-file', () => {
    const o = containerCreateOptions('node-a', 'sb1', POD, BASE);
    expect(o.name).toBe('k8s_app_web-1_ns1_u1_1');
    expect(o.HostConfig).toMatchObject({ NetworkMode: 'container:sb1', IpcMode: 'container:sb1', LogConfig: { Type: 'json-file' } });
    expect(o.Tty).toBe(false);
    expect(o.Labels).toMatchObject({ 'io.kubernetes.sandbox.id': 'sb1', 'io.kubernetes.container.name': 'app', 'io.kubernetes.docker.type': 'container' });
  });

  it('maps command to Entrypoint and args to Cmd, leaving unset ones to the image', () => {
    expect(containerCreateOptions('n', 's', POD, { ...BASE, command: ['sh', '-c'], args: ['echo hi'] })).toMatchObject({ Entrypoint: ['sh', '-c'], Cmd: ['echo hi'] });
    const argsOnly = containerCreateOptions('n', 's', POD, { ...BASE, args: ['x'] });
    expect(argsOnly.Entrypoint).toBeUndefined();
    expect(argsOnly.Cmd).toEqual(['x']);
    const neither = containerCreateOptions('n', 's', POD, { ...BASE, command: [], args: [] });
    expect(neither.Entrypoint).toBeUndefined();
    expect(neither.Cmd).toBeUndefined();
  });

  it('sets env, working dir, binds, user and resources', () => {
    const o = containerCreateOptions('n', 's', POD, {
      ...BASE,
      env: [{ name: 'A', value: '1=2' }],
      workingDir: '/work',
      mounts: [
        { hostPath: '/h/rw', containerPath: '/rw', readOnly: false },
        { hostPath: '/h/ro', containerPath: '/ro', readOnly: true },
      ],
      runAsUser: 1000,
      memoryLimitBytes: 64 * 1024 * 1024,
      cpuLimitMilli: 500,
      cpuRequestMilli: 250,
    });
    expect(o.Env).toEqual(['A=1=2']);
    expect(o.WorkingDir).toBe('/work');
    expect(o.User).toBe('1000');
    expect(o.HostConfig).toMatchObject({
      Binds: ['/h/rw:/rw', '/h/ro:/ro:ro'],
      Memory: 67_108_864,
      MemorySwap: 67_108_864,
      CpuShares: 256,
      CpuPeriod: 100_000,
      CpuQuota: 50_000,
    });
  });

  it('sets no limits when none are given', () => {
    const hc = containerCreateOptions('n', 's', POD, BASE).HostConfig;
    expect(hc?.Memory).toBeUndefined();
    expect(hc?.CpuQuota).toBeUndefined();
    expect(hc?.CpuShares).toBe(2);
  });
});

describe('resolvConf', () => {
  it('writes nameservers, search and options', () => {
    expect(resolvConf({ servers: ['10.96.0.10'], searches: ['ns1.svc.cluster.local', 'svc.cluster.local'], options: ['ndots:5'] })).toBe(
      'nameserver 10.96.0.10\nsearch ns1.svc.cluster.local svc.cluster.local\noptions ndots:5\n',
    );
    expect(resolvConf({ servers: ['10.0.0.1'], searches: [], options: [] })).toBe('nameserver 10.0.0.1\n');
  });
});
