import { describe, expect, it } from 'vitest';
import { parseStartupArgs } from './startup-args.js';
import { classifyProcess, containerdDirOf, groupCpu, parseStat } from './startup-procs.js';
import type { ProcInfo } from './startup-procs.js';
import { upBreakdown } from './startup-up-steps.js';

describe('upBreakdown', () => {
  it('splits cluster up into its steps and finds when everything was first healthy', () => {
    const lines = [
      { atMs: 500, line: '==> docker (unix:///run/x.sock)' },
      { atMs: 510, line: 'dockerd is running' },
      { atMs: 520, line: '==> images' },
      { atMs: 600, line: '==> hosts (bridge br-bench, 10.10.8.0/24)' },
      { atMs: 1100, line: '==> credentials' },
      { atMs: 1300, line: '==> components' },
      { atMs: 1500, line: 'cp1: started store, api, sched (supervisor pid 1)' },
      { atMs: 2600, line: 'w3: started node-agent (supervisor pid 6)' },
      { atMs: 3000, line: 'store 0/3 healthy, API servers 0/3 ready, sched 0/2 healthy, nodes 0/3 Ready' },
      { atMs: 5000, line: 'store 3/3 healthy (leader cp2), API servers 3/3 ready, sched 2/2 healthy, nodes 1/3 Ready' },
      { atMs: 7000, line: 'store 3/3 healthy (leader cp2), API servers 3/3 ready, sched 2/2 healthy, nodes 3/3 Ready' },
      { atMs: 7010, line: 'Cluster "bench" is up (6.5s): 3 control-plane hosts, 3 workers.' },
    ];
    const b = upBreakdown(lines, 7100);
    expect(b.steps.map((s) => [s.name, s.ms])).toEqual([
      ['process start', 500],
      ['docker', 20],
      ['images', 80],
      ['hosts', 500],
      ['credentials', 200],
      ['components', 1300],
      ['wait for health', 4500],
    ]);
    expect(b.allHealthy).toEqual({ store: 5000, api: 5000, sched: 5000, nodes: 7000 });
  });
});

describe('process grouping', () => {
  const dir = '/tmp/meshkube-bench-startup-bench/bench';
  const p = (pid: number, ppid: number, cpuSeconds: number, argv: string[]): ProcInfo => ({ pid, ppid, cpuSeconds, argv });
  const procs = [
    p(10, 1, 1, ['node', '/x/dist/services/host-supervisor/main.js', '--host-dir', `${dir}/hosts/w1`]),
    p(11, 10, 5, ['node', '--enable-source-maps', '/x/dist/services/node-agent/main.js', '--kubeconfig', `${dir}/hosts/w1/node-agent.kubeconfig`]),
    p(12, 11, 2, ['nft', '-i']),
    p(20, 1, 3, ['node', '/x/dist/services/node-agent/main.js', '--kubeconfig', '/tmp/other/e2e/hosts/w1/node-agent.kubeconfig']),
    p(30, 1, 4, ['dockerd', '--exec-root', '/run/b/exec']),
    p(31, 30, 1, ['containerd', '--config', '/run/b/exec/containerd/containerd.toml']),
    p(40, 1, 0.5, ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', 'abc', '-address', '/run/b/exec/containerd/containerd.sock']),
    p(41, 40, 0.25, ['sleep', '3600']),
    p(50, 1, 9, ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', 'def', '-address', '/run/other/containerd/containerd.sock']),
  ];

  it('charges every process to its nearest known ancestor', () => {
    const containerdDir = containerdDirOf(procs, 30);
    expect(containerdDir).toBe('/run/b/exec/containerd');
    const groups = groupCpu(procs, (x) => classifyProcess(x, { clusterDir: dir, dockerdPid: 30, benchPid: 99, ...(containerdDir !== undefined ? { containerdDir } : {}) }));
    expect(groups).toEqual({ 'host-supervisor': 1, 'node-agent': 7, docker: 5, 'docker-shims': 0.75 });
  });

  it('reads ppid and own plus reaped children CPU from /proc/<pid>/stat', () => {
    const stat = '1234 (node (x)) S 77 1234 1234 0 -1 4194560 100 0 0 0 150 50 30 20 20 0 11 0 100 1000 100';
    expect(parseStat(stat)).toEqual({ ppid: 77, cpuTicks: 250 });
  });
});

describe('parseStartupArgs', () => {
  it('has the issue defaults and checks names and subnets', () => {
    const a = parseStartupArgs([]);
    expect(a).toMatchObject({ name: 'bench', subnet: '10.10.0.0/24', workers: 3, pods: 30, rounds: 3, warm: true, dockerd: 'test' });
    expect(parseStartupArgs(['--subnet', '10.10.8.0/24', '--rounds=1', '--dockerd', 'private', '--no-warm'])).toMatchObject({ subnet: '10.10.8.0/24', rounds: 1, dockerd: 'private', warm: false });
    expect(() => parseStartupArgs(['--subnet', '10.10.8.0/16'])).toThrow(/subnet/);
    expect(() => parseStartupArgs(['--name', 'Bench'])).toThrow(/name/);
    expect(() => parseStartupArgs(['--bogus'])).toThrow(/unknown option/);
  });
});
