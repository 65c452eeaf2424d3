// Host-side veth names. The CNI bridge plugin picks a random `veth` + 8 hex name; ours is derived
// from the container id instead, so the agent finds a sandbox's veth again after a restart
// (CNI ADD repeated, DEL without the netns, garbage collection) without keeping any state.
import { createHash } from 'node:crypto';

export const HOST_VETH_PREFIX = 'veth';
const HOST_VETH_RE = /^veth[0-9a-f]{8}$/;

/** `veth` + the first 8 hex digits of sha256(containerId): 12 chars, within IFNAMSIZ (15). */
export function hostVethName(containerId: string): string {
  return HOST_VETH_PREFIX + createHash('sha256').update(containerId).digest('hex').slice(0, 8);
}

/** Whether an interface name has the shape hostVethName produces. */
export function isHostVethName(name: string): boolean {
  return HOST_VETH_RE.test(name);
}
