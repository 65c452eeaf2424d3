// security.istio.io: PeerAuthentication, AuthorizationPolicy and RequestAuthentication specs,
// after istio/api security/v1beta1/*.proto (field names in their JSON form).
import type { Schema } from '../dsl.js';
import { bool, enumOf, list, map, obj, str } from '../dsl.js';
import { duration, istioKind, policyTargetReference, stringList, workloadSelector } from './istio-common.js';

export const ISTIO_SECURITY_GROUP = 'security.istio.io';
export const ISTIO_SECURITY_VERSIONS = ['v1', 'v1beta1'] as const;

const mtls = obj(
  { mode: enumOf(['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'], 'Defines the mTLS mode used for peer authentication.') },
  'Mutual TLS settings for workload.',
);

const peerAuthenticationSpec = obj({
  selector: workloadSelector,
  mtls,
  portLevelMtls: map(mtls, 'Port specific mutual TLS settings.'),
});

const source = obj(
  {
    principals: stringList('Optional. A list of peer identities derived from the peer certificate.'),
    notPrincipals: stringList('Optional. A list of negative match of peer identities.'),
    requestPrincipals: stringList('Optional. A list of request identities derived from the JWT.'),
    notRequestPrincipals: stringList('Optional. A list of negative match of request identities.'),
    namespaces: stringList('Optional. A list of namespaces derived from the peer certificate.'),
    notNamespaces: stringList('Optional. A list of negative match of namespaces.'),
    serviceAccounts: stringList('Optional. A list of service accounts derived from the peer certificate.'),
    notServiceAccounts: stringList('Optional. A list of negative match of service accounts.'),
    ipBlocks: stringList('Optional. A list of IP blocks, populated from the source address of the IP packet.'),
    notIpBlocks: stringList('Optional. A list of negative match of IP blocks.'),
    remoteIpBlocks: stringList('Optional. A list of IP blocks, populated from X-Forwarded-For header or proxy protocol.'),
    notRemoteIpBlocks: stringList('Optional. A list of negative match of remote IP blocks.'),
  },
  'Source specifies the source identities of a request.',
);

const operation = obj(
  {
    hosts: stringList('Optional. A list of hosts as specified in the HTTP request.'),
    notHosts: stringList('Optional. A list of negative match of hosts as specified in the HTTP request.'),
    ports: stringList('Optional. A list of ports as specified in the connection.'),
    notPorts: stringList('Optional. A list of negative match of ports as specified in the connection.'),
    methods: stringList('Optional. A list of methods as specified in the HTTP request.'),
    notMethods: stringList('Optional. A list of negative match of methods as specified in the HTTP request.'),
    paths: stringList('Optional. A list of paths as specified in the HTTP request.'),
    notPaths: stringList('Optional. A list of negative match of paths.'),
  },
  'Operation specifies the operations of a request.',
);

const authorizationPolicySpec = obj({
  selector: workloadSelector,
  targetRef: policyTargetReference,
  targetRefs: list(policyTargetReference, 'Optional. The targetRefs specifies a list of resources the policy should be applied to.'),
  rules: list(
    obj(
      {
        from: list(obj({ source }, 'From includes a list of sources.'), 'Optional. from specifies the source of a request.'),
        to: list(obj({ operation }, 'To includes a list of operations.'), 'Optional. to specifies the operation of a request.'),
        when: list(
          obj(
            {
              key: str('The name of an Istio attribute.'),
              values: stringList('Optional. A list of allowed values for the attribute.'),
              notValues: stringList('Optional. A list of negative match of values for the attribute.'),
            },
            { description: 'Condition specifies additional required attributes.', required: ['key'] },
          ),
          'Optional. when specifies a list of additional conditions of a request.',
        ),
      },
      'Rule matches requests from a list of sources that perform a list of operations subject to a list of conditions.',
    ),
    'Optional. A list of rules to match the request.',
  ),
  action: enumOf(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'], 'Optional. The action to take if the request is matched with the rules.'),
  provider: obj({ name: str('Specifies the name of the extension provider.') }, 'Specifies detailed configuration of the CUSTOM action.'),
});

const jwtRule = obj(
  {
    issuer: str('Identifies the issuer that issued the JWT.'),
    audiences: stringList('The list of JWT audiences that are allowed to access.'),
    jwksUri: str("URL of the provider's public key set to validate signature of the JWT."),
    jwks: str('JSON Web Key Set of public keys to validate signature of the JWT.'),
    fromHeaders: list(
      obj({ name: str('The HTTP header name.'), prefix: str('The prefix that should be stripped before decoding the token.') }, { description: 'This message specifies a header location to extract JWT token.', required: ['name'] }),
      'List of header locations from which JWT is expected.',
    ),
    fromParams: stringList('List of query parameters from which JWT is expected.'),
    outputPayloadToHeader: str('This field specifies the header name to output a successfully verified JWT payload to the backend.'),
    fromCookies: stringList('List of cookie names from which JWT is expected.'),
    forwardOriginalToken: bool('If set to true, the original token will be kept for the upstream request.'),
    outputClaimToHeaders: list(
      obj({ header: str('The name of the header to be created.'), claim: str('The name of the claim to be copied from.') }, 'This message specifies the detail for copying claim to header.'),
      'This field specifies a list of operations to copy the claim to HTTP headers on a successfully verified token.',
    ),
    timeout: duration('The maximum amount of time that the resolver, determined by the PILOT_JWT_ENABLE_REMOTE_JWKS environment variable, will spend waiting for the JWKS to be fetched.'),
  },
  { description: 'JSON Web Token (JWT) token format for authentication as defined by RFC 7519.', required: ['issuer'] },
);

const requestAuthenticationSpec = obj({
  selector: workloadSelector,
  targetRef: policyTargetReference,
  targetRefs: list(policyTargetReference, 'Optional. The targetRefs specifies a list of resources the policy should be applied to.'),
  jwtRules: list(jwtRule, 'Define the list of JWTs that can be validated at the selected workloads\' proxy.'),
});

const g = ISTIO_SECURITY_GROUP;
const v = ISTIO_SECURITY_VERSIONS;

export const ISTIO_SECURITY_DEFINITIONS: Readonly<Record<string, Schema>> = {
  ...istioKind(g, v, 'PeerAuthentication', 'Peer authentication configuration for workloads.', peerAuthenticationSpec),
  ...istioKind(g, v, 'AuthorizationPolicy', 'Configuration for access control on workloads.', authorizationPolicySpec),
  ...istioKind(g, v, 'RequestAuthentication', 'Request authentication configuration for workloads.', requestAuthenticationSpec),
};
