// Pure mapping of Docker inspect/list results to CRI-shaped states and statuses (dockershim's rules).

import type Dockerode from 'dockerode';
import { NODE_LABEL, SANDBOX_ID_LABEL, containerMetadata, fromDockerLabels, sandboxMetadata } from './naming.js';
import type { Container, ContainerState, ContainerStatus, Labels, PodSandbox, PodSandboxStatus } from './types.js';

/** Docker's zero time ("0001-01-01T00:00:00Z") and unparsable times are "not set". */
export function parseDockerTime(s: string | undefined | null): Date | undefined {
  if (s === undefined || s === null || s === '' || s.startsWith('0001-01-01')) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export interface ContainerStateInfo {
  state: ContainerState;
  reason: string;
  message: string;
}

/**
 * Running → running; finished → exited with reason OOMKilled (the cgroup OOM killer hit it), Completed
 * (exit 0) or Error; never started but failed to start → exited with ContainerCannotRun and Docker's
 * error as the message; created → created; anything else unknown.
 */
export function containerStateOf(s: Dockerode.ContainerInspectInfo['State']): ContainerStateInfo {
  if (s.Running || s.Restarting || s.Paused) return { state: 'running', reason: '', message: '' };
  if (parseDockerTime(s.FinishedAt) !== undefined) {
    const reason = s.OOMKilled ? 'OOMKilled' : s.ExitCode === 0 ? 'Completed' : 'Error';
    return { state: 'exited', reason, message: s.Error ?? '' };
  }
  if (s.ExitCode !== 0 || (s.Error ?? '') !== '') return { state: 'exited', reason: 'ContainerCannotRun', message: s.Error ?? '' };
  if (s.Status === 'created') return { state: 'created', reason: '', message: '' };
  return { state: 'unknown', reason: '', message: '' };
}

/** State from `docker ps` output (State: created|running|paused|restarting|removing|exited|dead). */
export function listStateOf(state: string): ContainerState {
  switch (state) {
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
      return 'exited';
    case 'created':
      return 'created';
    default:
      return 'unknown';
  }
}

export function belongsTo(nodeName: string, labels: Labels | undefined | null): boolean {
  return labels?.[NODE_LABEL] === nodeName;
}

export function containerStatusOf(info: Dockerode.ContainerInspectInfo, image: string): ContainerStatus {
  const { state, reason, message } = containerStateOf(info.State);
  const { labels, annotations } = fromDockerLabels(info.Config.Labels);
  const metadata = containerMetadata(info.Name, info.Config.Labels);
  return {
    id: info.Id,
    name: metadata.name,
    metadata,
    state,
    createdAt: parseDockerTime(info.Created) ?? new Date(0),
    startedAt: parseDockerTime(info.State.StartedAt),
    finishedAt: parseDockerTime(info.State.FinishedAt),
    exitCode: info.State.ExitCode,
    reason,
    message,
    image,
    imageId: info.Image,
    labels,
    annotations,
    logPath: info.LogPath,
  };
}

export function podSandboxStatusOf(info: Dockerode.ContainerInspectInfo): PodSandboxStatus {
  const { labels, annotations } = fromDockerLabels(info.Config.Labels);
  const pid = info.State.Running ? info.State.Pid : 0;
  return {
    id: info.Id,
    metadata: sandboxMetadata(info.Name, info.Config.Labels),
    state: info.State.Running ? 'ready' : 'notready',
    createdAt: parseDockerTime(info.Created) ?? new Date(0),
    labels,
    annotations,
    pid,
    netnsPath: pid > 0 ? `/proc/${pid}/ns/net` : undefined,
  };
}

export function podSandboxOf(c: Dockerode.ContainerInfo): PodSandbox {
  const { labels, annotations } = fromDockerLabels(c.Labels);
  return {
    id: c.Id,
    metadata: sandboxMetadata(c.Names[0] ?? '', c.Labels),
    state: c.State === 'running' ? 'ready' : 'notready',
    createdAt: new Date(c.Created * 1000),
    labels,
    annotations,
  };
}

export function containerOf(c: Dockerode.ContainerInfo): Container {
  const { labels, annotations } = fromDockerLabels(c.Labels);
  return {
    id: c.Id,
    podSandboxId: c.Labels[SANDBOX_ID_LABEL] ?? '',
    metadata: containerMetadata(c.Names[0] ?? '', c.Labels),
    image: c.Image,
    imageId: c.ImageID,
    state: listStateOf(c.State),
    createdAt: new Date(c.Created * 1000),
    labels,
    annotations,
  };
}
