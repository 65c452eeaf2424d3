import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import type { KindKey } from '../registry/resources.js';
import { validateCreate } from './index.js';
import { arr, at, invalidText } from './test-support.js';

type Obj = KubeObject;

const S = 'security.istio.io';

function make(kind: string, spec: Record<string, unknown>): Obj {
  return { apiVersion: `${S}/v1`, kind, metadata: { name: 'policy', namespace: 'default' }, spec } as unknown as Obj;
}

const bases: Record<string, () => Obj> = {
  PeerAuthentication: () => make('PeerAuthentication', { selector: { matchLabels: { app: 'db' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { '5432': { mode: 'PERMISSIVE' } } }),
  AuthorizationPolicy: () =>
    make('AuthorizationPolicy', {
      selector: { matchLabels: { app: 'reviews' } },
      action: 'ALLOW',
      rules: [
        {
          from: [{ source: { principals: ['cluster.local/ns/default/sa/productpage'], ipBlocks: ['10.244.0.0/16'] } }],
          to: [{ operation: { methods: ['GET'], paths: ['/reviews/*'], ports: ['9080'] } }],
          when: [{ key: 'request.headers[x-env]', values: ['prod'] }],
        },
      ],
    }),
  RequestAuthentication: () =>
    make('RequestAuthentication', {
      selector: { matchLabels: { app: 'gateway' } },
      jwtRules: [{ issuer: 'https://issuer.example.com', jwksUri: 'https://issuer.example.com/jwks.json', fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }] }],
    }),
};

const texts = (kind: string, o: KubeObject) => validateCreate(`${S}/${kind}` as KindKey, o).map(fieldErrorText);

describe('Istio security validation', () => {
  it.each(Object.keys(bases))('accepts a valid %s', (kind) => {
    expect(texts(kind, (bases[kind] as () => Obj)())).toEqual([]);
  });

  it.each<[string, string, (o: Obj) => void, string]>([
    ['PeerAuthentication', 'mtls mode enum', (o) => (at(o, 'spec', 'mtls').mode = 'ON'), 'spec.mtls.mode: Unsupported value: "ON": supported values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT"'],
    ['PeerAuthentication', 'port-level mTLS needs a selector', (o) => delete at(o, 'spec').selector, invalidText('spec.portLevelMtls', {"5432":{"mode":"PERMISSIVE"}}, 'mesh/namespace peer authentication cannot have port level mTLS')],
    ['PeerAuthentication', 'port numbers', (o) => (at(o, 'spec').portLevelMtls = { '0': { mode: 'DISABLE' } }), 'spec.portLevelMtls[0]: Invalid value: "0": port must be in range 1..65535'],
    ['PeerAuthentication', 'port-level modes', (o) => (at(o, 'spec', 'portLevelMtls', '5432').mode = 'OFF'), 'spec.portLevelMtls[5432].mode: Unsupported value: "OFF": supported values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT"'],
    ['AuthorizationPolicy', 'action enum', (o) => (at(o, 'spec').action = 'REJECT'), 'spec.action: Unsupported value: "REJECT": supported values: "ALLOW", "DENY", "AUDIT", "CUSTOM"'],
    ['AuthorizationPolicy', 'CUSTOM needs a provider', (o) => (at(o, 'spec').action = 'CUSTOM'), 'spec.provider.name: Required value: `provider.name` must not be empty'],
    [
      'AuthorizationPolicy',
      'provider only with CUSTOM',
      (o) => (at(o, 'spec').provider = { name: 'ext-authz' }),
      invalidText('spec.provider', {"name":"ext-authz"}, '`provider` must not be with non CUSTOM action, found ALLOW'),
    ],
    [
      'AuthorizationPolicy',
      'DENY needs rules',
      (o) => {
        at(o, 'spec').action = 'DENY';
        delete at(o, 'spec').rules;
      },
      'spec.rules: Required value: DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request',
    ],
    ['AuthorizationPolicy', 'from.source required', (o) => (at(o, 'spec', 'rules', 0).from = [{}]), 'spec.rules[0].from[0].source: Required value: `from.source` must not be nil, found at rule 0'],
    ['AuthorizationPolicy', 'to.operation not empty', (o) => (at(o, 'spec', 'rules', 0).to = [{ operation: {} }]), invalidText('spec.rules[0].to[0].operation', {}, '`to.operation` must not be empty, found at rule 0')],
    ['AuthorizationPolicy', 'no empty values', (o) => arr(o, 'spec', 'rules', 0, 'to', 0, 'operation', 'paths').push(''), invalidText('spec.rules[0].to[0].operation.paths', ["/reviews/*",""], 'empty value not allowed, found in Paths')],
    ['AuthorizationPolicy', 'ports', (o) => (at(o, 'spec', 'rules', 0, 'to', 0, 'operation').ports = ['http']), 'spec.rules[0].to[0].operation.ports[0]: Invalid value: "http": bad port (http)'],
    ['AuthorizationPolicy', 'IP blocks', (o) => (at(o, 'spec', 'rules', 0, 'from', 0, 'source').ipBlocks = ['10.0.0.0/33']), 'spec.rules[0].from[0].source.ipBlocks[0]: Invalid value: "10.0.0.0/33": bad CIDR range (10.0.0.0/33)'],
    ['AuthorizationPolicy', 'when values', (o) => (at(o, 'spec', 'rules', 0, 'when', 0).values = []), 'spec.rules[0].when[0].values: Required value: at least one of `values` or `notValues` must be set for key request.headers[x-env]'],
    ['AuthorizationPolicy', 'one kind of target', (o) => (at(o, 'spec').targetRef = { kind: 'Service', name: 'reviews' }), 'spec: Invalid value: null: only one of targetRefs or workloadSelector can be set'],
    ['RequestAuthentication', 'issuer required', (o) => delete at(o, 'spec', 'jwtRules', 0).issuer, 'spec.jwtRules[0].issuer: Required value: issuer must be set'],
    ['RequestAuthentication', 'jwksUri scheme', (o) => (at(o, 'spec', 'jwtRules', 0).jwksUri = 'ftp://issuer.example.com/jwks'), 'spec.jwtRules[0].jwksUri: Invalid value: "ftp://issuer.example.com/jwks": URI scheme "ftp" is not supported'],
    ['RequestAuthentication', 'jwksUri a URL', (o) => (at(o, 'spec', 'jwtRules', 0).jwksUri = 'not a url'), 'spec.jwtRules[0].jwksUri: Invalid value: "not a url": parse "not a url": invalid URI for request'],
    ['RequestAuthentication', 'header names', (o) => (at(o, 'spec', 'jwtRules', 0, 'fromHeaders', 0).name = ''), 'spec.jwtRules[0].fromHeaders[0].name: Required value: location header name must be non-empty string'],
    ['RequestAuthentication', 'selector labels', (o) => (at(o, 'spec', 'selector').matchLabels = { app: '*' }), invalidText('spec.selector.matchLabels', {"app":"*"}, 'wildcard is not supported in selector: "app=*"')],
  ])('%s: %s', (kind, _name, mutate, expected) => {
    const o = (bases[kind] as () => Obj)();
    mutate(o);
    const got = texts(kind, o);
    expect(got.find((t) => t === expected), got.join('\n')).toBeDefined();
  });
});
