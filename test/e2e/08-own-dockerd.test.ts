// End-to-end 8: on a machine where no Docker daemon answers, `meshctl cluster up` starts one
// itself, with its own iptables, bridge and forwarding handling off, builds the images into it and
// runs pods through it; `meshctl cluster down` stops it again. (The daemon gets a socket and data
// folders of its own, so this test never touches a Docker the machine may already run.)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { meshctlBin } from '../support/local-cluster.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('e2e: cluster up starts dockerd when none runs, and down stops it', () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'meshkube-e2e-'));
  const name = process.env.MESHKUBE_E2E_NAME ?? 'e2e';
  const subnet = process.env.MESHKUBE_E2E_SUBNET ?? '10.10.0.0/24';
  const socket = `/run/meshkube-e2e-${name}-dockerd/docker.sock`;
  const args = (verb: string): string[] => ['cluster', verb, '--name', name, '--state-dir', stateDir];

  afterAll(async () => {
    await execa(meshctlBin, args('down'), { reject: false, timeout: 120_000 });
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(path.dirname(socket), { recursive: true, force: true });
  }, 180_000);

  it('starts dockerd with networking left to us, runs the cluster on it, and stops it on down', async () => {
    expect(existsSync(socket)).toBe(false);
    const up = await execa(meshctlBin, [...args('up'), '--workers', '1', '--subnet', subnet, '--docker-host', `unix://${socket}`, '--timeout', '150s'], { reject: false, timeout: 400_000 });
    expect(up.exitCode, `${String(up.stdout)}\n${String(up.stderr)}`).toBe(0);
    const pid = Number(/started dockerd \(pid (\d+)/.exec(String(up.stdout))?.[1]);
    expect(pid).toBeGreaterThan(0);
    const cmdline = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8').split('\0');
    expect(cmdline[0]).toMatch(/dockerd$/);
    expect(cmdline).toEqual(expect.arrayContaining(['--iptables=false', '--bridge=none', '--ip-forward=false', '--host', `unix://${socket}`, '--data-root', path.join(stateDir, name, 'docker')]));
    expect(String(up.stdout)).toMatch(/^mesh\/base:latest: built/m);

    // A pod runs through that daemon.
    const kubeconfig = path.join(stateDir, name, 'admin.kubeconfig');
    const run = await execa('kubectl', ['--kubeconfig', kubeconfig, 'run', 'probe', '--image=mesh/base:latest', '--image-pull-policy=Never', '--restart=Never', '--', 'sh', '-c', 'echo hello from the pod'], { reject: false });
    expect(run.exitCode, String(run.stderr)).toBe(0);
    const wait = await execa('kubectl', ['--kubeconfig', kubeconfig, 'wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/probe', '--timeout=90s'], { reject: false, timeout: 120_000 });
    expect(wait.exitCode, String(wait.stderr)).toBe(0);
    const ps = await execa('docker', ['-H', `unix://${socket}`, 'ps', '-a', '--filter', `label=meshkube.node=${name}-w1`, '--format', '{{.Label "io.kubernetes.pod.name"}}'], { reject: false });
    expect(String(ps.stdout).split('\n')).toContain('probe');

    const down = await execa(meshctlBin, args('down'), { reject: false, timeout: 180_000 });
    expect(down.exitCode, String(down.stderr)).toBe(0);
    expect(String(down.stdout)).toContain(`stopped the dockerd cluster up started (pid ${String(pid)})`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(path.join(stateDir, name))).toBe(false);
    expect(existsSync(`/run/meshctl-${name}-docker`)).toBe(false);
  }, 600_000);
});
