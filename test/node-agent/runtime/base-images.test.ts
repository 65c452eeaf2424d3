import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { BASE_IMAGE, PAUSE_IMAGE, SOURCE_HASH_LABEL, ensureBaseImages, ensureImage, hostImagePlans, sourceHash, stampSources } from '../../../lib/images/index.js';
import { removeTestContainers, startTestDockerd } from '../../support/dockerd.js';
import type { TestDockerd } from '../../support/dockerd.js';

const LABEL = 'meshkube.test=base-images';

/** Runs a container to completion and returns its exit code and plain output. */
async function runOnce(docker: Dockerode, image: string, cmd: string[], extra: Dockerode.ContainerCreateOptions = {}): Promise<{ code: number; out: string }> {
  const c = await docker.createContainer({ Image: image, Cmd: cmd, Labels: { 'meshkube.test': 'base-images' }, HostConfig: { NetworkMode: 'none' }, ...extra });
  try {
    await c.start();
    const { StatusCode } = (await c.wait()) as { StatusCode: number };
    const raw = await c.logs({ stdout: true, stderr: true, follow: false });
    // Multiplexed frames: 8-byte header (stream, 0, 0, 0, length BE), then the payload.
    let out = '';
    for (let i = 0; i + 8 <= raw.length; ) {
      const len = raw.readUInt32BE(i + 4);
      out += raw.subarray(i + 8, i + 8 + len).toString('utf8');
      i += 8 + len;
    }
    return { code: StatusCode, out };
  } finally {
    await c.remove({ force: true });
  }
}

describe('local base images (real dockerd)', () => {
  let dockerd: TestDockerd;
  let docker: Dockerode;

  beforeAll(async () => {
    dockerd = await startTestDockerd();
    docker = dockerd.docker;
    await removeTestContainers(docker, LABEL);
    await ensureBaseImages(docker);
  }, 300_000);

  afterAll(async () => {
    if (docker) await removeTestContainers(docker, LABEL);
    await dockerd?.stop();
  }, 60_000);

  it('labels both images with the hash of their inputs and skips the build when it matches', async () => {
    for (const plan of await hostImagePlans()) {
      const info = await docker.getImage(plan.tag).inspect();
      expect(info.Config.Labels?.[SOURCE_HASH_LABEL]).toBe(sourceHash(plan, await stampSources(plan)));
      expect(await ensureImage(docker, plan)).toBe(false);
    }
  });

  it('rebuilds a stale image', async () => {
    const [, pause] = await hostImagePlans();
    if (pause === undefined) throw new Error('no pause plan');
    // Same rootfs, different Dockerfile text: a different source hash, so the present image is stale.
    const changed = { ...pause, dockerfile: `${pause.dockerfile}ENV MESHKUBE_TEST=1\n` };
    expect(await ensureImage(docker, changed)).toBe(true);
    expect((await docker.getImage(PAUSE_IMAGE).inspect()).Config.Env).toContain('MESHKUBE_TEST=1');
    expect(await ensureImage(docker, pause)).toBe(true);
    const after = await docker.getImage(PAUSE_IMAGE).inspect();
    expect(after.Config.Env ?? []).not.toContain('MESHKUBE_TEST=1');
    expect(after.Config.Labels?.[SOURCE_HASH_LABEL]).toBe(sourceHash(pause, await stampSources(pause)));
  }, 120_000);

  it('runs node in mesh/base', async () => {
    expect(await runOnce(docker, BASE_IMAGE, ['node', '-e', 'console.log(1+1)'])).toEqual({ code: 0, out: '2\n' });
  });

  it('has busybox applets, the users, and a sticky world-writable /tmp in mesh/base', async () => {
    const r = await runOnce(docker, BASE_IMAGE, ['sh', '-c', 'stat -c %a /tmp; id -un; grep -c "" /etc/passwd; echo $PATH; which wget nc cat sleep'], { User: '1000' });
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['1777', 'user', '3']);
    expect(lines[3]).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(lines.slice(4)).toEqual(['/bin/wget', '/bin/nc', '/bin/cat', '/bin/sleep']);
  });

  it('serves HTTP with busybox httpd inside mesh/base', async () => {
    const script = 'mkdir -p /tmp/www && echo hello-from-httpd > /tmp/www/index.html && httpd -p 127.0.0.1:8080 -h /tmp/www && wget -q -O - http://127.0.0.1:8080/index.html';
    // NetworkMode none still has a loopback interface.
    const r = await runOnce(docker, BASE_IMAGE, ['sh', '-c', script]);
    expect(r).toEqual({ code: 0, out: 'hello-from-httpd\n' });
  });

  it('mesh/pause sleeps until tini forwards SIGTERM', async () => {
    const c = await docker.createContainer({ Image: PAUSE_IMAGE, Labels: { 'meshkube.test': 'base-images' }, HostConfig: { NetworkMode: 'none', Init: true } });
    try {
      await c.start();
      await new Promise((r) => setTimeout(r, 300));
      expect((await c.inspect()).State.Running).toBe(true);
      await c.stop({ t: 30 });
      const state = (await c.inspect()).State;
      // 143 = 128 + SIGTERM: the sleep died of the forwarded SIGTERM (a SIGKILL after the timeout would be 137).
      expect(state.ExitCode).toBe(143);
    } finally {
      await c.remove({ force: true });
    }
  });
});
