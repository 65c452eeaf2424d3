// The serviceaccounts/token subresource (authentication.k8s.io/v1 TokenRequest): validate and
// default the request, bind the token to a pod (and that pod's node) if asked, sign it, and
// answer the TokenRequest with status.token and status.expirationTimestamp, as
// pkg/registry/core/serviceaccount/storage/token.go does.
import type { KeyObject } from 'node:crypto';
import { isRecord } from '../../../lib/api/object.js';
import type { KubeObject } from '../../../lib/api/object.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { Errors } from '../../../lib/api/status-error.js';
import { DEFAULT_API_AUDIENCES, DEFAULT_EXPIRATION_SECONDS, DEFAULT_ISSUER, serviceAccountClaims, signServiceAccountToken } from './service-account-token.js';
import type { TokenSubject } from './service-account-token.js';

export const TOKEN_REQUEST_API_VERSION = 'authentication.k8s.io/v1';
const TOKEN_REQUEST_KIND = { group: 'authentication.k8s.io', kind: 'TokenRequest' };
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

export interface BoundObjectReference {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

export interface TokenRequest extends KubeObject {
  spec: { audiences: string[]; expirationSeconds: number; boundObjectRef: BoundObjectReference | null };
  status: { token: string; expirationTimestamp: string };
}

type MaybePromise<T> = T | Promise<T>;

export interface TokenRequestInput {
  /** The request body (any JSON). */
  body: unknown;
  /** The ServiceAccount named in the URL, already read from storage. */
  serviceAccount: KubeObject;
  signingKey: KeyObject | string;
  now: Date;
  issuer?: string;
  /** --api-audiences; a request without audiences gets these. */
  apiAudiences?: readonly string[];
  /** --service-account-max-token-expiration in seconds; longer requests are shortened. */
  maxExpirationSeconds?: number;
  getPod?(namespace: string, name: string): MaybePromise<KubeObject | undefined>;
  getNode?(name: string): MaybePromise<KubeObject | undefined>;
  jti?: string;
}

export interface TokenRequestResult {
  tokenRequest: TokenRequest;
  /** Warnings for the Warning header (e.g. a shortened expiration). */
  warnings: string[];
}

function readBody(body: unknown): { name: string; namespace: string; audiences: string[]; expirationSeconds: number | undefined; ref: BoundObjectReference | undefined } {
  const b = isRecord(body) ? body : {};
  const meta = isRecord(b['metadata']) ? b['metadata'] : {};
  const spec = isRecord(b['spec']) ? b['spec'] : {};
  const audiences = Array.isArray(spec['audiences']) ? spec['audiences'].filter((a): a is string => typeof a === 'string') : [];
  const exp = spec['expirationSeconds'];
  const rawRef = spec['boundObjectRef'];
  let ref: BoundObjectReference | undefined;
  if (isRecord(rawRef)) {
    ref = {};
    for (const k of ['kind', 'apiVersion', 'name', 'uid'] as const) if (typeof rawRef[k] === 'string') ref[k] = rawRef[k];
  }
  return {
    name: typeof meta['name'] === 'string' ? meta['name'] : '',
    namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : '',
    audiences,
    expirationSeconds: typeof exp === 'number' ? exp : undefined,
    ref,
  };
}

const nodeNameOf = (pod: KubeObject): string => {
  const spec = pod['spec'];
  return isRecord(spec) && typeof spec['nodeName'] === 'string' ? spec['nodeName'] : '';
};

const serviceAccountNameOf = (pod: KubeObject): string => {
  const spec = pod['spec'];
  return isRecord(spec) && typeof spec['serviceAccountName'] === 'string' ? spec['serviceAccountName'] : '';
};

/**
 * Issues a token for a TokenRequest; throws StatusError (422, 400, 404, 409) as Kubernetes would.
 * Only Pod bindings are supported (Kubernetes also binds to Secrets and Nodes).
 */
export async function issueTokenRequest(input: TokenRequestInput): Promise<TokenRequestResult> {
  const sa = input.serviceAccount;
  const saName = sa.metadata.name ?? '';
  const namespace = sa.metadata.namespace ?? '';
  const req = readBody(input.body);
  const warnings: string[] = [];

  if (req.name !== '' && req.name !== saName) {
    throw Errors.invalid(TOKEN_REQUEST_KIND, saName, [fieldErrors.invalid(FieldPath.root('metadata', 'name'), req.name, 'must match the service account name if specified')]);
  }
  if (req.namespace !== '' && req.namespace !== namespace) {
    throw Errors.invalid(TOKEN_REQUEST_KIND, saName, [
      fieldErrors.invalid(FieldPath.root('metadata', 'namespace'), req.namespace, 'must match the service account namespace if specified'),
    ]);
  }

  let expirationSeconds = req.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  const errs: FieldError[] = [];
  const expPath = FieldPath.root('spec', 'expirationSeconds');
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) errs.push(fieldErrors.invalid(expPath, expirationSeconds, 'may not specify a duration less than 10 minutes'));
  if (expirationSeconds > MAX_EXPIRATION_SECONDS) errs.push(fieldErrors.invalid(expPath, expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  if (errs.length > 0) throw Errors.invalid(TOKEN_REQUEST_KIND, saName, errs);

  const max = input.maxExpirationSeconds;
  if (max !== undefined && max > 0 && expirationSeconds > max) {
    warnings.push(`requested expiration of ${expirationSeconds} seconds shortened to ${max} seconds`);
    expirationSeconds = max;
  }
  const audiences = req.audiences.length > 0 ? req.audiences : [...(input.apiAudiences ?? DEFAULT_API_AUDIENCES)];

  const subject: TokenSubject = { namespace, serviceAccount: { name: saName, uid: sa.metadata.uid ?? '' } };
  let boundObjectRef: BoundObjectReference | null = null;
  if (req.ref) {
    const ref = req.ref;
    const kind = ref.kind ?? '';
    const apiVersion = ref.apiVersion ?? '';
    const refName = ref.name ?? '';
    if (!((apiVersion === 'v1' || apiVersion === '') && kind === 'Pod')) {
      const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
      const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
      throw Errors.badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
    }
    const pod = await input.getPod?.(namespace, refName);
    if (!pod) throw Errors.notFound({ group: '', resource: 'pods' }, refName);
    if (serviceAccountNameOf(pod) !== saName) {
      throw Errors.badRequest(`cannot bind token for serviceaccount ${JSON.stringify(saName)} to pod running with different serviceaccount name.`);
    }
    const podUid = pod.metadata.uid ?? '';
    if ((ref.uid ?? '') !== '' && ref.uid !== podUid) {
      throw Errors.conflict(
        { group: '', resource: 'Pod' },
        refName,
        `the UID in the bound object reference (${ref.uid ?? ''}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
    subject.pod = { name: refName, uid: podUid };
    const nodeName = nodeNameOf(pod);
    if (nodeName !== '') {
      const node = await input.getNode?.(nodeName);
      subject.node = { name: nodeName, uid: node?.metadata.uid ?? '' };
    }
    boundObjectRef = { kind: 'Pod', apiVersion: 'v1', name: refName, uid: podUid };
  }

  const claims = serviceAccountClaims(subject, {
    now: input.now,
    expirationSeconds,
    audiences,
    issuer: input.issuer ?? DEFAULT_ISSUER,
    ...(input.jti === undefined ? {} : { jti: input.jti }),
  });
  const token = signServiceAccountToken(input.signingKey, claims);
  const created = new Date(Math.floor(input.now.getTime() / 1000) * 1000);
  const tokenRequest: TokenRequest = {
    kind: 'TokenRequest',
    apiVersion: TOKEN_REQUEST_API_VERSION,
    metadata: { name: saName, namespace, creationTimestamp: rfc3339(created) },
    spec: { audiences, expirationSeconds, boundObjectRef },
    status: { token, expirationTimestamp: rfc3339(new Date(claims.exp * 1000)) },
  };
  return { tokenRequest, warnings };
}

/** metav1.Time's text: RFC 3339 in whole seconds. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
