import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PlanError, apiServerFor, emptyExtraArgs, envFileText, hostEnv, parseHostList, planLocalCluster } from './cluster-plan.js';
import type { LocalClusterOptions } from './cluster-plan.js';

const base: LocalClusterOptions = {
  name: 'local',
  stateDir: '/var/lib/meshctl',
  controlPlanes: 3,
  workers: 3,
  subnet: '10.10.0.0/24',
  dockerHost: 'unix:///var/run/docker.sock',
  home: '/opt/meshkube',
  extraArgs: emptyExtraArgs(),
};

describe('planLocalCluster', () => {
  it('puts control-plane hosts at .11 and up and workers at .21 and up, with their roles', () => {
    const plan = planLocalCluster(base);
    expect(plan.hosts.map((h) => `${h.name} ${h.ip} ${h.roles.join('+')}`)).toEqual([
      'cp1 10.10.0.11 store+api+sched',
      'cp2 10.10.0.12 store+api+sched',
      'cp3 10.10.0.13 store+api',
      'w1 10.10.0.21 node-agent',
      'w2 10.10.0.22 node-agent',
      'w3 10.10.0.23 node-agent',
    ]);
  });

  it('refuses an even control plane, no workers, a bad subnet or a name too long for interface names', () => {
    expect(() => planLocalCluster({ ...base, controlPlanes: 2 })).toThrow(/odd number/);
    expect(() => planLocalCluster({ ...base, workers: 0 })).toThrow(/--workers 0/);
    expect(() => planLocalCluster({ ...base, subnet: '10.10.0.0/16' })).toThrow(/IPv4 \/24/);
    expect(() => planLocalCluster({ ...base, name: 'averylongname' })).toThrow(PlanError);
    expect(() => planLocalCluster({ ...base, name: 'Local' })).toThrow(/invalid cluster name/);
  });
});

describe('parseHostList', () => {
  it('takes NAME=IP pairs and derives roles from the names', () => {
    const hosts = parseHostList('cp1=192.168.56.11,cp2=192.168.56.12,cp3=192.168.56.13,w1=192.168.56.21');
    expect(hosts.map((h) => `${h.name}:${h.roles.join('+')}`)).toEqual(['cp1:store+api+sched', 'cp2:store+api+sched', 'cp3:store+api', 'w1:node-agent']);
  });

  it('says what is wrong with a bad list', () => {
    expect(() => parseHostList('cp1=192.168.56.11,cp1=192.168.56.12,cp3=1.2.3.4')).toThrow(/names cp1 twice/);
    expect(() => parseHostList('cp1=192.168.56.11,cp2=192.168.56.12')).toThrow(/odd number of control-plane hosts/);
    expect(() => parseHostList('db1=10.0.0.1')).toThrow(/invalid host name "db1"/);
    expect(() => parseHostList('cp1=not-an-ip')).toThrow(/NAME=IPv4/);
  });
});

describe('hostEnv', () => {
  const plan = planLocalCluster({ ...base, workers: 4, extraArgs: { ...emptyExtraArgs(), sched: ['--node-monitor-grace-period=10s'] } });
  const host = (n: string) => plan.hosts.find((h) => h.name === n) ?? plan.hosts[0]!;

  it("gives control-plane hosts their own API server and spreads workers over the control plane", () => {
    expect(['cp2', 'w1', 'w2', 'w3', 'w4'].map((h) => apiServerFor(plan, host(h)))).toEqual(['https://10.10.0.12:6443', 'https://10.10.0.11:6443', 'https://10.10.0.12:6443', 'https://10.10.0.13:6443', 'https://10.10.0.11:6443']);
  });

  it('names the store peers, the paths and the extra flags the role scripts read', () => {
    const env = hostEnv(plan, host('cp1'));
    expect(env).toMatchObject({
      MESHKUBE_HOME: '/opt/meshkube',
      HOST_NAME: 'cp1',
      HOST_IP: '10.10.0.11',
      HOST_DIR: '/var/lib/meshctl/local/hosts/cp1',
      PKI_DIR: '/var/lib/meshctl/local/pki',
      ROLES: 'store api sched',
      STORE_INITIAL_CLUSTER: 'cp1=http://10.10.0.11:2380,cp2=http://10.10.0.12:2380,cp3=http://10.10.0.13:2380',
      STORE_ENDPOINTS: 'http://10.10.0.11:2379,http://10.10.0.12:2379,http://10.10.0.13:2379',
      SCHED_EXTRA_ARGS: '--node-monitor-grace-period=10s',
      AGENT_EXTRA_ARGS: '',
    });
  });

  it('writes a file bash sources back to the same values, quotes included', () => {
    const env = { A: 'plain', B: 'two words', C: "it's", D: '$HOME `x`' };
    const dir = mkdtempSync(path.join(tmpdir(), 'host-env-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'host.env');
    writeFileSync(file, envFileText(env));
    const out = execFileSync('bash', ['-c', 'source "$1"; printf "%s|" "$A" "$B" "$C" "$D"', 'bash', file], { encoding: 'utf8' });
    expect(out).toBe("plain|two words|it's|$HOME `x`|");
  });
});
