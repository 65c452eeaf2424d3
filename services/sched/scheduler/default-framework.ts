// A framework for a profile over a snapshot, with the in-tree plugins by default: what the
// scheduler builds, and what tests build to run plugins and the algorithm directly.
import { Framework } from './framework/framework.js';
import type { ClusterSnapshot, Registry } from './framework/interfaces.js';
import type { Profile } from './framework/profile.js';
import { DEFAULT_PROFILE } from './framework/profile.js';
import { inTreeRegistry } from './plugins/registry.js';

export function newFramework(snapshot: ClusterSnapshot, profile: Profile = DEFAULT_PROFILE, registry: Registry = inTreeRegistry()): Framework {
  return new Framework(profile, registry, { snapshot });
}
