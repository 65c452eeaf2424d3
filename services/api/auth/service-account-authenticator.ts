// Bearer tokens that are ServiceAccount JWTs, turned into the user Kubernetes sees: name
// system:serviceaccount:<ns>:<name>, uid of the ServiceAccount, groups system:serviceaccounts
// and system:serviceaccounts:<ns>, and the pod/node/credential-id extras. A valid signature is
// not enough: like kube-apiserver, the ServiceAccount (and a bound pod) must still exist with
// the UIDs in the token, which the caller answers through the lookup hook.
import type { KeyObject } from 'node:crypto';
import type { KubeObject } from '../../../lib/api/object.js';
import { CLOCK_LEEWAY_SECONDS, verifyServiceAccountToken } from './service-account-token.js';
import type { ServiceAccountTokenClaims, TokenVerification, VerifyOptions } from './service-account-token.js';
import { serviceAccountGroups, serviceAccountUsername } from './user-info.js';
import type { UserInfo } from './user-info.js';

export const ExtraKeys = {
  podName: 'authentication.kubernetes.io/pod-name',
  podUid: 'authentication.kubernetes.io/pod-uid',
  nodeName: 'authentication.kubernetes.io/node-name',
  nodeUid: 'authentication.kubernetes.io/node-uid',
  credentialId: 'authentication.kubernetes.io/credential-id',
} as const;

type MaybePromise<T> = T | Promise<T>;

/** Reads the objects a token refers to; undefined when they no longer exist. */
export interface ServiceAccountLookup {
  getServiceAccount(namespace: string, name: string): MaybePromise<KubeObject | undefined>;
  getPod?(namespace: string, name: string): MaybePromise<KubeObject | undefined>;
}

export interface ServiceAccountAuthenticatorOptions extends VerifyOptions {
  publicKeys: KeyObject | string | readonly (KeyObject | string)[];
  now?: () => Date;
  /** Without a lookup only the signature and claims are checked. */
  lookup?: ServiceAccountLookup;
  /** Told why a token was refused (the client only ever sees 401 Unauthorized). */
  onRejected?: (reason: string) => void;
}

/** The user a verified token stands for (without system:authenticated, which authenticate() adds). */
export function userInfoFromClaims(claims: ServiceAccountTokenClaims): UserInfo {
  const k = claims['kubernetes.io'];
  const extra: Record<string, string[]> = {};
  if (k.pod && k.pod.name !== '' && k.pod.uid !== '') {
    extra[ExtraKeys.podName] = [k.pod.name];
    extra[ExtraKeys.podUid] = [k.pod.uid];
  }
  if (claims.jti) extra[ExtraKeys.credentialId] = [`JTI=${claims.jti}`];
  if (k.node && k.node.name !== '') {
    extra[ExtraKeys.nodeName] = [k.node.name];
    if (k.node.uid !== '') extra[ExtraKeys.nodeUid] = [k.node.uid];
  }
  const user: UserInfo = { name: serviceAccountUsername(k.namespace, k.serviceaccount.name), groups: serviceAccountGroups(k.namespace) };
  if (k.serviceaccount.uid !== '') user.uid = k.serviceaccount.uid;
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}

/** Objects deleted longer ago than the leeway no longer back a token (Kubernetes' rule). */
function deletedTooLongAgo(obj: KubeObject, now: Date): boolean {
  const ts = obj.metadata.deletionTimestamp;
  return ts !== undefined && Date.parse(ts) < now.getTime() - CLOCK_LEEWAY_SECONDS * 1000;
}

/** Checks that the token's ServiceAccount and pod still exist; returns why not, or undefined. */
export async function checkTokenObjects(claims: ServiceAccountTokenClaims, lookup: ServiceAccountLookup, now: Date): Promise<string | undefined> {
  const k = claims['kubernetes.io'];
  const sa = await lookup.getServiceAccount(k.namespace, k.serviceaccount.name);
  if (!sa) return `serviceaccounts "${k.serviceaccount.name}" not found`;
  if ((sa.metadata.uid ?? '') !== k.serviceaccount.uid) return `service account UID (${sa.metadata.uid ?? ''}) does not match claim (${k.serviceaccount.uid})`;
  if (deletedTooLongAgo(sa, now)) return `service account ${k.namespace}/${k.serviceaccount.name} has been deleted`;
  if (k.pod && lookup.getPod) {
    const pod = await lookup.getPod(k.namespace, k.pod.name);
    if (!pod) return `pods "${k.pod.name}" not found`;
    if ((pod.metadata.uid ?? '') !== k.pod.uid) return `pod UID (${pod.metadata.uid ?? ''}) does not match claim (${k.pod.uid})`;
    if (deletedTooLongAgo(pod, now)) return `pod ${k.namespace}/${k.pod.name} has been deleted`;
  }
  return undefined;
}

/** A verifyToken for authenticate(): verified ServiceAccount tokens become users, anything else undefined. */
export function serviceAccountTokenAuthenticator(opts: ServiceAccountAuthenticatorOptions): (token: string) => Promise<UserInfo | undefined> {
  return async (token) => {
    const now = opts.now ? opts.now() : new Date();
    const result: TokenVerification = verifyServiceAccountToken(opts.publicKeys, token, now, opts);
    if (!result.ok) {
      opts.onRejected?.(result.error);
      return undefined;
    }
    if (opts.lookup) {
      const why = await checkTokenObjects(result.claims, opts.lookup, now);
      if (why !== undefined) {
        opts.onRejected?.(why);
        return undefined;
      }
    }
    return userInfoFromClaims(result.claims);
  };
}
