// Who made a request (Kubernetes' user.Info), and the well-known users and groups the rest of
// the authentication and authorization code refers to by name.

export interface UserInfo {
  name: string;
  uid?: string;
  groups: readonly string[];
  extra?: Readonly<Record<string, readonly string[]>>;
}

export const Groups = {
  /** Members may do anything; checked before RBAC, as kube-apiserver does. */
  masters: 'system:masters',
  authenticated: 'system:authenticated',
  unauthenticated: 'system:unauthenticated',
  nodes: 'system:nodes',
  serviceAccounts: 'system:serviceaccounts',
} as const;

export const Users = {
  anonymous: 'system:anonymous',
  admin: 'kubernetes-admin',
  scheduler: 'system:kube-scheduler',
  controllerManager: 'system:kube-controller-manager',
  /**
   * The mesh control plane (our istiod). Kubernetes has no such user; the name follows the
   * system:kube-* components so it reads as part of the platform, and bootstrap policy binds
   * the ClusterRole of the same name to it.
   */
  meshControl: 'system:mesh-control',
} as const;

export const NODE_USER_PREFIX = 'system:node:';
export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';

/** The user that requests without credentials get when anonymous access is on. */
export const ANONYMOUS_USER: UserInfo = { name: Users.anonymous, groups: [Groups.unauthenticated] };

/** A client certificate identity: CN is the user, each O a group. */
export interface ComponentIdentity {
  commonName: string;
  organizations: readonly string[];
}

export const ComponentIdentities = {
  admin: { commonName: Users.admin, organizations: [Groups.masters] },
  scheduler: { commonName: Users.scheduler, organizations: [] },
  controllerManager: { commonName: Users.controllerManager, organizations: [] },
  meshControl: { commonName: Users.meshControl, organizations: [] },
  node: (nodeName: string): ComponentIdentity => ({ commonName: `${NODE_USER_PREFIX}${nodeName}`, organizations: [Groups.nodes] }),
} as const satisfies Record<string, ComponentIdentity | ((name: string) => ComponentIdentity)>;

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USER_PREFIX}${namespace}:${name}`;
}

/** Splits "system:serviceaccount:<ns>:<name>"; undefined for any other user name. */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_USER_PREFIX)) return undefined;
  const rest = username.slice(SERVICE_ACCOUNT_USER_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1 || rest.indexOf(':', colon + 1) >= 0) return undefined;
  return { namespace: rest.slice(0, colon), name: rest.slice(colon + 1) };
}

/** The groups Kubernetes gives a ServiceAccount (before system:authenticated is added). */
export function serviceAccountGroups(namespace: string): string[] {
  return [Groups.serviceAccounts, `${Groups.serviceAccounts}:${namespace}`];
}
