// The demo images against the shared test dockerd: `buildImages` builds them on mesh/base, skips
// them when current, and the containers serve the demo (network none: loopback only, and a
// frontend container joins the backend container's network namespace to reach it).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_ID_LABEL, BASE_IMAGE, DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND, PAUSE_IMAGE, SOURCE_HASH_LABEL, ensureBaseImages } from '../../lib/images/index.js';
import { buildImages } from '../../services/meshctl/image/index.js';
import type { ImageBuildReport } from '../../services/meshctl/image/index.js';
import { removeTestContainers, startTestDockerd } from '../support/dockerd.js';
import type { TestDockerd } from '../support/dockerd.js';
import { waitFor } from '../support/wait-for.js';

const LABEL_KEY = 'meshkube.test';
const LABEL_VALUE = 'demo-images';
const DEMO_TAGS = [DEMO_BACKEND_V1, DEMO_BACKEND_V2, DEMO_FRONTEND];

let dockerd: TestDockerd;
let docker: Dockerode;
let firstRun: ImageBuildReport[];
const lines: string[] = [];

/** Runs `cmd` in a running container; its exit code and stdout+stderr. */
async function exec(container: Dockerode.Container, cmd: string[]): Promise<{ code: number; out: string }> {
  const e = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await e.start({ hijack: true, stdin: false, Detach: false, Tty: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  // Multiplexed frames: 8-byte header (stream, 0, 0, 0, length BE), then the payload.
  const raw = Buffer.concat(chunks);
  let out = '';
  for (let i = 0; i + 8 <= raw.length; ) {
    const len = raw.readUInt32BE(i + 4);
    out += raw.subarray(i + 8, i + 8 + len).toString('utf8');
    i += 8 + len;
  }
  const { ExitCode } = await e.inspect();
  return { code: ExitCode ?? -1, out };
}

/** GETs `url` with busybox wget inside the container until it answers (the server is starting). */
function wgetUntilAnswered(container: Dockerode.Container, url: string): Promise<string> {
  return waitFor(
    `an answer from ${url}`,
    async () => {
      const r = await exec(container, ['wget', '-qO-', url]);
      return r.code === 0 ? r.out : false;
    },
    20_000,
    200,
  );
}

async function run(image: string, name: string, env: string[], networkMode = 'none'): Promise<Dockerode.Container> {
  const c = await docker.createContainer({
    Image: image,
    name: `meshkube-test-demo-images-${name}`,
    Env: env,
    Labels: { [LABEL_KEY]: LABEL_VALUE },
    HostConfig: { NetworkMode: networkMode, Init: true },
  });
  await c.start();
  return c;
}

describe('demo images (real dockerd)', () => {
  beforeAll(async () => {
    dockerd = await startTestDockerd();
    docker = dockerd.docker;
    await removeTestContainers(docker, `${LABEL_KEY}=${LABEL_VALUE}`);
    await ensureBaseImages(docker);
    firstRun = await buildImages(docker, { only: DEMO_TAGS, log: (l) => lines.push(l) });
  }, 300_000);

  afterAll(async () => {
    if (docker) await removeTestContainers(docker, `${LABEL_KEY}=${LABEL_VALUE}`);
    // The test dockerd is shared with other test files: never stopped here.
  }, 60_000);

  it('reports mesh/base and each demo image, one line each, and skips them all when current', async () => {
    expect(firstRun.map((r) => r.tag)).toEqual([BASE_IMAGE, ...DEMO_TAGS]);
    expect(firstRun[0]?.built).toBe(false);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('mesh/base:latest: up to date');
    for (const [i, line] of lines.slice(1).entries()) expect(line).toMatch(new RegExp(`^${DEMO_TAGS[i] ?? ''}: (up to date|built \\(\\d+\\.\\ds\\))$`));
    const again = await buildImages(docker, { only: DEMO_TAGS });
    expect(again.map((r) => [r.tag, r.built])).toEqual([BASE_IMAGE, ...DEMO_TAGS].map((t) => [t, false]));
  });

  it('builds each demo image on the present mesh/base with its version, port and command', async () => {
    const base = await docker.getImage(BASE_IMAGE).inspect();
    for (const tag of DEMO_TAGS) {
      const info = await docker.getImage(tag).inspect();
      expect(info.Config.Labels?.[BASE_ID_LABEL]).toBe(base.Id);
      expect(info.Config.Labels?.[SOURCE_HASH_LABEL]).toMatch(/^[0-9a-f]{64}$/);
      expect(info.Config.Cmd).toEqual(['node', tag === DEMO_FRONTEND ? '/app/frontend/server.mjs' : '/app/backend/server.mjs']);
      expect(Object.keys(info.Config.ExposedPorts ?? {})).toEqual(['8080/tcp']);
    }
    expect((await docker.getImage(DEMO_BACKEND_V1).inspect()).Config.Env).toContain('VERSION=v1');
    expect((await docker.getImage(DEMO_BACKEND_V2).inspect()).Config.Env).toContain('VERSION=v2');
  });

  it('reports mesh/proxy as skipped while services/proxy is not built', async () => {
    const root = await mkdtemp(join(tmpdir(), 'meshkube-no-proxy-'));
    try {
      await mkdir(join(root, 'demo'));
      await writeFile(join(root, 'package.json'), '{}');
      const got: string[] = [];
      const r = await buildImages(docker, { only: ['mesh/pause', 'mesh/proxy'], root, log: (l) => got.push(l) });
      // mesh/proxy is built on mesh/base, so mesh/base is checked too.
      expect(r).toEqual([
        { tag: BASE_IMAGE, built: false, durationMs: expect.any(Number) as unknown },
        { tag: PAUSE_IMAGE, built: false, durationMs: expect.any(Number) as unknown },
        { tag: 'mesh/proxy:latest', built: false, skipped: 'services/proxy is not built yet' },
      ]);
      expect(got).toEqual(['mesh/base:latest: up to date', 'mesh/pause:latest: up to date', 'mesh/proxy: skipped (services/proxy is not built yet)']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('serves the backend v1 line inside a container with no network', async () => {
    const c = await run(DEMO_BACKEND_V1, 'v1', ['POD_NAME=demo-images-v1']);
    // Network "none" leaves only loopback, so the server finds no pod IP of its own.
    expect(await wgetUntilAnswered(c, 'http://127.0.0.1:8080/')).toBe('backend v1 pod=demo-images-v1 ip=unknown\n');
    expect((await exec(c, ['wget', '-qO-', 'http://127.0.0.1:8080/healthz'])).out).toBe('ok\n');
  });

  it('serves the frontend calling backend v2, and both stop with exit code 0 on docker stop', async () => {
    const backend = await run(DEMO_BACKEND_V2, 'v2', ['POD_NAME=demo-images-v2', 'POD_IP=10.244.0.99', 'SHUTDOWN_DELAY_SECONDS=1']);
    const frontend = await run(
      DEMO_FRONTEND,
      'frontend',
      ['POD_NAME=demo-images-frontend', 'PORT=8081', 'BACKEND_URL=http://127.0.0.1:8080/', 'SHUTDOWN_DELAY_SECONDS=1'],
      `container:${backend.id}`,
    );
    await wgetUntilAnswered(backend, 'http://127.0.0.1:8080/healthz');
    expect(await wgetUntilAnswered(frontend, 'http://127.0.0.1:8081/')).toBe('frontend pod=demo-images-frontend -> backend v2 pod=demo-images-v2 ip=10.244.0.99\n');

    await frontend.stop({ t: 10 });
    await backend.stop({ t: 10 });
    // 0, not 137: the servers handled SIGTERM themselves and exited before docker's SIGKILL.
    expect((await frontend.inspect()).State.ExitCode).toBe(0);
    expect((await backend.inspect()).State.ExitCode).toBe(0);
  }, 60_000);
});
