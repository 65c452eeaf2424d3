// deploy/vagrant: VMs cannot be booted here, so this checks what can be checked without them:
// every deploy script parses, the Vagrantfile lays out the hosts the contract names, and
// provision.sh's configure step (the real `meshctl cluster configure-host`, in a temporary state
// dir) gives cp1 and the workers one cluster CA through the shared directory. Its node step is
// run against a local file:// "nodejs.org" to check the SHA-256 verification. The role scripts
// themselves run inside namespace hosts in the cluster tests.
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const vagrantDir = path.join(repoRoot, 'deploy/vagrant');
const provisionScript = path.join(vagrantDir, 'provision.sh');
const tmpPrefix = 'meshkube-vagrant-provision-';
const cluster = 'vagrant';
const sharedKeys = ['ca.crt', 'ca.key', 'sa.key', 'sa.pub'] as const;

let tmp: string;

interface VagrantLayout {
  network: string;
  controlPlane: Array<[name: string, octet: number]>;
  workerFirstOctet: number;
  defaultWorkers: number;
}

/** The host layout as the Vagrantfile's constants declare it (its Ruby is not run here). */
function parseVagrantfile(text: string): VagrantLayout {
  const network = /^NETWORK = "([\d.]+)"$/m.exec(text)?.[1];
  const cp = /^CONTROL_PLANE = \{([^}]*)\}/m.exec(text)?.[1];
  const first = /^WORKER_FIRST_OCTET = (\d+)$/m.exec(text)?.[1];
  const workers = /^WORKERS = env_int\("MESHKUBE_WORKERS", (\d+)\)$/m.exec(text)?.[1];
  if (network === undefined || cp === undefined || first === undefined || workers === undefined) {
    throw new Error('Vagrantfile: NETWORK, CONTROL_PLANE, WORKER_FIRST_OCTET or WORKERS not found');
  }
  const controlPlane = [...cp.matchAll(/"([a-z0-9]+)" => (\d+)/g)].map((m): [string, number] => [m[1] ?? '', Number(m[2])]);
  return { network, controlPlane, workerFirstOctet: Number(first), defaultWorkers: Number(workers) };
}

/** name=IP for every host, in the Vagrantfile's order (its HOSTS expression). */
function hostList(layout: VagrantLayout, workers: number): Array<[string, string]> {
  const cps = layout.controlPlane.map(([name, octet]): [string, string] => [name, `${layout.network}.${octet}`]);
  const ws = Array.from({ length: workers }, (_, i): [string, string] => [`w${i + 1}`, `${layout.network}.${layout.workerFirstOctet + i}`]);
  return [...cps, ...ws];
}

/** host.env as the contract writes it: KEY=value lines, values single-quoted when they hold spaces. */
function readHostEnv(file: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1] === undefined || m[2] === undefined) continue;
    const raw = m[2];
    env.set(m[1], raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1).replaceAll(`'\\''`, "'") : raw);
  }
  return env;
}

function provision(args: readonly string[], env: Record<string, string>) {
  return execa('bash', [provisionScript, ...args], {
    env: { ...process.env, MESHKUBE_HOME: repoRoot, ...env },
    reject: false,
    timeout: 150_000,
  });
}

function listScripts(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.sh') && !f.split(path.sep).includes('.vagrant'))
    .map((f) => path.join(dir, f))
    .sort();
}

beforeAll(() => {
  for (const leftover of readdirSync(os.tmpdir()).filter((f) => f.startsWith(tmpPrefix))) {
    rmSync(path.join(os.tmpdir(), leftover), { recursive: true, force: true });
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('deploy scripts', () => {
  it('every deploy/**/*.sh parses with bash -n', async () => {
    const scripts = listScripts(path.join(repoRoot, 'deploy'));
    expect(scripts).toContain(provisionScript);
    expect(scripts).toContain(path.join(repoRoot, 'deploy/roles/start-host.sh'));
    for (const script of scripts) {
      const r = await execa('bash', ['-n', script], { reject: false });
      expect({ script, stderr: r.stderr, exitCode: r.exitCode }).toEqual({ script, stderr: '', exitCode: 0 });
    }
  });

  it('provision.sh rejects an unknown step with a usage error', async () => {
    const r = await provision(['--steps', 'configure,bogus'], {});
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown step: bogus');
  });
});

describe('Vagrantfile', () => {
  const text = readFileSync(path.join(vagrantDir, 'Vagrantfile'), 'utf8');
  const layout = parseVagrantfile(text);

  it('declares cp1..cp3 at 192.168.56.11-13 and workers w1.. from 192.168.56.21, 2 by default', () => {
    expect(layout.defaultWorkers).toBe(2);
    expect(hostList(layout, layout.defaultWorkers)).toEqual([
      ['cp1', '192.168.56.11'],
      ['cp2', '192.168.56.12'],
      ['cp3', '192.168.56.13'],
      ['w1', '192.168.56.21'],
      ['w2', '192.168.56.22'],
    ]);
    // The HOSTS expression the constants feed, and each VM on its address.
    expect(text).toContain('(1..WORKERS).map { |i| ["w#{i}", "#{NETWORK}.#{WORKER_FIRST_OCTET + i - 1}"] }');
    expect(text).toContain('host.vm.network "private_network", ip: ip');
  });

  it('uses debian/bookworm64 on libvirt and VirtualBox, syncs the repository root and provisions each VM with provision.sh', () => {
    expect(text).toMatch(/^BOX = ENV\.fetch\("MESHKUBE_BOX", "debian\/bookworm64"\)$/m);
    expect(text).toContain('config.vm.provider "libvirt" do');
    expect(text).toContain('config.vm.provider "virtualbox" do');
    expect(text).toMatch(/^REPO_ROOT = File\.expand_path\("\.\.\/\.\.", __dir__\)$/m);
    expect(path.resolve(vagrantDir, '../..')).toBe(repoRoot);
    expect(text).toMatch(/config\.vm\.synced_folder REPO_ROOT, "\/vagrant",\s+type: "rsync"/);
    expect(text).toContain('path: "provision.sh"');
    expect(text).toContain('args: ["--host", name, "--hosts", HOST_LIST, "--cluster", CLUSTER]');
  });
});

describe('provision.sh --steps configure', () => {
  const layout = parseVagrantfile(readFileSync(path.join(vagrantDir, 'Vagrantfile'), 'utf8'));
  const hosts = hostList(layout, 2)
    .map(([name, ip]) => `${name}=${ip}`)
    .join(',');
  const stateOf = (host: string) => path.join(tmp, `${host}-state`);
  const shared = () => path.join(tmp, 'shared');
  const configure = (host: string, env: Record<string, string> = {}) =>
    provision(['--steps', 'configure', '--host', host, '--hosts', hosts, '--cluster', cluster], {
      STATE_DIR: stateOf(host),
      SHARED_DIR: shared(),
      ...env,
    });
  const pkiOf = (host: string) => path.join(stateOf(host), cluster, 'pki');
  const hostEnvOf = (host: string) => path.join(stateOf(host), cluster, 'hosts', host, 'host.env');

  it('a worker gives up with a clear message while cp1 has not published the CA', async () => {
    const r = await configure('w2', { MESHKUBE_PKI_WAIT_SECONDS: '0' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`cp1 has not published the cluster CA in ${path.join(shared(), cluster, 'pki')}`);
    expect(existsSync(hostEnvOf('w2'))).toBe(false);
  });

  it('cp1 makes the cluster CA and publishes it with the admin kubeconfig', { timeout: 180_000 }, async () => {
    const r = await configure('cp1');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    for (const f of sharedKeys) {
      expect(readFileSync(path.join(shared(), cluster, 'pki', f), 'utf8')).toBe(readFileSync(path.join(pkiOf('cp1'), f), 'utf8'));
    }
    expect(readFileSync(path.join(shared(), cluster, 'admin.kubeconfig'), 'utf8')).toBe(
      readFileSync(path.join(stateOf('cp1'), cluster, 'admin.kubeconfig'), 'utf8'),
    );
    const env = readHostEnv(hostEnvOf('cp1'));
    expect(env.get('HOST_NAME')).toBe('cp1');
    expect(env.get('HOST_IP')).toBe('192.168.56.11');
    expect(env.get('CLUSTER_NAME')).toBe(cluster);
    expect(env.get('ROLES')?.split(' ')).toEqual(expect.arrayContaining(['store', 'api']));
    expect(env.get('ROLES')?.split(' ')).not.toContain('node-agent');
  });

  it('provisioning cp1 again keeps the published CA', { timeout: 180_000 }, async () => {
    const before = sharedKeys.map((f) => readFileSync(path.join(shared(), cluster, 'pki', f), 'utf8'));
    const r = await configure('cp1');
    expect(r.exitCode).toBe(0);
    expect(sharedKeys.map((f) => readFileSync(path.join(shared(), cluster, 'pki', f), 'utf8'))).toEqual(before);
  });

  it('w1 imports the cluster CA from the shared directory before configuring itself', { timeout: 180_000 }, async () => {
    const r = await configure('w1');
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    for (const f of sharedKeys) {
      expect(readFileSync(path.join(pkiOf('w1'), f), 'utf8')).toBe(readFileSync(path.join(pkiOf('cp1'), f), 'utf8'));
    }
    const env = readHostEnv(hostEnvOf('w1'));
    expect(env.get('HOST_NAME')).toBe('w1');
    expect(env.get('HOST_IP')).toBe('192.168.56.21');
    expect(env.get('ROLES')?.split(' ')).toContain('node-agent');
  });

  it('a worker holding another CA replaces it with the cluster one', { timeout: 180_000 }, async () => {
    mkdirSync(pkiOf('w2'), { recursive: true });
    for (const f of sharedKeys) writeFileSync(path.join(pkiOf('w2'), f), `stale ${f}\n`);
    const r = await configure('w2');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('holds another CA');
    for (const f of sharedKeys) {
      expect(readFileSync(path.join(pkiOf('w2'), f), 'utf8')).toBe(readFileSync(path.join(pkiOf('cp1'), f), 'utf8'));
    }
    expect(readHostEnv(hostEnvOf('w2')).get('HOST_IP')).toBe('192.168.56.22');
  });

  it("the systemd unit's ExecStart runs deploy/roles/start-host.sh (executable) on the host's host.env", async () => {
    const r = await provision(['--print-unit', '--host', 'w1', '--hosts', hosts, '--cluster', cluster], { STATE_DIR: stateOf('w1') });
    expect(r.exitCode).toBe(0);
    const execStart = /^ExecStart=(\S+) (\S+)$/m.exec(r.stdout);
    expect(execStart?.[1]).toBe(path.join(repoRoot, 'deploy/roles/start-host.sh'));
    expect(execStart?.[2]).toBe(hostEnvOf('w1'));
    accessSync(path.join(repoRoot, 'deploy/roles/start-host.sh'), constants.X_OK);
    expect(existsSync(hostEnvOf('w1'))).toBe(true);
    for (const line of ['Restart=always', 'KillMode=mixed', 'TimeoutStopSec=30']) {
      expect(r.stdout.split('\n')).toContain(line);
    }
    // The template names the same script relative to the checkout the VM runs.
    const template = readFileSync(path.join(vagrantDir, 'meshkube-host.service'), 'utf8');
    expect(template).toMatch(/^ExecStart=@MESHKUBE_HOME@\/deploy\/roles\/start-host\.sh @HOST_ENV@$/m);
  });
});

describe('provision.sh --steps node', () => {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const version = 'v20.99.0';
  const tarball = `node-${version}-linux-${arch}.tar.xz`;
  const dist = () => path.join(tmp, 'node-dist');

  /** A nodejs.org-like directory: a tarball whose bin/node prints its version, and SHASUMS256.txt. */
  async function makeDist(hashOverride?: string): Promise<void> {
    const top = path.join(tmp, 'node-build', `node-${version}-linux-${arch}`);
    mkdirSync(path.join(top, 'bin'), { recursive: true });
    writeFileSync(path.join(top, 'bin/node'), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
    writeFileSync(path.join(top, 'CHANGELOG.md'), 'changes\n');
    mkdirSync(dist(), { recursive: true });
    await execa('tar', ['-cJf', path.join(dist(), tarball), '-C', path.dirname(top), path.basename(top)]);
    const hash = hashOverride ?? createHash('sha256').update(readFileSync(path.join(dist(), tarball))).digest('hex');
    writeFileSync(
      path.join(dist(), 'SHASUMS256.txt'),
      [`${'1'.repeat(64)}  node-${version}-darwin-${arch}.tar.gz`, `${hash}  ${tarball}`, `${'2'.repeat(64)}  node-${version}-linux-${arch}.tar.gz`, ''].join('\n'),
    );
  }

  it('is skipped when node on PATH is already v20 or newer', async () => {
    const prefix = path.join(tmp, 'node-skip');
    const r = await provision(['--steps', 'node'], { NODE_DIST_URL: `file://${path.join(tmp, 'absent')}`, NODE_PREFIX: prefix });
    expect(r.exitCode).toBe(0);
    const onPath = (await execa('node', ['--version'])).stdout;
    expect(r.stdout).toContain(`node: ${onPath} already installed`);
    expect(existsSync(prefix)).toBe(false);
  });

  it('installs the tarball whose SHA-256 matches SHASUMS256.txt', async () => {
    await makeDist();
    const prefix = path.join(tmp, 'node-good');
    const r = await provision(['--steps', 'node'], { NODE_DIST_URL: `file://${dist()}`, NODE_PREFIX: prefix, NODE_FORCE_INSTALL: '1' });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect((await execa(path.join(prefix, 'bin/node'), ['--version'])).stdout).toBe(version);
    expect(existsSync(path.join(prefix, 'CHANGELOG.md'))).toBe(false);
  });

  it('installs nothing when the tarball does not match its SHA-256', async () => {
    await makeDist('0'.repeat(64));
    const prefix = path.join(tmp, 'node-bad');
    const r = await provision(['--steps', 'node'], { NODE_DIST_URL: `file://${dist()}`, NODE_PREFIX: prefix, NODE_FORCE_INSTALL: '1' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${tarball} does not match its SHA-256 in SHASUMS256.txt`);
    expect(existsSync(path.join(prefix, 'bin/node'))).toBe(false);
  });
});

describe('provision.sh --steps sysctl', () => {
  it('turns IPv4 forwarding on and persists it (in a network namespace of its own)', async () => {
    const file = path.join(tmp, 'sysctl.d/90-meshkube.conf');
    const r = await execa('unshare', ['--net', 'bash', '-c', 'cat /proc/sys/net/ipv4/ip_forward; bash "$0" --steps sysctl; cat /proc/sys/net/ipv4/ip_forward', provisionScript], {
      env: { ...process.env, SYSCTL_FILE: file },
      reject: false,
    });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('0');
    expect(lines.at(-1)).toBe('1');
    expect(readFileSync(file, 'utf8').split('\n')).toContain('net.ipv4.ip_forward = 1');
  });
});
