// The one door to iproute2: PodNetwork and HostGwRoutes say which `ip` lines to run in which
// namespace; an IpRunner runs them. ExecaIpRunner (execa-ip-runner.ts) is the real one.

/** Where a command runs: the agent's host namespace (default) or the namespace at `netnsPath`. */
export interface IpTarget {
  netnsPath?: string;
}

export interface IpBatchOptions extends IpTarget {
  /** Keep going after a failing line (`ip -force`); the result then reports the first failure. */
  force?: boolean;
}

export type IpBatchResult =
  | { ok: true }
  | {
      ok: false;
      exitCode: number;
      stderr: string;
      /** 1-based index of the first failing line, when ip reported it. */
      failedLine?: number;
    };

export type IpQueryResult = { ok: true; value: unknown } | { ok: false; exitCode: number; stderr: string };

export interface IpRunner {
  /** `ip -batch -` with these lines. An empty list succeeds without starting a process. */
  batch(lines: readonly string[], opts?: IpBatchOptions): Promise<IpBatchResult>;
  /** `ip -j <args>`, the parsed JSON (an empty output is []). */
  query(args: readonly string[], opts?: IpTarget): Promise<IpQueryResult>;
  /** Write a sysctl of the host namespace, e.g. ('net.ipv4.ip_forward', '1'); net.* is per-netns. */
  setSysctl(key: string, value: string): Promise<void>;
  /** Whether a network namespace file exists (a sandbox's /proc/<pid>/ns/net disappears with it). */
  netnsExists(path: string): Promise<boolean>;
}

/** iproute2's message when a batch line creates something that exists. */
export function isExistsError(stderr: string): boolean {
  return /File exists/.test(stderr);
}

/** iproute2's messages when a device or route to act on is not there. */
export function isNotFoundError(stderr: string): boolean {
  return /Cannot find device|does not exist|No such process|No such device|Cannot open network namespace/.test(stderr);
}
