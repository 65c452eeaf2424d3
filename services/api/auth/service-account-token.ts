// ServiceAccount tokens as kube-apiserver issues them: compact JWS (ES256 for the default
// P-256 key, RS256 for RSA), header {alg, kid}, claims iss/sub/aud/exp/iat/nbf/jti and the
// private "kubernetes.io" claim naming the namespace, ServiceAccount and any bound pod/node.
// Verification follows pkg/serviceaccount: signature by one of the keys, an accepted issuer,
// a shared audience, and exp/nbf/iat checked with go-jose's one-minute leeway.
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isRecord } from '../../../lib/api/object.js';
import { toPublicKey } from './pki.js';
import { serviceAccountUsername } from './user-info.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const DEFAULT_API_AUDIENCES: readonly string[] = [DEFAULT_ISSUER];
/** TokenRequest's default lifetime (spec.expirationSeconds). */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
/** go-jose's DefaultLeeway, which Kubernetes' validator uses. */
export const CLOCK_LEEWAY_SECONDS = 60;

export interface ObjectRefClaim {
  name: string;
  uid: string;
}

export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRefClaim;
  pod?: ObjectRefClaim;
  node?: ObjectRefClaim;
  secret?: ObjectRefClaim;
  /** Kubernetes sets this on extended pod-bound tokens; kept when present. */
  warnafter?: number;
}

export interface ServiceAccountTokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti?: string;
  'kubernetes.io': KubernetesClaim;
}

/** What a token is for: the ServiceAccount and what it is bound to. */
export interface TokenSubject {
  namespace: string;
  serviceAccount: ObjectRefClaim;
  pod?: ObjectRefClaim;
  node?: ObjectRefClaim;
}

export interface ClaimsOptions {
  now: Date;
  expirationSeconds?: number;
  audiences?: readonly string[];
  issuer?: string;
  /** Defaults to a random UUID, as Kubernetes 1.29+ sets one per token. */
  jti?: string;
}

/** The claims of a bound token for subject, valid from now for expirationSeconds. */
export function serviceAccountClaims(subject: TokenSubject, opts: ClaimsOptions): ServiceAccountTokenClaims {
  const iat = Math.floor(opts.now.getTime() / 1000);
  const k8s: KubernetesClaim = { namespace: subject.namespace, serviceaccount: { ...subject.serviceAccount } };
  if (subject.node) k8s.node = { ...subject.node };
  if (subject.pod) k8s.pod = { ...subject.pod };
  return {
    aud: [...(opts.audiences ?? DEFAULT_API_AUDIENCES)],
    exp: iat + (opts.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS),
    iat,
    iss: opts.issuer ?? DEFAULT_ISSUER,
    jti: opts.jti ?? randomUUID(),
    'kubernetes.io': k8s,
    nbf: iat,
    sub: serviceAccountUsername(subject.namespace, subject.serviceAccount.name),
  };
}

type Alg = 'ES256' | 'ES384' | 'RS256';

function algorithmFor(key: KeyObject): Alg {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') return key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'ES384' : 'ES256';
  throw new Error(`unsupported service account key type ${String(key.asymmetricKeyType)}`);
}

const DIGEST: Record<Alg, string> = { ES256: 'sha256', ES384: 'sha384', RS256: 'sha256' };

/** Kubernetes' key ID: base64url(SHA-256(PKIX DER of the public key)). */
export function keyIdOf(key: KeyObject | string): string {
  const pub = typeof key === 'string' ? createPublicKey(key) : toPublicKey(key);
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('base64url');
}

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

export function signServiceAccountToken(privateKey: KeyObject | string, claims: ServiceAccountTokenClaims): string {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const alg = algorithmFor(key);
  const signingInput = `${b64url({ alg, kid: keyIdOf(key) })}.${b64url(claims)}`;
  // JWS wants ECDSA signatures as raw r||s, not DER.
  const signature = sign(DIGEST[alg], Buffer.from(signingInput), alg === 'RS256' ? key : { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

export type TokenVerification = { ok: true; claims: ServiceAccountTokenClaims } | { ok: false; error: string };

export interface VerifyOptions {
  /** Accepted issuers (default: the in-cluster issuer). */
  issuers?: readonly string[];
  /** The API server's audiences; the token must name at least one (default: the issuer URL). */
  audiences?: readonly string[];
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function readRef(v: unknown): ObjectRefClaim | undefined {
  if (!isRecord(v) || typeof v['name'] !== 'string') return undefined;
  return { name: v['name'], uid: typeof v['uid'] === 'string' ? v['uid'] : '' };
}

/** Narrows a decoded payload to our claims; undefined when a required claim is missing or mistyped. */
function readClaims(v: unknown): ServiceAccountTokenClaims | undefined {
  if (!isRecord(v)) return undefined;
  const k = v['kubernetes.io'];
  if (!isRecord(k) || typeof k['namespace'] !== 'string') return undefined;
  const serviceaccount = readRef(k['serviceaccount']);
  if (!serviceaccount) return undefined;
  const aud = typeof v['aud'] === 'string' ? [v['aud']] : Array.isArray(v['aud']) ? v['aud'].filter((a): a is string => typeof a === 'string') : [];
  const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : NaN);
  const claims: ServiceAccountTokenClaims = {
    iss: typeof v['iss'] === 'string' ? v['iss'] : '',
    sub: typeof v['sub'] === 'string' ? v['sub'] : '',
    aud,
    exp: num(v['exp']),
    iat: num(v['iat']),
    nbf: num(v['nbf']),
    'kubernetes.io': { namespace: k['namespace'], serviceaccount },
  };
  if (typeof v['jti'] === 'string') claims.jti = v['jti'];
  for (const field of ['pod', 'node', 'secret'] as const) {
    const ref = readRef(k[field]);
    if (ref) claims['kubernetes.io'][field] = ref;
  }
  if (typeof k['warnafter'] === 'number') claims['kubernetes.io'].warnafter = k['warnafter'];
  return claims;
}

function toKeys(keys: KeyObject | string | readonly (KeyObject | string)[]): KeyObject[] {
  const list = Array.isArray(keys) ? keys : [keys];
  return list.map((k: KeyObject | string) => (typeof k === 'string' ? createPublicKey(k) : toPublicKey(k)));
}

/** Checks a token's signature (against any of the keys) and claims at time now. */
export function verifyServiceAccountToken(
  publicKeys: KeyObject | string | readonly (KeyObject | string)[],
  token: string,
  now: Date,
  opts: VerifyOptions = {},
): TokenVerification {
  const parts = token.split('.');
  const [headerPart, payloadPart, signaturePart] = parts;
  if (parts.length !== 3 || !headerPart || !payloadPart || signaturePart === undefined) return { ok: false, error: 'token is not a compact JWS' };
  const header = decodeJson(headerPart);
  const alg = isRecord(header) ? header['alg'] : undefined;
  if (alg !== 'ES256' && alg !== 'ES384' && alg !== 'RS256') return { ok: false, error: `unsupported signing algorithm ${JSON.stringify(alg)}` };
  const claims = readClaims(decodeJson(payloadPart));
  if (!claims) return { ok: false, error: 'token claims are malformed' };

  const issuers = opts.issuers ?? [DEFAULT_ISSUER];
  if (!issuers.includes(claims.iss)) return { ok: false, error: `token issuer ${JSON.stringify(claims.iss)} is not accepted` };

  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  // Only keys of the header's algorithm are tried, so an RSA key can never check an "ES256" token.
  const verified = toKeys(publicKeys).some((key) => {
    if (algorithmFor(key) !== alg) return false;
    return verify(DIGEST[alg], signingInput, alg === 'RS256' ? key : { key, dsaEncoding: 'ieee-p1363' }, signature);
  });
  if (!verified) return { ok: false, error: 'invalid signature' };

  if (claims.sub !== serviceAccountUsername(claims['kubernetes.io'].namespace, claims['kubernetes.io'].serviceaccount.name)) {
    return { ok: false, error: 'token subject does not match its kubernetes.io claim' };
  }
  const t = now.getTime() / 1000;
  if (!Number.isNaN(claims.nbf) && t + CLOCK_LEEWAY_SECONDS < claims.nbf) return { ok: false, error: 'service account token is not valid yet' };
  if (Number.isNaN(claims.exp)) return { ok: false, error: 'token has no expiry' };
  if (t - CLOCK_LEEWAY_SECONDS > claims.exp) return { ok: false, error: 'service account token has expired' };
  if (!Number.isNaN(claims.iat) && t + CLOCK_LEEWAY_SECONDS < claims.iat) return { ok: false, error: 'service account token is issued in the future' };

  const audiences = opts.audiences ?? DEFAULT_API_AUDIENCES;
  if (!claims.aud.some((a) => audiences.includes(a))) {
    return { ok: false, error: `token audiences ${JSON.stringify(claims.aud)} is invalid for the target audiences ${JSON.stringify(audiences)}` };
  }
  return { ok: true, claims };
}
