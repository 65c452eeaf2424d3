// Pure translation of CRI-shaped sandbox/container configs into Docker create options, following
// dockershim and the kubelet's resource conversions.

import type Dockerode from 'dockerode';
import { containerName, containerOwnLabels, sandboxName, sandboxOwnLabels, toDockerLabels } from './naming.js';
import type { ContainerConfig, PodSandboxConfig, PodSandboxDnsConfig, PodSandboxMetadata } from './types.js';

export const MIN_SHARES = 2;
export const MAX_SHARES = 262_144;
const SHARES_PER_CPU = 1024;
const MILLI_CPU_TO_CPU = 1000;
/** CFS period the kubelet uses (100 ms), and the smallest quota it sets. */
export const QUOTA_PERIOD = 100_000;
export const MIN_QUOTA_PERIOD = 1000;
/**
 * dockershim gave sandboxes the minimum CPU weight (and OomScoreAdj -998, which we leave out: lowering
 * oom_score_adj fails on kernels that forbid it, e.g. this project's test VMs, and runc then cannot start).
 */
export const SANDBOX_CPU_SHARES = 2;

/** The kubelet's container log rotation defaults (containerLogMaxSize 10Mi, containerLogMaxFiles 5). */
export const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '5' } };

/** The kubelet's MilliCPUToShares: 1000m = 1024 shares, at least 2, at most 262144. */
export function milliCpuToShares(milliCpu: number): number {
  if (milliCpu <= 0) return MIN_SHARES;
  const shares = Math.floor((milliCpu * SHARES_PER_CPU) / MILLI_CPU_TO_CPU);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/** The kubelet's MilliCPUToQuota: quota for `period`, 0 (no limit) for 0m, at least 1 ms. */
export function milliCpuToQuota(milliCpu: number, period = QUOTA_PERIOD): number {
  if (milliCpu <= 0) return 0;
  return Math.max(MIN_QUOTA_PERIOD, Math.floor((milliCpu * period) / MILLI_CPU_TO_CPU));
}

/** CPU shares for a container: from the request, or from the limit when only a limit is set (as the kubelet). */
export function containerCpuShares(cfg: Pick<ContainerConfig, 'cpuRequestMilli' | 'cpuLimitMilli'>): number {
  const request = cfg.cpuRequestMilli ?? 0;
  if (request === 0 && cfg.cpuLimitMilli !== undefined && cfg.cpuLimitMilli > 0) return milliCpuToShares(cfg.cpuLimitMilli);
  return milliCpuToShares(request);
}

export function sandboxCreateOptions(nodeName: string, pauseImage: string, cfg: PodSandboxConfig): Dockerode.ContainerCreateOptions {
  const meta: PodSandboxMetadata = { name: cfg.name, namespace: cfg.namespace, uid: cfg.uid, attempt: cfg.attempt };
  return {
    name: sandboxName(meta),
    Image: pauseImage,
    Hostname: cfg.hostname,
    Labels: toDockerLabels(cfg.labels, cfg.annotations, sandboxOwnLabels(nodeName, meta)),
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      // The agent wires the pod's network namespace itself (CNI bridge).
      NetworkMode: 'none',
      // Containers join this IPC namespace with IpcMode container:<id>.
      IpcMode: 'shareable',
      Init: true,
      CpuShares: SANDBOX_CPU_SHARES,
      LogConfig: LOG_CONFIG,
      RestartPolicy: { Name: 'no' },
    },
  };
}

/** `hostPath:containerPath[:ro]` */
export function bindSpec(m: ContainerConfig['mounts'][number]): string {
  return `${m.hostPath}:${m.containerPath}${m.readOnly ? ':ro' : ''}`;
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list !== undefined && list.length > 0 ? list : undefined;
}

export function containerCreateOptions(nodeName: string, sandboxId: string, sandbox: PodSandboxMetadata, cfg: ContainerConfig): Dockerode.ContainerCreateOptions {
  const command = nonEmpty(cfg.command);
  const args = nonEmpty(cfg.args);
  const opts: Dockerode.ContainerCreateOptions = {
    name: containerName(sandbox, { name: cfg.name, attempt: cfg.attempt }),
    Image: cfg.image,
    // Docker drops the image's CMD when Entrypoint is given and Cmd is not, which is the pod spec's
    // rule for `command` without `args`; `args` alone keeps the image's ENTRYPOINT.
    Entrypoint: command,
    Cmd: args,
    Env: cfg.env.map((e) => `${e.name}=${e.value}`),
    WorkingDir: cfg.workingDir ?? '',
    Labels: toDockerLabels(cfg.labels, cfg.annotations, containerOwnLabels(nodeName, sandboxId, sandbox, cfg.name)),
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      NetworkMode: `container:${sandboxId}`,
      IpcMode: `container:${sandboxId}`,
      Binds: cfg.mounts.map(bindSpec),
      CpuShares: containerCpuShares(cfg),
      LogConfig: LOG_CONFIG,
      RestartPolicy: { Name: 'no' },
    },
  };
  if (cfg.runAsUser !== undefined) opts.User = String(cfg.runAsUser);
  const hc = opts.HostConfig ?? {};
  if (cfg.memoryLimitBytes !== undefined && cfg.memoryLimitBytes > 0) {
    hc.Memory = cfg.memoryLimitBytes;
    // No swap beyond the limit, so exceeding it means the OOM killer rather than swapping.
    hc.MemorySwap = cfg.memoryLimitBytes;
  }
  if (cfg.cpuLimitMilli !== undefined && cfg.cpuLimitMilli > 0) {
    hc.CpuPeriod = QUOTA_PERIOD;
    hc.CpuQuota = milliCpuToQuota(cfg.cpuLimitMilli);
  }
  return opts;
}

/** resolv.conf text for a pod (as the kubelet wrote into dockershim's sandbox). */
export function resolvConf(dns: PodSandboxDnsConfig): string {
  const lines = dns.servers.map((s) => `nameserver ${s}`);
  if (dns.searches.length > 0) lines.push(`search ${dns.searches.join(' ')}`);
  if (dns.options.length > 0) lines.push(`options ${dns.options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
