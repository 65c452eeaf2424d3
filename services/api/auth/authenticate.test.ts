import { describe, expect, it } from 'vitest';
import { authenticate, bearerToken, peerCertificateOf, withAuthenticatedGroup } from './authenticate.js';
import type { AuthenticationRequest, PeerCertificateInfo } from './authenticate.js';
import type { UserInfo } from './user-info.js';

const SA_USER: UserInfo = { name: 'system:serviceaccount:default:x', uid: 'u1', groups: ['system:serviceaccounts', 'system:serviceaccounts:default'] };
const verifyToken = (token: string): UserInfo | undefined => (token === 'good' ? SA_USER : undefined);
const asyncVerify = (token: string): Promise<UserInfo | undefined> => Promise.resolve(verifyToken(token));

const cert = (CN: string | string[], O: string | string[] | undefined, verified = true): PeerCertificateInfo => ({
  subject: O === undefined ? { CN } : { CN, O },
  verified,
});

describe('authenticate', () => {
  it.each<[string, AuthenticationRequest, boolean, UserInfo | undefined]>([
    ['a verified client certificate', { peerCertificate: cert('alice', 'dev') }, false, { name: 'alice', groups: ['dev', 'system:authenticated'] }],
    [
      'a certificate with several organizations',
      { peerCertificate: cert('kubernetes-admin', ['system:masters', 'ops']) },
      false,
      { name: 'kubernetes-admin', groups: ['system:masters', 'ops', 'system:authenticated'] },
    ],
    ['a certificate without O', { peerCertificate: cert('bob', undefined) }, false, { name: 'bob', groups: ['system:authenticated'] }],
    ['the last of several CNs', { peerCertificate: cert(['first', 'last'], undefined) }, false, { name: 'last', groups: ['system:authenticated'] }],
    [
      'a ServiceAccount bearer token',
      { authorization: 'Bearer good' },
      false,
      { name: 'system:serviceaccount:default:x', uid: 'u1', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] },
    ],
    ['a lower-case bearer scheme', { authorization: 'bearer good' }, false, { ...SA_USER, groups: [...SA_USER.groups, 'system:authenticated'] }],
    ['the certificate before the token', { peerCertificate: cert('alice', []), authorization: 'Bearer good' }, false, { name: 'alice', groups: ['system:authenticated'] }],
    [
      'an unverified certificate with a good token',
      { peerCertificate: cert('mallory', 'system:masters', false), authorization: 'Bearer good' },
      false,
      { ...SA_USER, groups: [...SA_USER.groups, 'system:authenticated'] },
    ],
    ['no credentials', {}, false, undefined],
    ['no credentials, anonymous on', {}, true, { name: 'system:anonymous', groups: ['system:unauthenticated'] }],
    ['a bad token, even with anonymous on', { authorization: 'Bearer bad' }, true, undefined],
    ['an unverified certificate, even with anonymous on', { peerCertificate: cert('mallory', 'system:masters', false) }, true, undefined],
    ['a Basic header (not ours), anonymous on', { authorization: 'Basic dXNlcjpwYXNz' }, true, { name: 'system:anonymous', groups: ['system:unauthenticated'] }],
    ['an empty bearer token', { authorization: 'Bearer ' }, false, undefined],
    ['a certificate with an empty CN, anonymous on', { peerCertificate: cert('', 'dev') }, true, { name: 'system:anonymous', groups: ['system:unauthenticated'] }],
  ])('%s', async (_name, req, anonymous, expected) => {
    expect(await authenticate(req, { verifyToken, anonymous })).toEqual(expected);
    expect(await authenticate(req, { verifyToken: asyncVerify, anonymous })).toEqual(expected);
  });

  it('does not call verifyToken when a certificate already authenticated', async () => {
    let calls = 0;
    await authenticate({ peerCertificate: cert('a', []), authorization: 'Bearer good' }, { verifyToken: () => (calls++, undefined) });
    expect(calls).toBe(0);
  });
});

describe('bearerToken', () => {
  it.each<[string | undefined, string | undefined]>([
    ['Bearer abc', 'abc'],
    ['  Bearer abc  ', 'abc'],
    ['BEARER abc', 'abc'],
    ['Bearer  abc', undefined], // Kubernetes: the space before the token makes it empty
    ['Bearer abc def', 'abc'],
    ['Bearer', undefined],
    ['Basic abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j -> %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe('withAuthenticatedGroup', () => {
  it('adds system:authenticated once and never to the anonymous user', () => {
    expect(withAuthenticatedGroup({ name: 'a', groups: ['system:authenticated'] }).groups).toEqual(['system:authenticated']);
    expect(withAuthenticatedGroup({ name: 'system:anonymous', groups: ['system:unauthenticated'] }).groups).toEqual(['system:unauthenticated']);
  });
});

describe('peerCertificateOf', () => {
  it('reads subject and verification from a TLS socket; none when the client sent no certificate', () => {
    const subject = { C: '', ST: '', L: '', O: 'system:nodes', OU: '', CN: 'system:node:n1' };
    const withCert = { getPeerCertificate: () => ({ subject }), authorized: true } as unknown as Parameters<typeof peerCertificateOf>[0];
    expect(peerCertificateOf(withCert)).toEqual({ subject, verified: true });
    const without = { getPeerCertificate: () => ({}), authorized: false } as unknown as Parameters<typeof peerCertificateOf>[0];
    expect(peerCertificateOf(without)).toBeUndefined();
  });
});
