import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyPem, publicKeyPem } from './pki.js';
import { DEFAULT_ISSUER, keyIdOf, serviceAccountClaims, signServiceAccountToken, verifyServiceAccountToken } from './service-account-token.js';
import type { ServiceAccountTokenClaims } from './service-account-token.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const T = NOW.getTime() / 1000;
const ecKey = generatePrivateKey('ecdsa-p256');
const ecPub = publicKeyPem(ecKey);

const subject = { namespace: 'default', serviceAccount: { name: 'builder', uid: 'sa-uid' }, pod: { name: 'web-1', uid: 'pod-uid' } };
const claims = (over: Partial<ServiceAccountTokenClaims> = {}): ServiceAccountTokenClaims => ({
  ...serviceAccountClaims(subject, { now: NOW, jti: 'jti-1' }),
  ...over,
});
const decode = (part: string | undefined): unknown => JSON.parse(Buffer.from(part ?? '', 'base64url').toString());

describe('serviceAccountClaims', () => {
  it('has Kubernetes bound-token claims', () => {
    expect(serviceAccountClaims(subject, { now: NOW, jti: 'jti-1', expirationSeconds: 600 })).toEqual({
      aud: ['https://kubernetes.default.svc.cluster.local'],
      exp: T + 600,
      iat: T,
      iss: 'https://kubernetes.default.svc.cluster.local',
      jti: 'jti-1',
      'kubernetes.io': { namespace: 'default', pod: { name: 'web-1', uid: 'pod-uid' }, serviceaccount: { name: 'builder', uid: 'sa-uid' } },
      nbf: T,
      sub: 'system:serviceaccount:default:builder',
    });
  });

  it('defaults to one hour and a random jti', () => {
    const a = serviceAccountClaims(subject, { now: NOW });
    const b = serviceAccountClaims(subject, { now: NOW });
    expect(a.exp - a.iat).toBe(3600);
    expect(a.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.jti).not.toBe(b.jti);
  });
});

describe('sign and verify', () => {
  it('ES256 with a P-256 key: header alg and kid, raw 64-byte signature, verifies', () => {
    const token = signServiceAccountToken(ecKey, claims());
    const [h, p, s] = token.split('.');
    expect(decode(h)).toEqual({ alg: 'ES256', kid: keyIdOf(ecKey) });
    expect(decode(p)).toEqual(claims());
    expect(Buffer.from(s ?? '', 'base64url').length).toBe(64);
    expect(verifyServiceAccountToken(ecPub, token, NOW)).toEqual({ ok: true, claims: claims() });
  });

  it('RS256 with an RSA key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = signServiceAccountToken(privateKey, claims());
    expect(decode(token.split('.')[0])).toMatchObject({ alg: 'RS256' });
    expect(verifyServiceAccountToken(publicKey, token, NOW).ok).toBe(true);
  });

  it('accepts PEM strings and any key of a rotation list', () => {
    const old = generatePrivateKey();
    const token = signServiceAccountToken(privateKeyPem(ecKey), claims());
    expect(verifyServiceAccountToken([publicKeyPem(old), ecPub], token, NOW).ok).toBe(true);
  });

  it('kid is base64url(sha256(PKIX DER)), the same from the private or public key', () => {
    expect(keyIdOf(ecKey)).toBe(keyIdOf(ecPub));
    expect(keyIdOf(ecKey)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  const t = signServiceAccountToken(ecKey, claims());
  const [h, p, s] = t.split('.');
  const forged = (payload: unknown): string => `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;

  it.each<[string, () => ReturnType<typeof verifyServiceAccountToken>, string]>([
    ['wrong key', () => verifyServiceAccountToken(publicKeyPem(generatePrivateKey()), t, NOW), 'invalid signature'],
    ['tampered payload', () => verifyServiceAccountToken(ecPub, forged({ ...claims(), sub: 'system:serviceaccount:kube-system:admin' }), NOW), 'invalid signature'],
    ['tampered signature', () => verifyServiceAccountToken(ecPub, `${h}.${p}.${Buffer.alloc(64, 1).toString('base64url')}`, NOW), 'invalid signature'],
    ['not a JWS', () => verifyServiceAccountToken(ecPub, 'abc.def', NOW), 'token is not a compact JWS'],
    [
      'alg none',
      () => verifyServiceAccountToken(ecPub, `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`, NOW),
      'unsupported signing algorithm "none"',
    ],
    [
      'an ES256 header checked against an RSA key',
      () => verifyServiceAccountToken(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey, t, NOW),
      'invalid signature',
    ],
    ['expired beyond the leeway', () => verifyServiceAccountToken(ecPub, t, new Date((T + 3600 + 61) * 1000)), 'service account token has expired'],
    ['not valid yet', () => verifyServiceAccountToken(ecPub, t, new Date((T - 61) * 1000)), 'service account token is not valid yet'],
    [
      'issued in the future',
      () => verifyServiceAccountToken(ecPub, signServiceAccountToken(ecKey, claims({ iat: T + 600, nbf: T - 10 })), NOW),
      'service account token is issued in the future',
    ],
    [
      'another issuer',
      () => verifyServiceAccountToken(ecPub, signServiceAccountToken(ecKey, claims({ iss: 'https://elsewhere' })), NOW),
      'token issuer "https://elsewhere" is not accepted',
    ],
    [
      'another audience',
      () => verifyServiceAccountToken(ecPub, signServiceAccountToken(ecKey, claims({ aud: ['vault'] })), NOW),
      'token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]',
    ],
    [
      'a sub that disagrees with the kubernetes.io claim',
      () => verifyServiceAccountToken(ecPub, signServiceAccountToken(ecKey, claims({ sub: 'system:serviceaccount:default:other' })), NOW),
      'token subject does not match its kubernetes.io claim',
    ],
  ])('rejects %s', (_name, run, error) => {
    expect(run()).toEqual({ ok: false, error });
  });

  it('allows the one-minute clock leeway around exp and nbf', () => {
    expect(verifyServiceAccountToken(ecPub, t, new Date((T + 3600 + 59) * 1000)).ok).toBe(true);
    expect(verifyServiceAccountToken(ecPub, t, new Date((T - 59) * 1000)).ok).toBe(true);
  });

  it('accepts configured issuers and audiences', () => {
    const token = signServiceAccountToken(ecKey, claims({ iss: 'https://issuer.example', aud: ['api', 'other'] }));
    expect(verifyServiceAccountToken(ecPub, token, NOW, { issuers: [DEFAULT_ISSUER, 'https://issuer.example'], audiences: ['api'] }).ok).toBe(true);
  });

  it('signing with a private key object made from PEM gives a verifiable token', () => {
    const token = signServiceAccountToken(createPrivateKey(privateKeyPem(ecKey)), claims());
    expect(verifyServiceAccountToken(ecPub, token, NOW).ok).toBe(true);
  });
});
