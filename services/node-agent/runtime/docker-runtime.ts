// Adapter: the ContainerRuntime over the Docker Engine API (dockershim's job). Everything it decides
// lives in the pure files next to it (naming, docker-config, status, log-options, stream-demux);
// this file makes the calls, maps Docker's HTTP errors to typed errors, and only ever touches
// containers labelled with its own node name.

import { writeFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { PAUSE_IMAGE } from '../../../lib/images/index.js';
import { containerCreateOptions, resolvConf, sandboxCreateOptions } from './docker-config.js';
import { ContainerNotFoundError, ExecTimeoutError, ImageNotPresentError } from './errors.js';
import { familiarImageRef } from './image-ref.js';
import { dockerLogsQuery } from './log-options.js';
import { CONTAINER_TYPE_CONTAINER, CONTAINER_TYPE_LABEL, CONTAINER_TYPE_SANDBOX, POD_UID_LABEL, SANDBOX_ID_LABEL, labelFilters, sandboxMetadata } from './naming.js';
import { belongsTo, containerOf, containerStatusOf, podSandboxOf, podSandboxStatusOf } from './status.js';
import { StreamDemuxer } from './stream-demux.js';
import type {
  Container,
  ContainerConfig,
  ContainerFilter,
  ContainerRuntime,
  ContainerStatus,
  ExecResult,
  ImageStatus,
  Labels,
  LogOptions,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatus,
  RunPodSandboxResult,
  RuntimeVersion,
} from './types.js';

export interface DockerRuntimeOptions {
  docker: Dockerode;
  /** Value of the meshkube.node label on everything this runtime creates, lists and touches. */
  nodeName: string;
  /** Sandbox image; default mesh/pause:latest (built locally by lib/images). */
  pauseImage?: string;
}

/** dockershim's grace period for the sandbox container itself. */
const SANDBOX_STOP_TIMEOUT_S = 10;
/** After an exec's output ends Docker may need a moment to record its exit code. */
const EXEC_EXIT_POLLS = 50;
const EXEC_EXIT_POLL_MS = 20;

function statusCode(err: unknown): number | undefined {
  const s = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

const IMAGE_ID_RE = /^(sha256:)?[0-9a-f]{12,64}$/;

export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Dockerode;
  readonly nodeName: string;
  readonly pauseImage: string;

  constructor(opts: DockerRuntimeOptions) {
    if (opts.nodeName === '') throw new Error('DockerRuntime needs a node name');
    this.docker = opts.docker;
    this.nodeName = opts.nodeName;
    this.pauseImage = opts.pauseImage ?? PAUSE_IMAGE;
  }

  async version(): Promise<RuntimeVersion> {
    const v = await this.docker.version();
    return { runtimeName: 'docker', runtimeVersion: v.Version, runtimeApiVersion: v.ApiVersion, containerRuntimeVersion: `docker://${v.Version}` };
  }

  // ---- sandboxes ---------------------------------------------------------------------------

  async runPodSandbox(cfg: PodSandboxConfig): Promise<RunPodSandboxResult> {
    await this.requireImage(this.pauseImage);
    const id = await this.create(sandboxCreateOptions(this.nodeName, this.pauseImage, cfg), this.pauseImage);
    try {
      await this.docker.getContainer(id).start();
      const info = await this.docker.getContainer(id).inspect();
      if (!info.State.Running || info.State.Pid <= 0) throw new Error(`sandbox ${id} is not running after start (${info.State.Status}: ${info.State.Error})`);
      // dockershim rewrote the sandbox's resolv.conf after start; its containers share the file.
      if (cfg.dns !== undefined) await writeFile(info.ResolvConfPath, resolvConf(cfg.dns));
      return { id, pid: info.State.Pid, netnsPath: `/proc/${info.State.Pid}/ns/net` };
    } catch (err) {
      await this.docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
      throw err;
    }
  }

  async stopPodSandbox(id: string): Promise<void> {
    const info = await this.inspectOwnOrUndefined(id, CONTAINER_TYPE_SANDBOX);
    if (info === undefined) return;
    // The kubelet stops containers with their grace periods first; whatever still runs is killed.
    for (const c of await this.listContainers({ sandboxId: info.Id })) {
      if (c.state === 'running') await this.stopContainer(c.id, 0).catch(ignoreNotFound);
    }
    await this.stopById(info.Id, SANDBOX_STOP_TIMEOUT_S);
  }

  async removePodSandbox(id: string): Promise<void> {
    const info = await this.inspectOwnOrUndefined(id, CONTAINER_TYPE_SANDBOX);
    if (info === undefined) return;
    for (const c of await this.listContainers({ sandboxId: info.Id })) await this.removeById(c.id);
    await this.removeById(info.Id);
  }

  async listPodSandboxes(filter: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    const extra: Labels = filter.podUid !== undefined ? { [POD_UID_LABEL]: filter.podUid } : {};
    const list = await this.docker.listContainers({ all: true, filters: { label: labelFilters(this.nodeName, CONTAINER_TYPE_SANDBOX, extra) } });
    return list.map(podSandboxOf);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    return podSandboxStatusOf(await this.inspectOwn(id, CONTAINER_TYPE_SANDBOX));
  }

  // ---- containers --------------------------------------------------------------------------

  async createContainer(sandboxId: string, cfg: ContainerConfig): Promise<string> {
    const sandbox = await this.inspectOwn(sandboxId, CONTAINER_TYPE_SANDBOX);
    await this.requireImage(cfg.image);
    const meta = sandboxMetadata(sandbox.Name, sandbox.Config.Labels);
    return this.create(containerCreateOptions(this.nodeName, sandbox.Id, meta, cfg), cfg.image);
  }

  async startContainer(id: string): Promise<void> {
    const info = await this.inspectOwn(id, CONTAINER_TYPE_CONTAINER);
    try {
      await this.docker.getContainer(info.Id).start();
    } catch (err) {
      if (statusCode(err) === 304) return; // already started
      if (statusCode(err) === 404) throw new ContainerNotFoundError(id, { cause: err });
      throw err;
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const info = await this.inspectOwn(id, CONTAINER_TYPE_CONTAINER);
    await this.stopById(info.Id, timeoutSeconds);
  }

  async removeContainer(id: string): Promise<void> {
    const info = await this.inspectOwnOrUndefined(id, CONTAINER_TYPE_CONTAINER);
    if (info !== undefined) await this.removeById(info.Id);
  }

  async listContainers(filter: ContainerFilter = {}): Promise<Container[]> {
    const extra: Labels = {};
    if (filter.podUid !== undefined) extra[POD_UID_LABEL] = filter.podUid;
    if (filter.sandboxId !== undefined) extra[SANDBOX_ID_LABEL] = filter.sandboxId;
    const list = await this.docker.listContainers({ all: true, filters: { label: labelFilters(this.nodeName, CONTAINER_TYPE_CONTAINER, extra) } });
    return list.map(containerOf);
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const info = await this.inspectOwn(id, CONTAINER_TYPE_CONTAINER);
    return containerStatusOf(info, info.Config.Image);
  }

  // ---- images ------------------------------------------------------------------------------

  async imageStatus(image: string): Promise<ImageStatus | undefined> {
    const ref = IMAGE_ID_RE.test(image) ? image : familiarImageRef(image);
    try {
      const info = await this.docker.getImage(ref).inspect();
      return { id: info.Id, size: info.Size };
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  // ---- exec and logs -----------------------------------------------------------------------

  async execSync(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    const info = await this.inspectOwn(containerId, CONTAINER_TYPE_CONTAINER);
    const exec = await this.docker.getContainer(info.Id).exec({ Cmd: cmd, AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false });
    const stream = await exec.start({ hijack: true, stdin: false, Detach: false, Tty: false });
    const demux = new StreamDemuxer();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finished = new Promise<'done'>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        try {
          for (const f of demux.push(chunk)) (f.stream === 'stderr' ? err : out).push(f.data);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
      stream.on('end', () => resolve('done'));
      stream.on('close', () => resolve('done'));
      stream.on('error', reject);
    });
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      if ((await Promise.race([finished, timedOut])) === 'timeout') {
        // Docker cannot cancel an exec; kill its process (host PID namespace) so it does not linger.
        const pid = (await exec.inspect().catch(() => undefined))?.Pid ?? 0;
        if (pid > 0) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        throw new ExecTimeoutError(info.Id, cmd, timeoutMs);
      }
    } finally {
      clearTimeout(timer);
      stream.destroy();
    }
    let exitCode: number | null = null;
    for (let i = 0; i < EXEC_EXIT_POLLS; i++) {
      const e = await exec.inspect();
      if (!e.Running && e.ExitCode !== null) {
        exitCode = e.ExitCode;
        break;
      }
      await new Promise((r) => setTimeout(r, EXEC_EXIT_POLL_MS));
    }
    if (exitCode === null) throw new Error(`exec ${JSON.stringify(cmd)} in ${info.Id}: output ended but no exit code was recorded`);
    return { exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  }

  async logs(containerId: string, opts: LogOptions = {}): Promise<Readable> {
    const info = await this.inspectOwn(containerId, CONTAINER_TYPE_CONTAINER);
    const q = dockerLogsQuery(opts, Date.now());
    const query = { stdout: true, stderr: true, timestamps: q.timestamps, ...(q.tail === 'all' ? {} : { tail: q.tail }), ...(q.since > 0 ? { since: q.since } : {}) };
    const out = new PassThrough();
    const demux = new StreamDemuxer();
    let left = opts.limitBytes !== undefined && opts.limitBytes > 0 ? opts.limitBytes : Infinity;
    /** Writes frames; false once limitBytes is reached (the output has then ended). */
    const write = (chunk: Buffer): boolean => {
      for (const f of demux.push(chunk)) {
        const data = f.data.length > left ? f.data.subarray(0, left) : f.data;
        left -= data.length;
        out.write(data);
        if (left <= 0) {
          out.end();
          return false;
        }
      }
      return true;
    };
    const c = this.docker.getContainer(info.Id);
    if (!q.follow) {
      const buf = await c.logs({ ...query, follow: false });
      if (write(buf)) out.end();
      return out;
    }
    const source = (await c.logs({ ...query, follow: true })) as Readable;
    source.on('data', (chunk: Buffer) => {
      if (!write(chunk)) source.destroy();
    });
    source.on('end', () => out.end());
    source.on('error', (e) => out.destroy(e));
    out.on('close', () => source.destroy());
    return out;
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Creates a container; a name conflict (a leftover of an earlier try) gets a random suffix, as dockershim. */
  private async create(opts: Dockerode.ContainerCreateOptions, image: string): Promise<string> {
    try {
      return (await this.docker.createContainer(opts)).id;
    } catch (err) {
      const code = statusCode(err);
      if (code === 404 && /no such image/i.test(errorText(err))) throw new ImageNotPresentError(image, { cause: err });
      if (code === 409 && opts.name !== undefined) {
        const suffix = Math.floor(Math.random() * 0xffffffff)
          .toString(16)
          .padStart(8, '0');
        return (await this.docker.createContainer({ ...opts, name: `${opts.name}_${suffix}` })).id;
      }
      throw err;
    }
  }

  private async requireImage(image: string): Promise<void> {
    if ((await this.imageStatus(image)) === undefined) throw new ImageNotPresentError(image);
  }

  /** Inspects a container of this node and the given type; anything else is "not found". */
  private async inspectOwn(id: string, type: string): Promise<Dockerode.ContainerInspectInfo> {
    const info = await this.inspectOwnOrUndefined(id, type);
    if (info === undefined) throw new ContainerNotFoundError(id);
    return info;
  }

  private async inspectOwnOrUndefined(id: string, type: string): Promise<Dockerode.ContainerInspectInfo | undefined> {
    if (id === '') return undefined;
    let info: Dockerode.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(id).inspect();
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
    const labels = info.Config.Labels;
    if (!belongsTo(this.nodeName, labels) || labels?.[CONTAINER_TYPE_LABEL] !== type) return undefined;
    return info;
  }

  private async stopById(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.floor(timeoutSeconds)) });
    } catch (err) {
      const code = statusCode(err);
      if (code === 304) return; // already stopped
      if (code === 404) throw new ContainerNotFoundError(id, { cause: err });
      throw err;
    }
  }

  private async removeById(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      const code = statusCode(err);
      // 404: already gone; 409: removal already in progress.
      if (code === 404 || code === 409) return;
      throw err;
    }
  }
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof ContainerNotFoundError)) throw err;
}
