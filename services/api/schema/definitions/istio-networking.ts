// networking.istio.io: Gateway, VirtualService, DestinationRule, ServiceEntry and Sidecar specs,
// after istio/api networking/v1alpha3/*.proto (field names in their JSON form).
import type { Schema } from '../dsl.js';
import { bool, enumOf, int32, list, map, num, obj, str, uint32 } from '../dsl.js';
import { boolValue, duration, istioKind, labels, stringList, workloadSelector } from './istio-common.js';

export const ISTIO_NETWORKING_GROUP = 'networking.istio.io';
export const ISTIO_NETWORKING_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;

// ---- Shared pieces ----

const stringMatch = (description: string): Schema =>
  obj(
    {
      exact: str('exact string match'),
      prefix: str('prefix-based match'),
      regex: str('RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax).'),
    },
    description,
  );

const portSelector = obj({ number: uint32('Valid port number') }, 'PortSelector specifies the number of a port to be used for matching or selection for final routing.');

const destination = (description: string): Schema =>
  obj(
    {
      host: str('The name of a service from the service registry.'),
      subset: str('The name of a subset within the service.'),
      port: portSelector,
    },
    { description, required: ['host'] },
  );

const percent = obj({ value: num('Percentage value.') }, 'Percent specifies a percentage in the range of [0.0, 100.0].');

const headerOperations = (description: string): Schema =>
  obj(
    {
      set: labels('Overwrite the headers specified by key with the given values'),
      add: labels('Append the given values to the headers specified by keys (will create a comma-separated list of values)'),
      remove: stringList('Remove the specified headers'),
    },
    description,
  );

const headers = obj(
  {
    request: headerOperations('Header manipulation rules to apply before forwarding a request to the destination service'),
    response: headerOperations('Header manipulation rules to apply before returning a response to the caller'),
  },
  'Header manipulation rules',
);

const port = obj(
  {
    number: uint32('A valid non-negative integer port number.'),
    protocol: str('The protocol exposed on the port: HTTP|HTTPS|GRPC|GRPC-WEB|HTTP2|MONGO|TCP|TLS.'),
    name: str('Label assigned to the port.'),
    targetPort: uint32('The port number on the endpoint where the traffic will be received.'),
  },
  { description: 'Port describes the properties of a specific port of a service.', required: ['number', 'protocol', 'name'] },
);

const serverTls = obj(
  {
    httpsRedirect: bool('If set to true, the load balancer will send a 301 redirect for all http connections, asking the clients to use HTTPS.'),
    mode: enumOf(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'], 'Indicates whether connections to this port should be secured using TLS.'),
    serverCertificate: str('REQUIRED if mode is `SIMPLE` or `MUTUAL`. The path to the file holding the server-side TLS certificate to use.'),
    privateKey: str("REQUIRED if mode is `SIMPLE` or `MUTUAL`. The path to the file holding the server's private key."),
    caCertificates: str('REQUIRED if mode is `MUTUAL` or `OPTIONAL_MUTUAL`. The path to a file containing certificate authority certificates.'),
    caCrl: str('OPTIONAL: The path to the file containing the certificate revocation list (CRL) to use in verifying a presented client side certificate.'),
    credentialName: str('For gateways running on Kubernetes, the name of the secret that holds the TLS certs including the CA certificates.'),
    credentialNames: stringList('Same as CredentialName but for multiple certificates.'),
    tlsCertificates: list(
      obj({ serverCertificate: str('The path to the server certificate.'), privateKey: str('The path to the private key.'), caCertificates: str('The path to the CA certificates.') }),
      'Only one of `server_certificate`, `private_key` or `credential_name` or `credential_names` or `tls_certificates` should be specified.',
    ),
    subjectAltNames: stringList('A list of alternate names to verify the subject identity in the certificate presented by the client.'),
    verifyCertificateSpki: stringList('An optional list of base64-encoded SHA-256 hashes of the SPKIs of authorized client certificates.'),
    verifyCertificateHash: stringList('An optional list of hex-encoded SHA-256 hashes of the authorized client certificates.'),
    minProtocolVersion: enumOf(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'], 'Optional: Minimum TLS protocol version.'),
    maxProtocolVersion: enumOf(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'], 'Optional: Maximum TLS protocol version.'),
    cipherSuites: stringList('Optional: If specified, only support the specified cipher list.'),
  },
  'Set of TLS related options that govern the server\'s behavior.',
);

const clientTls = obj(
  {
    mode: enumOf(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'], 'Indicates whether connections to this port should be secured using TLS.'),
    clientCertificate: str('REQUIRED if mode is `MUTUAL`. The path to the file holding the client-side TLS certificate to use.'),
    privateKey: str("REQUIRED if mode is `MUTUAL`. The path to the file holding the client's private key."),
    caCertificates: str('OPTIONAL: The path to the file containing certificate authority certificates to use in verifying a presented server certificate.'),
    credentialName: str('The name of the secret that holds the TLS certs for the client including the CA certificates.'),
    subjectAltNames: stringList('A list of alternate names to verify the subject identity in the certificate.'),
    sni: str('SNI string to present to the server during TLS handshake.'),
    insecureSkipVerify: boolValue('`insecureSkipVerify` specifies whether the proxy should skip verifying the CA signature and SAN for the server certificate.'),
    caCrl: str('OPTIONAL: The path to the file containing the certificate revocation list (CRL) to use in verifying a presented server certificate.'),
  },
  'SSL/TLS related settings for upstream connections.',
);

// ---- VirtualService ----

const httpMatchRequest = obj(
  {
    name: str('The name assigned to a match.'),
    uri: stringMatch('URI to match values are case-sensitive and formatted as follows: exact, prefix or regex.'),
    scheme: stringMatch('URI Scheme values are case-sensitive and formatted as follows: exact, prefix or regex.'),
    method: stringMatch('HTTP Method values are case-sensitive and formatted as follows: exact, prefix or regex.'),
    authority: stringMatch('HTTP Authority values are case-sensitive and formatted as follows: exact, prefix or regex.'),
    headers: map(stringMatch('Header value match.'), 'The header keys must be lowercase and use hyphen as the separator, e.g. _x-request-id_.'),
    port: uint32('Specifies the ports on the host that is being addressed.'),
    sourceLabels: labels('One or more labels that constrain the applicability of a rule to source (client) workloads with the given labels.'),
    gateways: stringList('Names of gateways where the rule should be applied.'),
    queryParams: map(stringMatch('Query parameter value match.'), 'Query parameters for matching.'),
    ignoreUriCase: bool('Flag to specify whether the URI matching should be case-insensitive.'),
    withoutHeaders: map(stringMatch('Header value match.'), 'withoutHeader has the same syntax with the header, but has opposite meaning.'),
    sourceNamespace: str('Source namespace constraining the applicability of a rule to workloads in that namespace.'),
    statPrefix: str('The human readable prefix to use when emitting statistics for this route.'),
  },
  'HttpMatchRequest specifies a set of criteria to be met in order for the rule to be applied to the HTTP request.',
);

const httpRouteDestination = obj(
  {
    destination: destination('Destination uniquely identifies the instances of a service to which the request/connection should be forwarded to.'),
    weight: int32('Weight specifies the relative proportion of traffic to be forwarded to the destination.'),
    headers,
  },
  { description: 'Each routing rule is associated with one or more service versions.', required: ['destination'] },
);

const routeDestination = obj(
  {
    destination: destination('Destination uniquely identifies the instances of a service to which the request/connection should be forwarded to.'),
    weight: int32('Weight specifies the relative proportion of traffic to be forwarded to the destination.'),
  },
  { description: 'L4 routing rule weighted destination.', required: ['destination'] },
);

const httpRedirect = obj(
  {
    uri: str('On a redirect, overwrite the Path portion of the URL with this value.'),
    authority: str('On a redirect, overwrite the Authority/Host portion of the URL with this value.'),
    port: uint32('On a redirect, overwrite the port portion of the URL with this value.'),
    derivePort: enumOf(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT'], 'On a redirect, dynamically set the port.'),
    scheme: str('On a redirect, overwrite the scheme portion of the URL with this value.'),
    redirectCode: uint32('On a redirect, Specifies the HTTP status code to use in the redirect response.'),
  },
  'HTTPRedirect can be used to send a 301 redirect response to the caller.',
);

const httpDirectResponse = obj(
  {
    status: uint32('Specifies the HTTP response status to be returned.'),
    body: obj(
      { string: str('response body as a string'), bytes: str('response body as base64 encoded bytes.') },
      'Specifies the content of the response body.',
    ),
  },
  { description: 'A Static HTTP response to be sent to clients.', required: ['status'] },
);

const httpRewrite = obj(
  {
    uri: str('rewrite the path (or the prefix) portion of the URI with this value.'),
    authority: str('rewrite the Authority/Host header with this value.'),
    uriRegexRewrite: obj(
      { match: str('RE2 style regex-based match.'), rewrite: str('The string that should replace into matching portions of original URI.') },
      'rewrite the path portion of the URI with the specified regex.',
    ),
  },
  'HTTPRewrite can be used to rewrite specific parts of a HTTP request before forwarding the request to the destination.',
);

const httpRetry = obj(
  {
    attempts: int32('Number of retries to be allowed for a given request.'),
    perTryTimeout: duration('Timeout per attempt for a given request, including the initial call and any retries.'),
    retryOn: str('Specifies the conditions under which retry takes place.'),
    retryRemoteLocalities: boolValue('Flag to specify whether the retries should retry to other localities.'),
    retryIgnorePreviousHosts: boolValue('Flag to specify whether the retries should ignore previously tried hosts during retry.'),
    backoff: duration('Specifies the minimum duration between retry attempts.'),
  },
  'Describes the retry policy to use when a HTTP request fails.',
);

const httpFaultInjection = obj(
  {
    delay: obj(
      {
        fixedDelay: duration('Add a fixed delay before forwarding the request.'),
        exponentialDelay: duration('Add an exponential delay before forwarding the request.'),
        percentage: percent,
        percent: int32('Percentage of requests on which the delay will be injected (0-100).'),
      },
      'Delay requests before forwarding, emulating various failures such as network issues, overloaded upstream service, etc.',
    ),
    abort: obj(
      {
        httpStatus: int32('HTTP status code to use to abort the Http request.'),
        grpcStatus: str('GRPC status code to use to abort the request.'),
        http2Error: str('HTTP/2 error to use to abort the request.'),
        percentage: percent,
      },
      'Abort Http request attempts and return error codes back to downstream service, giving the impression that the upstream service is faulty.',
    ),
  },
  'Fault injection policy to apply on HTTP traffic at the client side.',
);

const corsPolicy = obj(
  {
    allowOrigins: list(stringMatch('Origin match.'), 'String patterns that match allowed origins.'),
    allowOrigin: stringList('The list of origins that are allowed to perform CORS requests. Deprecated: use allowOrigins.'),
    allowMethods: stringList('List of HTTP methods allowed to access the resource.'),
    allowHeaders: stringList('List of HTTP headers that can be used when requesting the resource.'),
    exposeHeaders: stringList('A list of HTTP headers that the browsers are allowed to access.'),
    maxAge: duration('Specifies how long the results of a preflight request can be cached.'),
    allowCredentials: boolValue('Indicates whether the caller is allowed to send the actual request (not the preflight) using credentials.'),
    unmatchedPreflights: enumOf(['UNSPECIFIED', 'FORWARD', 'IGNORE'], 'Indicates whether preflight requests not matching the configured allowed origin shouldn\'t be forwarded to the upstream.'),
  },
  'Cross-Origin Resource Sharing policy (CORS).',
);

const httpMirrorPolicy = obj(
  {
    destination: destination('Destination specifies the target of the mirror operation.'),
    percentage: percent,
  },
  { description: 'HTTPMirrorPolicy can be used to specify the destinations to mirror HTTP traffic in addition to the original destination.', required: ['destination'] },
);

const httpRoute = obj(
  {
    name: str('The name assigned to the route for debugging purposes.'),
    match: list(httpMatchRequest, 'Match conditions to be satisfied for the rule to be activated.'),
    route: list(httpRouteDestination, 'A HTTP rule can either return a direct_response, redirect or forward (default) traffic.'),
    redirect: httpRedirect,
    directResponse: httpDirectResponse,
    delegate: obj(
      { name: str('Name specifies the name of the delegate VirtualService.'), namespace: str('Namespace specifies the namespace where the delegate VirtualService resides.') },
      'Delegate is used to specify the particular VirtualService which can be used to define delegate HTTPRoute.',
    ),
    rewrite: httpRewrite,
    timeout: duration('Timeout for HTTP requests, default is disabled.'),
    retries: httpRetry,
    fault: httpFaultInjection,
    mirror: destination('Mirror HTTP traffic to a another destination in addition to forwarding the requests to the intended destination.'),
    mirrors: list(httpMirrorPolicy, 'Specifies the destinations to mirror HTTP traffic in addition to the original destination.'),
    mirrorPercentage: percent,
    mirror_percent: uint32('Percentage of the traffic to be mirrored by the `mirror` field. Deprecated: use mirrorPercentage.'),
    mirrorPercent: uint32('Percentage of the traffic to be mirrored by the `mirror` field. Deprecated: use mirrorPercentage.'),
    corsPolicy,
    headers,
  },
  'Describes match conditions and actions for routing HTTP/1.1, HTTP2, and gRPC traffic.',
);

const tlsRoute = obj(
  {
    match: list(
      obj(
        {
          sniHosts: stringList('SNI (server name indicator) to match on.'),
          destinationSubnets: stringList('IPv4 or IPv6 ip addresses of destination with optional subnet.'),
          port: uint32('Specifies the port on the host that is being addressed.'),
          sourceLabels: labels('One or more labels that constrain the applicability of a rule to workloads with the given labels.'),
          gateways: stringList('Names of gateways where the rule should be applied.'),
          sourceNamespace: str('Source namespace constraining the applicability of a rule to workloads in that namespace.'),
        },
        { description: 'TLS connection match attributes.', required: ['sniHosts'] },
      ),
      'Match conditions to be satisfied for the rule to be activated.',
    ),
    route: list(routeDestination, 'The destination to which the connection should be forwarded to.'),
  },
  { description: 'Describes match conditions and actions for routing unterminated TLS traffic (TLS/HTTPS).', required: ['match'] },
);

const tcpRoute = obj(
  {
    match: list(
      obj(
        {
          destinationSubnets: stringList('IPv4 or IPv6 ip addresses of destination with optional subnet.'),
          port: uint32('Specifies the port on the host that is being addressed.'),
          sourceSubnet: str('Source subnet constraining the applicability of a rule.'),
          sourceLabels: labels('One or more labels that constrain the applicability of a rule to workloads with the given labels.'),
          gateways: stringList('Names of gateways where the rule should be applied.'),
          sourceNamespace: str('Source namespace constraining the applicability of a rule to workloads in that namespace.'),
        },
        'L4 connection match attributes.',
      ),
      'Match conditions to be satisfied for the rule to be activated.',
    ),
    route: list(routeDestination, 'The destination to which the connection should be forwarded to.'),
  },
  'Describes match conditions and actions for routing TCP traffic.',
);

const virtualServiceSpec = obj({
  hosts: stringList('The destination hosts to which traffic is being sent.'),
  gateways: stringList('The names of gateways and sidecars that should apply these routes.'),
  http: list(httpRoute, 'An ordered list of route rules for HTTP traffic.'),
  tls: list(tlsRoute, 'An ordered list of route rule for non-terminated TLS & HTTPS traffic.'),
  tcp: list(tcpRoute, 'An ordered list of route rules for opaque TCP traffic.'),
  exportTo: stringList('A list of namespaces to which this virtual service is exported.'),
});

// ---- DestinationRule ----

const loadBalancer = obj(
  {
    simple: enumOf(['UNSPECIFIED', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST', 'LEAST_CONN'], 'Standard load balancing algorithms that require no tuning.'),
    consistentHash: obj(
      {
        httpHeaderName: str('Hash based on a specific HTTP header.'),
        httpCookie: obj(
          {
            name: str('Name of the cookie.'),
            path: str('Path to set for the cookie.'),
            ttl: duration('Lifetime of the cookie.'),
            attributes: list(obj({ name: str('The name of the cookie attribute.'), value: str('The optional value of the cookie attribute.') }), 'Additional attributes for the cookie.'),
          },
          { description: 'Hash based on HTTP cookie.', required: ['name'] },
        ),
        useSourceIp: bool('Hash based on the source IP address.'),
        httpQueryParameterName: str('Hash based on a specific HTTP query parameter.'),
        ringHash: obj({ minimumRingSize: uint32('The minimum number of virtual nodes to use for the hash ring.') }, 'The ring/modulo hash load balancer implements consistent hashing to backend hosts.'),
        maglev: obj({ tableSize: uint32('The table size for Maglev hashing.') }, 'The Maglev load balancer implements consistent hashing to backend hosts.'),
        minimumRingSize: uint32('Deprecated. Use RingHash instead.'),
      },
      'Consistent Hash-based load balancing can be used to provide soft session affinity based on HTTP headers, cookies or other properties.',
    ),
    localityLbSetting: obj(
      {
        distribute: list(obj({ from: str('Originating locality, \'/\' separated.'), to: map(uint32(), 'Map of upstream localities to traffic distribution weights.') }), 'Optional: only one of distribute, failover or failoverPriority can be set.'),
        failover: list(obj({ from: str('Originating region.'), to: str('Destination region the traffic will fail over to when endpoints in the \'from\' region becomes unhealthy.') }), 'Optional: only one of distribute, failover or failoverPriority can be set.'),
        failoverPriority: stringList('failoverPriority is an ordered list of labels used to sort endpoints to do priority based load balancing.'),
        enabled: boolValue('Enable locality load balancing.'),
      },
      'Locality load balancer settings, this will override mesh wide settings in entirety.',
    ),
    warmupDurationSecs: duration('Deprecated: use `warmup` instead.'),
    warmup: obj(
      {
        duration: duration('Duration of warmup mode.'),
        minimumPercent: num('Minimum percentage of origin weight.'),
        aggression: num('This parameter controls the speed of traffic increase over the warmup duration.'),
      },
      { description: 'Represents the warmup configuration of Service.', required: ['duration'] },
    ),
  },
  'Settings controlling the load balancer algorithms.',
);

const connectionPool = obj(
  {
    tcp: obj(
      {
        maxConnections: int32('Maximum number of HTTP1 /TCP connections to a destination host.'),
        connectTimeout: duration('TCP connection timeout.'),
        tcpKeepalive: obj(
          { probes: uint32('Maximum number of keepalive probes to send without response before deciding the connection is dead.'), time: duration('The time duration a connection needs to be idle before keep-alive probes start being sent.'), interval: duration('The time duration between keep-alive probes.') },
          'If set then set SO_KEEPALIVE on the socket to enable TCP Keepalives.',
        ),
        maxConnectionDuration: duration('The maximum duration of a connection.'),
        idleTimeout: duration('The idle timeout for TCP connections.'),
      },
      'Settings common to both HTTP and TCP upstream connections.',
    ),
    http: obj(
      {
        http1MaxPendingRequests: int32('Maximum number of requests that will be queued while waiting for a ready connection pool connection.'),
        http2MaxRequests: int32('Maximum number of active requests to a destination.'),
        maxRequestsPerConnection: int32('Maximum number of requests per connection to a backend.'),
        maxRetries: int32('Maximum number of retries that can be outstanding to all hosts in a cluster at a given time.'),
        idleTimeout: duration('The idle timeout for upstream connection pool connections.'),
        h2UpgradePolicy: enumOf(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'], 'Specify if http1.1 connection should be upgraded to http2 for the associated destination.'),
        useClientProtocol: bool('If set to true, client protocol will be preserved while initiating connection to backend.'),
        maxConcurrentStreams: int32('The maximum number of concurrent streams allowed for a peer on one HTTP/2 connection.'),
      },
      'HTTP connection pool settings.',
    ),
  },
  'Settings controlling the volume of connections to an upstream service',
);

const outlierDetection = obj(
  {
    splitExternalLocalOriginErrors: bool('Determines whether to distinguish local origin failures from external errors.'),
    consecutiveLocalOriginFailures: uint32('The number of consecutive locally originated failures before ejection occurs.'),
    consecutiveGatewayErrors: uint32('Number of gateway errors before a host is ejected from the connection pool.'),
    consecutive5xxErrors: uint32('Number of 5xx errors before a host is ejected from the connection pool.'),
    interval: duration('Time interval between ejection sweep analysis.'),
    baseEjectionTime: duration('Minimum ejection duration.'),
    maxEjectionPercent: int32('Maximum % of hosts in the load balancing pool for the upstream service that can be ejected.'),
    minHealthPercent: int32('Outlier detection will be enabled as long as the associated load balancing pool has at least `minHealthPercent` hosts in healthy mode.'),
    consecutiveErrors: int32('Deprecated. Number of errors before a host is ejected from the connection pool.'),
  },
  'A Circuit breaker implementation that tracks the status of each individual host in the upstream service.',
);

const portTrafficPolicy = obj(
  {
    port: portSelector,
    loadBalancer,
    connectionPool,
    outlierDetection,
    tls: clientTls,
  },
  'Traffic policies that apply to specific ports of the service',
);

const trafficPolicy = obj(
  {
    loadBalancer,
    connectionPool,
    outlierDetection,
    tls: clientTls,
    portLevelSettings: list(portTrafficPolicy, 'Traffic policies specific to individual ports.'),
    tunnel: obj(
      {
        protocol: str('Specifies which protocol to use for tunneling the downstream connection: CONNECT or POST.'),
        targetHost: str('Specifies a host to which the downstream connection is tunneled.'),
        targetPort: uint32('Specifies a port to which the downstream connection is tunneled.'),
      },
      { description: 'Configuration of tunneling TCP over other transport or application layers for the host configured in the DestinationRule.', required: ['targetHost', 'targetPort'] },
    ),
    proxyProtocol: obj({ version: enumOf(['V1', 'V2'], 'The PROXY protocol version to use.') }, 'The upstream PROXY protocol settings.'),
  },
  'Traffic policies to apply (load balancing policy, connection pool sizes, outlier detection).',
);

const destinationRuleSpec = obj(
  {
    host: str('The name of a service from the service registry.'),
    trafficPolicy,
    subsets: list(
      obj(
        {
          name: str('Name of the subset.'),
          labels: labels('Labels apply a filter over the endpoints of a service in the service registry.'),
          trafficPolicy,
        },
        { description: 'A subset of endpoints of a service.', required: ['name'] },
      ),
      'One or more named sets that represent individual versions of a service.',
    ),
    exportTo: stringList('A list of namespaces to which this destination rule is exported.'),
    workloadSelector,
  },
  { required: ['host'] },
);

// ---- Gateway ----

const gatewaySpec = obj({
  servers: list(
    obj(
      {
        port,
        bind: str('The ip or the Unix domain socket to which the listener should be bound to.'),
        hosts: stringList('One or more hosts exposed by this gateway.'),
        tls: serverTls,
        defaultEndpoint: str('The loopback IP endpoint or Unix domain socket to which traffic should be forwarded to by default.'),
        name: str('An optional name of the server, when set must be unique across all servers.'),
      },
      { description: '`Server` describes the properties of the proxy on a given load balancer port.', required: ['port', 'hosts'] },
    ),
    'A list of server specifications.',
  ),
  selector: labels('One or more labels that indicate a specific set of pods/VMs on which this gateway configuration should be applied.'),
});

// ---- ServiceEntry ----

const workloadEntry = obj(
  {
    address: str('Address associated with the network endpoint without the port.'),
    ports: map(uint32(), 'Set of ports associated with the endpoint.'),
    labels: labels('One or more labels associated with the endpoint.'),
    network: str('Network enables Istio to group endpoints resident in the same L3 domain/network.'),
    locality: str('The locality associated with the endpoint.'),
    weight: uint32('The load balancing weight associated with the endpoint.'),
    serviceAccount: str('The service account associated with the workload if a sidecar is present in the workload.'),
  },
  'WorkloadEntry enables specifying the properties of a single non-Kubernetes workload such a VM or a bare metal services.',
);

const serviceEntrySpec = obj(
  {
    hosts: stringList('The hosts associated with the ServiceEntry.'),
    addresses: stringList('The virtual IP addresses associated with the service.'),
    ports: list(port, 'The ports associated with the external service.'),
    location: enumOf(['MESH_EXTERNAL', 'MESH_INTERNAL'], 'Specify whether the service should be considered external to the mesh or part of the mesh.'),
    resolution: enumOf(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'], 'Service resolution mode for the hosts.'),
    endpoints: list(workloadEntry, 'One or more endpoints associated with the service.'),
    workloadSelector: obj({ labels: labels('One or more labels that indicate a specific set of pods/VMs on which the configuration should be applied.') }, 'Applicable only for MESH_INTERNAL services.'),
    exportTo: stringList('A list of namespaces to which this service is exported.'),
    subjectAltNames: stringList('If specified, the proxy will verify that the server certificate\'s subject alternate name matches one of the specified values.'),
  },
  { required: ['hosts'] },
);

// ---- Sidecar ----

const sidecarPort = obj(
  {
    number: uint32('A valid non-negative integer port number.'),
    protocol: str('The protocol exposed on the port.'),
    name: str('Label assigned to the port.'),
    targetPort: uint32('Has no effect in the Sidecar context.'),
  },
  'Port describes the properties of a specific port of a service.',
);

const sidecarSpec = obj({
  workloadSelector: obj({ labels: labels('One or more labels that indicate a specific set of pods/VMs on which the configuration should be applied.') }, 'Criteria used to select the specific set of pods/VMs on which this `Sidecar` configuration should be applied.'),
  ingress: list(
    obj(
      {
        port: sidecarPort,
        bind: str('The IP(IPv4 or IPv6) to which the listener should be bound.'),
        captureMode: enumOf(['DEFAULT', 'IPTABLES', 'NONE'], 'The captureMode option dictates how traffic to the listener is expected to be captured (or not).'),
        defaultEndpoint: str('The IP endpoint or Unix domain socket to which traffic should be forwarded to.'),
        tls: serverTls,
        connectionPool,
      },
      { description: '`IstioIngressListener` specifies the properties of an inbound traffic listener on the sidecar proxy attached to a workload instance.', required: ['port'] },
    ),
    'Ingress specifies the configuration of the sidecar for processing inbound traffic to the attached workload instance.',
  ),
  egress: list(
    obj(
      {
        port: sidecarPort,
        bind: str('The IP(IPv4 or IPv6) or the Unix domain socket to which the listener should be bound to.'),
        captureMode: enumOf(['DEFAULT', 'IPTABLES', 'NONE'], 'When the bind address is an IP, the captureMode option dictates how traffic to the listener is expected to be captured (or not).'),
        hosts: stringList('One or more service hosts exposed by the listener in `namespace/dnsName` format.'),
      },
      { description: '`IstioEgressListener` specifies the properties of an outbound traffic listener on the sidecar proxy attached to a workload instance.', required: ['hosts'] },
    ),
    'Egress specifies the configuration of the sidecar for processing outbound traffic from the attached workload instance to other services in the mesh.',
  ),
  inboundConnectionPool: connectionPool,
  outboundTrafficPolicy: obj(
    {
      mode: enumOf(['REGISTRY_ONLY', 'ALLOW_ANY'], 'The mode of outbound traffic: REGISTRY_ONLY or ALLOW_ANY.'),
      egressProxy: destination('Specifies the details of the egress proxy to which unknown traffic should be forwarded to from the sidecar.'),
    },
    'Set the default behavior of the sidecar for handling outbound traffic from the application.',
  ),
});

const g = ISTIO_NETWORKING_GROUP;
const v = ISTIO_NETWORKING_VERSIONS;

export const ISTIO_NETWORKING_DEFINITIONS: Readonly<Record<string, Schema>> = {
  ...istioKind(g, v, 'VirtualService', 'Configuration affecting label/content routing, sni routing, etc.', virtualServiceSpec),
  ...istioKind(g, v, 'DestinationRule', 'Configuration affecting load balancing, outlier detection, etc.', destinationRuleSpec),
  ...istioKind(g, v, 'Gateway', 'Configuration affecting edge load balancer.', gatewaySpec),
  ...istioKind(g, v, 'ServiceEntry', 'Configuration affecting service registry.', serviceEntrySpec),
  ...istioKind(g, v, 'Sidecar', 'Configuration affecting network reachability of a sidecar.', sidecarSpec),
};
