// The CRI-shaped runtime interface the kubelet side of the node agent calls (after CRI's
// RuntimeService/ImageService and dockershim's implementation of them).

import type { Readable } from 'node:stream';

export type Labels = Record<string, string>;

export interface PodSandboxDnsConfig {
  servers: string[];
  searches: string[];
  /** resolv.conf options such as `ndots:5`. */
  options: string[];
}

export interface PodSandboxConfig {
  /** Pod name. */
  name: string;
  namespace: string;
  uid: string;
  /** How many sandboxes this pod had before (0 for the first). */
  attempt: number;
  hostname: string;
  labels?: Labels;
  annotations?: Labels;
  /** When given, the sandbox's /etc/resolv.conf (shared by its containers) is written from it. */
  dns?: PodSandboxDnsConfig;
}

export interface RunPodSandboxResult {
  id: string;
  /** PID (in the host's PID namespace) of the sandbox's init process. */
  pid: number;
  /** `/proc/<pid>/ns/net`: where the agent plumbs the pod's interfaces. */
  netnsPath: string;
}

export type PodSandboxState = 'ready' | 'notready';

export interface PodSandboxMetadata {
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
}

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: Date;
  /** User labels (the runtime's own io.kubernetes.* and meshkube.* labels removed). */
  labels: Labels;
  annotations: Labels;
}

export interface PodSandboxStatus extends PodSandbox {
  /** 0 when the sandbox is not running. */
  pid: number;
  netnsPath: string | undefined;
}

export interface PodSandboxFilter {
  podUid?: string;
}

export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface EnvVar {
  name: string;
  value: string;
}

export interface ContainerConfig {
  /** Container name from the pod spec. */
  name: string;
  /** Restart count of this container so far (0 for the first). */
  attempt: number;
  image: string;
  /** Replaces the image's ENTRYPOINT (and drops its CMD), as the pod spec's `command`. */
  command?: string[];
  /** Replaces the image's CMD, as the pod spec's `args`. */
  args?: string[];
  env: EnvVar[];
  workingDir?: string;
  mounts: Mount[];
  memoryLimitBytes?: number;
  cpuLimitMilli?: number;
  cpuRequestMilli?: number;
  runAsUser?: number;
  labels?: Labels;
  annotations?: Labels;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  /** The image reference the container was created from. */
  image: string;
  imageId: string;
  state: ContainerState;
  createdAt: Date;
  labels: Labels;
  annotations: Labels;
}

export interface ContainerStatus {
  id: string;
  /** Container name from the pod spec. */
  name: string;
  metadata: ContainerMetadata;
  state: ContainerState;
  createdAt: Date;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  exitCode: number;
  /** 'OOMKilled', 'Error', 'Completed', 'ContainerCannotRun' or ''. */
  reason: string;
  message: string;
  image: string;
  imageId: string;
  labels: Labels;
  annotations: Labels;
  /** Host path of the container's log file. */
  logPath: string;
}

export interface ContainerFilter {
  podUid?: string;
  sandboxId?: string;
}

export interface ImageStatus {
  id: string;
  size: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** As `kubectl logs` / the pod log API options. */
export interface LogOptions {
  follow?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: Date;
  timestamps?: boolean;
  limitBytes?: number;
}

export interface RuntimeVersion {
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
  /** For Node status `containerRuntimeVersion`, e.g. `docker://20.10.24+dfsg1`. */
  containerRuntimeVersion: string;
}

export interface ContainerRuntime {
  version(): Promise<RuntimeVersion>;

  runPodSandbox(cfg: PodSandboxConfig): Promise<RunPodSandboxResult>;
  /** Stops the sandbox and all its containers; ok when already stopped or gone. */
  stopPodSandbox(id: string): Promise<void>;
  /** Force-removes the sandbox and its containers; ok when already gone. */
  removePodSandbox(id: string): Promise<void>;
  listPodSandboxes(filter?: PodSandboxFilter): Promise<PodSandbox[]>;
  /** Throws ContainerNotFoundError when there is no such sandbox on this node. */
  podSandboxStatus(id: string): Promise<PodSandboxStatus>;

  /** Throws ImageNotPresentError when the image is not local (never pulls). */
  createContainer(sandboxId: string, cfg: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM (or the image's stop signal), SIGKILL after timeoutSeconds; ok when already stopped. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Force-removes the container; ok when already gone. */
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  /** Throws ContainerNotFoundError when there is no such container on this node. */
  containerStatus(id: string): Promise<ContainerStatus>;

  imageStatus(image: string): Promise<ImageStatus | undefined>;

  /** Runs cmd in the container; throws ExecTimeoutError (after killing the process) past timeoutMs. */
  execSync(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  /** The container's stdout and stderr, interleaved as written, as `kubectl logs` shows them. */
  logs(containerId: string, opts?: LogOptions): Promise<Readable>;
}
