// What the node agent knows of one pod's containers from the runtime, in the kubelet's terms
// (kubecontainer.PodStatus): its sandboxes and containers, newest first. The kubelet's
// decisions (pod-actions.ts) and the status it reports (pod-status.ts) read only this.

export type ContainerRunState = 'created' | 'running' | 'exited' | 'unknown';

export interface SandboxState {
  id: string;
  attempt: number;
  ready: boolean;
  createdAt: number;
  /** The pod IP wired into this sandbox, if its network is set up. */
  ip?: string;
}

export interface ContainerState {
  id: string;
  name: string;
  sandboxId: string;
  attempt: number;
  state: ContainerRunState;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  /** OOMKilled, Error, Completed. */
  reason?: string;
  message?: string;
  image: string;
  imageId: string;
  /** The spec hash the container was created from (pod-spec.ts ContainerSpec.hash). */
  hash: string;
  restartCount: number;
}

export interface RuntimePod {
  uid: string;
  sandboxes: SandboxState[];
  containers: ContainerState[];
}

export function emptyRuntimePod(uid: string): RuntimePod {
  return { uid, sandboxes: [], containers: [] };
}

/** Newest first: by attempt, then by creation time. */
export function sortRuntimePod(p: RuntimePod): RuntimePod {
  const newest = <T extends { attempt: number; createdAt: number }>(a: T, b: T): number => b.attempt - a.attempt || b.createdAt - a.createdAt;
  return { uid: p.uid, sandboxes: [...p.sandboxes].sort(newest), containers: [...p.containers].sort((a, b) => b.createdAt - a.createdAt || b.restartCount - a.restartCount) };
}

/** The newest container of that name (any sandbox). */
export function latestContainer(p: RuntimePod, name: string): ContainerState | undefined {
  return p.containers.find((c) => c.name === name);
}

/** The one before the newest, whose end is the container's lastState. */
export function previousContainer(p: RuntimePod, name: string): ContainerState | undefined {
  return p.containers.filter((c) => c.name === name)[1];
}
