// What the kubelet needs from the container runtime and the pod network, in its own terms.
// The node agent wires Docker (runtime/) and the CNI bridge (network/) in behind these; the
// kubelet's own tests use a scripted runtime to drive restarts and back-off on virtual time.
import type { ContainerSpec, PodView } from './pod-spec.js';
import type { RuntimePod } from './runtime-state.js';
import type { Mount } from './volumes.js';

export interface ContainerLaunch {
  spec: ContainerSpec;
  env: { name: string; value: string }[];
  mounts: Mount[];
  restartCount: number;
  attempt: number;
}

export interface PodRuntime {
  /** Every pod this node's runtime holds, by pod UID (the PLEG relist). */
  listPods(): Promise<Map<string, RuntimePod>>;
  /** One pod's containers and sandboxes, fresh. */
  getPod(uid: string): Promise<RuntimePod>;
  /** Creates and starts a sandbox and wires its network; returns its id and pod IP. */
  runSandbox(pod: PodView, attempt: number): Promise<{ id: string; ip: string }>;
  /** Stops the sandbox and releases its network (its IP, its veth). */
  stopSandbox(id: string): Promise<void>;
  removeSandbox(id: string): Promise<void>;
  imagePresent(image: string): Promise<boolean>;
  /** Creates and starts a container in the sandbox; returns its id. */
  startContainer(pod: PodView, sandboxId: string, launch: ContainerLaunch): Promise<string>;
  /** SIGTERM, then SIGKILL after graceSeconds. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  exec(id: string, cmd: string[], timeoutMs: number): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** The image is not on the node and nothing can be pulled (ErrImageNeverPull / ErrImagePull). */
export class ImageMissingError extends Error {
  override readonly name = 'ImageMissingError';
}
