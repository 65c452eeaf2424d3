// Error conditions of the pod network (bridge, veths, host-local IPAM, host-gw routes). Each class
// is one condition so callers can branch with instanceof; all extend PodNetworkError.

/** Base class of every error raised by services/node-agent/network. */
export class PodNetworkError extends Error {
  override name = 'PodNetworkError';
}

/** A string that should be an IPv4 address or CIDR is not one. */
export class InvalidAddressError extends PodNetworkError {
  override name = 'InvalidAddressError';
  constructor(readonly value: string, readonly reason: string) {
    super(`invalid IPv4 ${reason}: ${JSON.stringify(value)}`);
  }
}

/** Every address of the pod CIDR's range is allocated (host-local's "no IP addresses available"). */
export class IpamExhaustedError extends PodNetworkError {
  override name = 'IpamExhaustedError';
  constructor(readonly cidr: string) {
    super(`no IP addresses available in range set: ${cidr}`);
  }
}

/** An `ip` (iproute2) invocation failed; carries the command, the failing batch line and stderr. */
export class IpCommandError extends PodNetworkError {
  override name = 'IpCommandError';
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly exitCode: number,
    readonly failedLine?: string,
  ) {
    super(`${command} failed (exit ${exitCode})${failedLine === undefined ? '' : ` at '${failedLine}'`}: ${stderr.trim()}`);
  }
}

/** The interface named like our bridge exists but is not a bridge, so it cannot be adopted. */
export class BridgeConflictError extends PodNetworkError {
  override name = 'BridgeConflictError';
  constructor(readonly bridge: string, readonly kind: string) {
    super(`interface ${bridge} exists but is of kind '${kind}', not a bridge`);
  }
}

/** A caller passed an argument the network cannot act on (empty container id, bad interface name). */
export class InvalidArgumentError extends PodNetworkError {
  override name = 'InvalidArgumentError';
}
