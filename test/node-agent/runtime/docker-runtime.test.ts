import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { BASE_IMAGE, HOST_BUSYBOX, ensureBaseImages, ensureImage } from '../../../lib/images/index.js';
import type { ImagePlan } from '../../../lib/images/index.js';
import { ContainerNotFoundError, DockerRuntime, ExecTimeoutError, ImageNotPresentError } from '../../../services/node-agent/runtime/index.js';
import type { ContainerConfig, ContainerStatus } from '../../../services/node-agent/runtime/index.js';
import { removeTestContainers, startTestDockerd } from '../../support/dockerd.js';
import type { TestDockerd } from '../../support/dockerd.js';
import { waitFor } from '../../support/wait-for.js';

const NODE = 'rt-test-node';
const OTHER_NODE = 'rt-test-other';
/** An image with both ENTRYPOINT and CMD, to check how command/args replace them. */
const ENTRY_IMAGE = 'mesh/rt-test-entry:latest';
const ENTRY_PLAN: ImagePlan = {
  tag: ENTRY_IMAGE,
  dockerfile: 'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/bin/busybox", "echo", "entry"]\nCMD ["default-cmd"]\n',
  rootfs: [
    { kind: 'dir', path: '/bin', mode: 0o755 },
    { kind: 'file', path: '/bin/busybox', source: HOST_BUSYBOX },
  ],
};
const POD = { name: 'rt-pod', namespace: 'rt-ns', uid: 'rt-uid-1', attempt: 0, hostname: 'rt-pod-host' };

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

describe('DockerRuntime (real dockerd)', () => {
  let dockerd: TestDockerd;
  let docker: Dockerode;
  let rt: DockerRuntime;
  let sandboxId: string;
  let sandboxPid: number;
  let hostDir: string;
  let attempt = 0;

  /** Creates and starts a container in the shared sandbox with a fresh name. */
  async function run(name: string, cfg: Partial<ContainerConfig>): Promise<string> {
    const id = await rt.createContainer(sandboxId, { name, attempt: attempt++, image: BASE_IMAGE, env: [], mounts: [], ...cfg });
    await rt.startContainer(id);
    return id;
  }

  async function exited(id: string): Promise<ContainerStatus> {
    return waitFor(`container ${id} to exit`, async () => {
      const s = await rt.containerStatus(id);
      return s.state === 'exited' ? s : undefined;
    }, 30_000);
  }

  /** Runs a command to completion and returns its status and logs. */
  async function runToEnd(name: string, cfg: Partial<ContainerConfig>): Promise<{ status: ContainerStatus; out: string }> {
    const id = await run(name, cfg);
    const status = await exited(id);
    return { status, out: await readAll(await rt.logs(id)) };
  }

  beforeAll(async () => {
    dockerd = await startTestDockerd();
    docker = dockerd.docker;
    await removeTestContainers(docker, `meshkube.node=${NODE}`);
    await removeTestContainers(docker, `meshkube.node=${OTHER_NODE}`);
    await ensureBaseImages(docker);
    await ensureImage(docker, ENTRY_PLAN);
    hostDir = await mkdtemp(join(tmpdir(), 'rt-test-'));
    rt = new DockerRuntime({ docker, nodeName: NODE });
    const sb = await rt.runPodSandbox({ ...POD, labels: { app: 'rt' }, annotations: { 'kubernetes.io/config.source': 'api' } });
    sandboxId = sb.id;
    sandboxPid = sb.pid;
    expect(sb.netnsPath).toBe(`/proc/${sb.pid}/ns/net`);
  }, 300_000);

  afterAll(async () => {
    if (docker) {
      await removeTestContainers(docker, `meshkube.node=${NODE}`);
      await removeTestContainers(docker, `meshkube.node=${OTHER_NODE}`);
    }
    if (hostDir) await rm(hostDir, { recursive: true, force: true });
    await dockerd?.stop();
  }, 120_000);

  it('reports the runtime version', async () => {
    const v = await rt.version();
    expect(v.runtimeName).toBe('docker');
    expect(v.containerRuntimeVersion).toBe(`docker://${v.runtimeVersion}`);
    expect(v.runtimeVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs a ready sandbox with dockershim names and labels', async () => {
    const st = await rt.podSandboxStatus(sandboxId);
    expect(st).toMatchObject({ state: 'ready', pid: sandboxPid, metadata: { name: 'rt-pod', namespace: 'rt-ns', uid: 'rt-uid-1', attempt: 0 } });
    expect(st.labels).toEqual({ app: 'rt' });
    expect(st.annotations).toEqual({ 'kubernetes.io/config.source': 'api' });
    const info = await docker.getContainer(sandboxId).inspect();
    expect(info.Name).toBe('/k8s_POD_rt-pod_rt-ns_rt-uid-1_0');
    expect(info.Config.Labels).toMatchObject({ 'io.kubernetes.docker.type': 'podsandbox', 'io.kubernetes.container.name': 'POD', 'meshkube.node': NODE });
    expect(info.HostConfig.NetworkMode).toBe('none');
    expect((await rt.listPodSandboxes({ podUid: 'rt-uid-1' })).map((s) => s.id)).toEqual([sandboxId]);
    expect(await rt.listPodSandboxes({ podUid: 'someone-else' })).toEqual([]);
  });

  it('joins app containers to the sandbox network namespace and hostname', async () => {
    const id = await run('netns', { command: ['sleep', '300'] });
    const r = await rt.execSync(id, ['sh', '-c', 'readlink /proc/self/ns/net; hostname'], 10_000);
    expect(r.exitCode).toBe(0);
    const [ns, hostname] = r.stdout.trim().split('\n');
    expect(ns).toBe(await readlink(`/proc/${sandboxPid}/ns/net`));
    expect(ns).not.toBe(await readlink('/proc/self/ns/net'));
    expect(hostname).toBe('rt-pod-host');
    const info = await docker.getContainer(id).inspect();
    expect(info.Name).toBe(`/k8s_netns_rt-pod_rt-ns_rt-uid-1_${attempt - 1}`);
    expect(info.Config.Labels).toMatchObject({ 'io.kubernetes.sandbox.id': sandboxId, 'io.kubernetes.docker.type': 'container' });
    await rt.stopContainer(id, 0);
  });

  it('passes env, working directory and the user', async () => {
    const r = await runToEnd('env', {
      command: ['sh', '-c', 'echo "$GREETING|$EMPTY|$(pwd)|$(id -u)"'],
      env: [
        { name: 'GREETING', value: 'hello world' },
        { name: 'EMPTY', value: '' },
      ],
      workingDir: '/work/dir',
      runAsUser: 1000,
    });
    expect(r.out).toBe('hello world||/work/dir|1000\n');
    expect(r.status).toMatchObject({ state: 'exited', exitCode: 0, reason: 'Completed', name: 'env' });
  });

  it('applies command/args the Kubernetes way over ENTRYPOINT/CMD', async () => {
    expect((await runToEnd('neither', { image: ENTRY_IMAGE })).out).toBe('entry default-cmd\n');
    expect((await runToEnd('args', { image: ENTRY_IMAGE, args: ['from-args'] })).out).toBe('entry from-args\n');
    expect((await runToEnd('command', { image: ENTRY_IMAGE, command: ['/bin/busybox', 'echo', 'from-command'] })).out).toBe('from-command\n');
    expect((await runToEnd('both', { image: ENTRY_IMAGE, command: ['/bin/busybox', 'echo', 'cmd'], args: ['arg'] })).out).toBe('cmd arg\n');
  });

  it('mounts host paths read-write and read-only', async () => {
    await writeFile(join(hostDir, 'in.txt'), 'from-host\n');
    const r = await runToEnd('mounts', {
      command: ['sh', '-c', 'cat /ro/in.txt; echo from-container > /rw/out.txt; if echo x 2>/dev/null > /ro/denied.txt; then echo ro-writable; else echo ro-denied; fi'],
      mounts: [
        { hostPath: hostDir, containerPath: '/rw', readOnly: false },
        { hostPath: hostDir, containerPath: '/ro', readOnly: true },
      ],
    });
    expect(r.out).toBe('from-host\nro-denied\n');
    expect(await readFile(join(hostDir, 'out.txt'), 'utf8')).toBe('from-container\n');
  });

  it('reports exit codes with reasons Error and Completed', async () => {
    const failed = await runToEnd('fail', { command: ['sh', '-c', 'echo bye >&2; exit 3'] });
    expect(failed.status).toMatchObject({ state: 'exited', exitCode: 3, reason: 'Error' });
    expect(failed.status.startedAt).toBeInstanceOf(Date);
    expect(failed.status.finishedAt).toBeInstanceOf(Date);
    expect(failed.out).toBe('bye\n');
    expect((await runToEnd('ok', { command: ['true'] })).status).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('marks a container killed at its memory limit OOMKilled', async () => {
    const r = await runToEnd('oom', {
      // Big allocations filled in one native call: the limit is hit before the cgroup starts
      // thrashing node's own code pages, so the OOM killer acts at once.
      command: ['node', '-e', 'const keep = []; for (;;) keep.push(Buffer.alloc(256 << 20, 1));'],
      memoryLimitBytes: 48 * 1024 * 1024,
    });
    expect(r.status).toMatchObject({ state: 'exited', reason: 'OOMKilled', exitCode: 137 });
    expect((await docker.getContainer(r.status.id).inspect()).HostConfig.Memory).toBe(48 * 1024 * 1024);
  });

  it('stops with SIGTERM when handled, and SIGKILLs after the timeout when ignored', async () => {
    const handled = await run('term-handled', { command: ['sh', '-c', 'trap "echo got-term; exit 0" TERM; echo ready; while :; do sleep 1 & wait $!; done'] });
    const ignored = await run('term-ignored', { command: ['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 1; done'] });
    for (const id of [handled, ignored]) await waitFor('ready', async () => (await readAll(await rt.logs(id))).includes('ready'), 10_000);
    await rt.stopContainer(handled, 30);
    expect(await rt.containerStatus(handled)).toMatchObject({ state: 'exited', exitCode: 0, reason: 'Completed' });
    expect(await readAll(await rt.logs(handled))).toBe('ready\ngot-term\n');
    await rt.stopContainer(ignored, 1);
    expect(await rt.containerStatus(ignored)).toMatchObject({ state: 'exited', exitCode: 137, reason: 'Error' });
    // Already stopped: fine.
    await rt.stopContainer(ignored, 1);
  });

  it('execs synchronously: success, failure and timeout', async () => {
    const id = await run('exec', { command: ['sleep', '300'] });
    expect(await rt.execSync(id, ['sh', '-c', 'echo out; echo err >&2'], 10_000)).toEqual({ exitCode: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(await rt.execSync(id, ['sh', '-c', 'echo failing >&2; exit 4'], 10_000)).toEqual({ exitCode: 4, stdout: '', stderr: 'failing\n' });
    await expect(rt.execSync(id, ['sleep', '1234'], 500)).rejects.toBeInstanceOf(ExecTimeoutError);
    // The timed-out process was killed rather than left running.
    await waitFor('the timed-out exec to be gone', async () => !(await rt.execSync(id, ['ps', '-o', 'args'], 10_000)).stdout.includes('sleep 1234'), 10_000);
    await rt.stopContainer(id, 0);
  });

  it('serves logs: whole, tail, timestamps, limitBytes and follow until exit', async () => {
    // stdout and stderr are separate pipes, so their relative order in the log is not defined;
    // stderr alone is checked by the exit-code test above.
    const id = await run('logs', { command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done'] });
    await exited(id);
    expect(await readAll(await rt.logs(id))).toBe('line1\nline2\nline3\nline4\nline5\n');
    expect(await readAll(await rt.logs(id, { tailLines: 2 }))).toBe('line4\nline5\n');
    expect(await readAll(await rt.logs(id, { limitBytes: 8 }))).toBe('line1\nli');
    const stamped = (await readAll(await rt.logs(id, { timestamps: true, tailLines: 1 }))).trimEnd();
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line5$/);
    expect(await readAll(await rt.logs(id, { sinceTime: new Date(Date.now() + 3_600_000) }))).toBe('');

    const follower = await run('follow', { command: ['sh', '-c', 'echo first; sleep 1; echo second'] });
    const followed = await readAll(await rt.logs(follower, { follow: true }));
    expect(followed).toBe('first\nsecond\n');
    expect((await rt.containerStatus(follower)).state).toBe('exited');
  });

  it('stops following when the caller destroys the stream', async () => {
    const id = await run('follow-destroy', { command: ['sh', '-c', 'echo hi; sleep 300'] });
    const stream = await rt.logs(id, { follow: true });
    const first = await new Promise<string>((resolve) => stream.once('data', (c: Buffer) => resolve(c.toString())));
    expect(first).toBe('hi\n');
    const closed = new Promise<void>((resolve) => stream.once('close', resolve));
    stream.destroy();
    await closed;
    await rt.stopContainer(id, 0);
  });

  it('never pulls: a missing image is ImageNotPresentError', async () => {
    const err = await rt.createContainer(sandboxId, { name: 'missing', attempt: 0, image: 'mesh/not-here:v9', env: [], mounts: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageNotPresentError);
    expect((err as Error).message).toContain('mesh/not-here:v9');
    expect(await rt.imageStatus('mesh/not-here:v9')).toBeUndefined();
    const base = await rt.imageStatus('mesh/base');
    expect(base?.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(base?.size).toBeGreaterThan(1_000_000);
    expect((await rt.imageStatus(BASE_IMAGE))?.id).toBe(base?.id);
  });

  it('lists only this node\'s containers and refuses to touch another node\'s', async () => {
    const other = new DockerRuntime({ docker, nodeName: OTHER_NODE });
    const sb = await other.runPodSandbox({ ...POD, uid: 'rt-uid-other', hostname: 'other' });
    const cid = await other.createContainer(sb.id, { name: 'c', attempt: 0, image: BASE_IMAGE, command: ['sleep', '300'], env: [], mounts: [] });
    const mine = await rt.listContainers();
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((c) => c.podSandboxId === sandboxId)).toBe(true);
    expect(mine.map((c) => c.id)).not.toContain(cid);
    expect((await rt.listPodSandboxes()).map((s) => s.id)).toEqual([sandboxId]);
    await expect(rt.containerStatus(cid)).rejects.toBeInstanceOf(ContainerNotFoundError);
    await expect(rt.podSandboxStatus(sb.id)).rejects.toBeInstanceOf(ContainerNotFoundError);
    await rt.removePodSandbox(sb.id); // not ours: nothing happens
    expect((await other.listContainers()).map((c) => c.id)).toEqual([cid]);
    expect((await other.listContainers({ podUid: 'rt-uid-other', sandboxId: sb.id }))[0]).toMatchObject({ metadata: { name: 'c', attempt: 0 }, state: 'created' });
    await other.removePodSandbox(sb.id);
    expect(await other.listContainers()).toEqual([]);
    expect(await other.listPodSandboxes()).toEqual([]);
  });

  it('stops and removes a sandbox with its containers, idempotently', async () => {
    const sb = await rt.runPodSandbox({ ...POD, uid: 'rt-uid-2', hostname: 'two', dns: { servers: ['10.96.0.10'], searches: ['rt-ns.svc.cluster.local'], options: ['ndots:5'] } });
    const id = await rt.createContainer(sb.id, { name: 'app', attempt: 0, image: BASE_IMAGE, command: ['sleep', '300'], env: [], mounts: [] });
    await rt.startContainer(id);
    expect((await rt.execSync(id, ['cat', '/etc/resolv.conf'], 10_000)).stdout).toBe('nameserver 10.96.0.10\nsearch rt-ns.svc.cluster.local\noptions ndots:5\n');
    await rt.stopPodSandbox(sb.id);
    expect((await rt.podSandboxStatus(sb.id)).state).toBe('notready');
    expect((await rt.containerStatus(id)).state).toBe('exited');
    await rt.stopPodSandbox(sb.id);
    await rt.removePodSandbox(sb.id);
    await rt.removePodSandbox(sb.id);
    expect(await rt.listContainers({ podUid: 'rt-uid-2' })).toEqual([]);
    expect(await rt.listPodSandboxes({ podUid: 'rt-uid-2' })).toEqual([]);
    await expect(rt.containerStatus(id)).rejects.toBeInstanceOf(ContainerNotFoundError);
    await rt.removeContainer(id);
  });
});
