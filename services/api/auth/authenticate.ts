// Request authentication as kube-apiserver chains it: client certificate first, then bearer
// token; the first that succeeds names the user, who then also joins system:authenticated.
// A credential that is presented but fails (an unverified certificate, a bad token) is a 401
// even when anonymous access is on; only a request with no credentials at all may become
// system:anonymous.
import type { TLSSocket } from 'node:tls';
import { ANONYMOUS_USER, Groups, Users } from './user-info.js';
import type { UserInfo } from './user-info.js';

/** The parts of node:tls getPeerCertificate() that matter, plus whether the chain verified. */
export interface PeerCertificateInfo {
  subject?: { CN?: string | readonly string[]; O?: string | readonly string[] } | undefined;
  /** tls.TLSSocket.authorized: the chain verified against the cluster CA. */
  verified: boolean;
}

export interface AuthenticationRequest {
  peerCertificate?: PeerCertificateInfo | undefined;
  /** The Authorization header. */
  authorization?: string | undefined;
}

export interface AuthenticateDeps {
  /** Resolves a bearer token to its user, or undefined when the token is not valid. */
  verifyToken(token: string): UserInfo | undefined | Promise<UserInfo | undefined>;
  /** kube-apiserver's --anonymous-auth: requests without credentials become system:anonymous. */
  anonymous?: boolean;
}

/** Reads the client certificate off a TLS socket; undefined when the client sent none. */
export function peerCertificateOf(socket: Pick<TLSSocket, 'getPeerCertificate' | 'authorized'>): PeerCertificateInfo | undefined {
  // A connection's client certificate never changes (no renegotiation), and reading it off the
  // socket costs a copy of the certificate per request: read it once per connection.
  const known = peerCertificates.get(socket);
  if (known !== undefined) return known ?? undefined;
  const cert = socket.getPeerCertificate();
  // Without a client certificate Node returns an empty object.
  const info = !cert || Object.keys(cert).length === 0 ? undefined : { subject: cert.subject, verified: socket.authorized };
  peerCertificates.set(socket, info ?? null);
  return info;
}

const peerCertificates = new WeakMap<object, PeerCertificateInfo | null>();

/** The token of an "Authorization: Bearer <token>" header, as Kubernetes parses it. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const auth = (authorization ?? '').trim();
  if (auth === '') return undefined;
  const parts = auth.split(' ');
  if (parts.length < 2 || parts[0]?.toLowerCase() !== 'bearer') return undefined;
  const token = parts[1] ?? '';
  return token === '' ? undefined : token;
}

function values(v: string | readonly string[] | undefined): readonly string[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : v;
}

type Attempt = { user: UserInfo } | { failed: true } | undefined;

function fromCertificate(cert: PeerCertificateInfo | undefined): Attempt {
  if (!cert?.subject) return undefined;
  if (!cert.verified) return { failed: true };
  // Go keeps the last CN when a subject has several.
  const cn = values(cert.subject.CN).at(-1) ?? '';
  if (cn === '') return undefined;
  return { user: { name: cn, groups: [...values(cert.subject.O)] } };
}

/** Adds system:authenticated, as Kubernetes' AuthenticatedGroupAdder does. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === Users.anonymous) return user;
  if (user.groups.includes(Groups.authenticated) || user.groups.includes(Groups.unauthenticated)) return user;
  return { ...user, groups: [...user.groups, Groups.authenticated] };
}

/** The requesting user, or undefined when the server must answer 401 Unauthorized. */
export async function authenticate(req: AuthenticationRequest, deps: AuthenticateDeps): Promise<UserInfo | undefined> {
  let failed = false;
  const byCert = fromCertificate(req.peerCertificate);
  if (byCert && 'user' in byCert) return withAuthenticatedGroup(byCert.user);
  if (byCert) failed = true;

  const token = bearerToken(req.authorization);
  if (token !== undefined) {
    const user = await deps.verifyToken(token);
    if (user) return withAuthenticatedGroup(user);
    failed = true;
  }
  if (failed || !deps.anonymous) return undefined;
  return ANONYMOUS_USER;
}
