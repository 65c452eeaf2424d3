// networking.istio.io validation: VirtualService, DestinationRule, Gateway, ServiceEntry and
// Sidecar, with the rules and messages of istio/istio pkg/config/validation. Istio reports a
// flat list of messages; here each is placed at the field it is about (spec.http[0].route[1]
// .weight), with Istio's text as the detail. Two deliberate differences from current Istio:
// a VirtualService needs hosts (delegate VirtualServices are not supported) and a route with
// several destinations needs weights adding up to 100, as Istio required before 1.20.
import type { KubeObject } from '../../../lib/api/object.js';
import { FieldPath, fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError } from '../../../lib/api/field-errors.js';
import { absent, emptyString, indexedRecords, list, num, quote, rec, str } from './json-access.js';
import type { JsonRecord } from './json-access.js';
import {
  hostsOverlap,
  isHTTPProtocol,
  isIPAddress,
  isIstioDNSLabel,
  isTLSProtocol,
  istioInvalid,
  parseProtocol,
  validateDuration,
  validateExportTo,
  validateFQDN,
  validateIPSubnet,
  validateIstioEnum,
  validateIstioPortName,
  validateIstioProtocol,
  validatePercent,
  validatePercentage,
  validatePort,
  validateRegex,
  validateStringMatchRegex,
  validateTagMap,
  validateWildcardDomain,
  validateWorkloadSelectorLabels,
} from './istio-common.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import type { ObjectMetaRules } from './object-meta.js';

/** Istio's kinds are custom resources: DNS-subdomain names, no Kubernetes finalizer rule. */
export const ISTIO_META: ObjectMetaRules = { namespaced: true, name: nameIsDNSSubdomain };

const SPEC = FieldPath.root('spec');
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'];
const RETRY_ON = [
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
];
const GRPC_STATUSES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];
const LB_SIMPLE = ['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST'];
const CLIENT_TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'];
const SERVER_TLS_MODES = ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'];
const SE_RESOLUTIONS = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN'];
const SE_LOCATIONS = ['MESH_EXTERNAL', 'MESH_INTERNAL'];
const OUTBOUND_MODES = ['REGISTRY_ONLY', 'ALLOW_ANY'];
const UNIX_PREFIX = 'unix://';

function namespaceOf(obj: KubeObject): string {
  return str(rec(obj.metadata)?.namespace);
}

function durationAt(v: unknown, path: FieldPath): FieldError[] {
  return absent(v) ? [] : istioInvalid(path, v, validateDuration(v));
}

function tagsAt(v: unknown, path: FieldPath): FieldError[] {
  return validateTagMap(v).map((msg) => fieldErrors.invalid(path, v, msg));
}

function nonNegative(v: unknown, path: FieldPath, msg: string): FieldError[] {
  const n = num(v);
  return n !== undefined && n < 0 ? [fieldErrors.invalid(path, n, msg)] : [];
}

// ---- shared pieces ----

function validateSubsetName(name: string, path: FieldPath): FieldError[] {
  if (name === '') return [fieldErrors.invalid(path, name, 'subset name cannot be empty')];
  return isIstioDNSLabel(name) ? [] : [fieldErrors.invalid(path, name, `subset name is invalid: ${name}`)];
}

function validatePortSelector(v: unknown, path: FieldPath): FieldError[] {
  const sel = rec(v);
  if (!sel) return [];
  const n = num(sel.number) ?? 0;
  return istioInvalid(path.child('number'), n, validatePort(n));
}

/** validateDestination. */
function validateDestination(v: unknown, path: FieldPath): FieldError[] {
  const dest = rec(v);
  if (!dest) return [];
  const errs: FieldError[] = [];
  const host = str(dest.host);
  if (host === '*') errs.push(fieldErrors.invalid(path.child('host'), host, `invalid destination host ${host}`));
  else errs.push(...istioInvalid(path.child('host'), host, validateWildcardDomain(host)));
  if (!emptyString(dest.subset)) errs.push(...validateSubsetName(str(dest.subset), path.child('subset')));
  errs.push(...validatePortSelector(dest.port, path.child('port')));
  return errs;
}

/** validateHTTPRouteDestinations / validateRouteDestinations, with the weights summing to 100. */
function validateRouteDestinations(routes: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  list(routes).forEach((r, i) => {
    const p = path.index(i);
    const route = rec(r);
    if (!route) {
      errs.push(fieldErrors.invalid(p, r ?? null, 'weight may not be nil'));
      return;
    }
    if (absent(route.destination)) errs.push(fieldErrors.required(p.child('destination'), 'destination is required'));
    errs.push(...validateDestination(route.destination, p.child('destination')));
    const weight = num(route.weight) ?? 0;
    errs.push(...istioInvalid(p.child('weight'), weight, validatePercent(weight)));
    total += weight;
  });
  if (list(routes).length > 1 && total !== 100) errs.push(fieldErrors.invalid(path, total, `total destination weight ${total} != 100`));
  return errs;
}

/** validateGatewayNames: "name", "namespace/name" or a legacy FQDN. */
function validateGatewayNames(v: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(v).forEach((g, i) => {
    if (typeof g !== 'string') return;
    const p = path.index(i);
    const slash = g.indexOf('/');
    if (slash < 0) {
      errs.push(...istioInvalid(p, g, validateFQDN(g)));
      return;
    }
    const ns = g.slice(0, slash);
    const name = g.slice(slash + 1);
    if (ns === '' || name === '') errs.push(fieldErrors.invalid(p, g, 'config namespace and gateway name cannot be empty'));
    if (!isIstioDNSLabel(ns)) errs.push(fieldErrors.invalid(p, g, `invalid value for namespace: ${quote(ns)}`));
    if (!isIstioDNSLabel(name)) errs.push(fieldErrors.invalid(p, g, `invalid value for gateway name: ${quote(name)}`));
  });
  return errs;
}

function validateHeaderName(name: string, path: FieldPath): FieldError[] {
  if (name === '') return [fieldErrors.invalid(path, name, 'header name cannot be empty')];
  return /^[-_A-Za-z0-9]+$/.test(name) ? [] : [fieldErrors.invalid(path, name, `header name ${name} is not a valid header name`)];
}

/** Header operations: names may not be pseudo-headers (":x") and removals may not touch Host. */
function validateHeaderOperations(v: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const headers = rec(v);
  if (!headers) return errs;
  for (const side of ['request', 'response'] as const) {
    const ops = rec(headers[side]);
    if (!ops) continue;
    const sp = path.child(side);
    for (const op of ['add', 'set'] as const) {
      for (const name of Object.keys(rec(ops[op]) ?? {})) {
        const p = sp.child(op).key(name);
        if (name === '') errs.push(fieldErrors.invalid(p, name, 'header name cannot be empty'));
        else if (side === 'response' && name.toLowerCase() === 'host') errs.push(fieldErrors.invalid(p, name, `invalid header ${quote(name)}: cannot set Host header`));
        else if (name.startsWith(':') && (side === 'response' || name.toLowerCase() !== ':authority')) {
          errs.push(fieldErrors.invalid(p, name, `invalid header ${quote(name)}: header cannot have ":" prefix`));
        }
      }
    }
    list(ops.remove).forEach((name, i) => {
      if (typeof name !== 'string') return;
      const p = sp.child('remove').index(i);
      if (name === '') errs.push(fieldErrors.invalid(p, name, 'header name cannot be empty'));
      else if (name.toLowerCase() === 'host') errs.push(fieldErrors.invalid(p, name, `invalid header ${quote(name)}: cannot set Host header`));
      else if (name.startsWith(':')) errs.push(fieldErrors.invalid(p, name, `invalid header ${quote(name)}: header cannot have ":" prefix`));
    });
  }
  return errs;
}

// ---- VirtualService ----

function validateHTTPMatch(match: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, header] of Object.entries(rec(match.headers) ?? {})) {
    const hp = path.child('headers').key(name);
    if (absent(header)) errs.push(fieldErrors.invalid(hp, null, `header match ${name} cannot be null`));
    errs.push(...validateHeaderName(name, hp));
    errs.push(...validateStringMatchRegex(header, 'headers', hp));
  }
  for (const [name, header] of Object.entries(rec(match.withoutHeaders) ?? {})) {
    errs.push(...validateStringMatchRegex(header, 'withoutHeaders', path.child('withoutHeaders').key(name)));
  }
  for (const field of ['uri', 'scheme', 'method', 'authority'] as const) errs.push(...validateStringMatchRegex(match[field], field, path.child(field)));
  for (const [name, qp] of Object.entries(rec(match.queryParams) ?? {})) {
    errs.push(...validateStringMatchRegex(qp, 'queryParams', path.child('queryParams').key(name)));
  }
  const port = num(match.port) ?? 0;
  if (port !== 0) errs.push(...istioInvalid(path.child('port'), port, validatePort(port)));
  errs.push(...tagsAt(match.sourceLabels, path.child('sourceLabels')));
  errs.push(...validateGatewayNames(match.gateways, path.child('gateways')));
  const sourceNamespace = str(match.sourceNamespace);
  if (sourceNamespace !== '' && !isIstioDNSLabel(sourceNamespace)) {
    errs.push(fieldErrors.invalid(path.child('sourceNamespace'), sourceNamespace, `sourceNamespace match ${sourceNamespace} is invalid`));
  }
  return errs;
}

function validateHTTPFault(v: unknown, path: FieldPath): FieldError[] {
  const fault = rec(v);
  if (!fault) return [];
  const errs: FieldError[] = [];
  const abort = rec(fault.abort);
  const delay = rec(fault.delay);
  if (!abort && !delay) errs.push(fieldErrors.invalid(path, fault, 'HTTP fault injection must have an abort and/or a delay'));
  for (const [name, part] of [['abort', abort], ['delay', delay]] as const) {
    if (!part) continue;
    const p = path.child(name);
    const pct = rec(part.percentage);
    if (pct) errs.push(...istioInvalid(p.child('percentage', 'value'), pct.value, validatePercentage(num(pct.value) ?? 0)));
    if (!absent(part.percent)) errs.push(...istioInvalid(p.child('percent'), part.percent, validatePercent(num(part.percent) ?? 0)));
  }
  if (abort) {
    const p = path.child('abort');
    if (!absent(abort.httpStatus)) {
      const status = num(abort.httpStatus) ?? 0;
      if (status < 200 || status > 600) errs.push(fieldErrors.invalid(p.child('httpStatus'), status, `HTTP status ${status} is not in range 200-599`));
    } else if (!absent(abort.grpcStatus)) {
      const status = str(abort.grpcStatus);
      if (!GRPC_STATUSES.includes(status)) {
        errs.push(
          fieldErrors.invalid(
            p.child('grpcStatus'),
            status,
            `gRPC status ${quote(status)} is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`,
          ),
        );
      }
    } else if (!absent(abort.http2Error)) {
      errs.push(fieldErrors.invalid(p.child('http2Error'), abort.http2Error, 'HTTP/2 abort fault injection not supported yet'));
    }
  }
  if (delay) {
    const p = path.child('delay');
    errs.push(...durationAt(delay.fixedDelay, p.child('fixedDelay')));
    if (!absent(delay.exponentialDelay)) {
      errs.push(...durationAt(delay.exponentialDelay, p.child('exponentialDelay')));
      errs.push(fieldErrors.invalid(p.child('exponentialDelay'), delay.exponentialDelay, 'exponentialDelay not supported yet'));
    }
  }
  return errs;
}

function validateHTTPRetry(v: unknown, path: FieldPath): FieldError[] {
  const retries = rec(v);
  if (!retries) return [];
  const errs: FieldError[] = [];
  const attempts = num(retries.attempts) ?? 0;
  if (attempts < 0) errs.push(fieldErrors.invalid(path.child('attempts'), attempts, 'attempts cannot be negative'));
  if (attempts === 0 && (!absent(retries.perTryTimeout) || !emptyString(retries.retryOn) || !absent(retries.retryRemoteLocalities))) {
    errs.push(fieldErrors.invalid(path.child('attempts'), attempts, 'http retry policy configured when attempts are set to 0 (disabled)'));
  }
  errs.push(...durationAt(retries.perTryTimeout, path.child('perTryTimeout')));
  const retryOn = str(retries.retryOn);
  if (retryOn !== '') {
    for (const policy of retryOn.split(',')) {
      const code = /^[0-9]+$/.test(policy) ? Number(policy) : NaN;
      const isStatus = code >= 100 && code <= 599;
      if (!isStatus && !RETRY_ON.includes(policy)) errs.push(fieldErrors.invalid(path.child('retryOn'), retryOn, `${quote(policy)} is not a valid retryOn policy`));
    }
  }
  return errs;
}

function validateHTTPRedirect(redirect: JsonRecord, path: FieldPath): FieldError[] {
  if (emptyString(redirect.uri) && emptyString(redirect.authority) && absent(redirect.port) && absent(redirect.derivePort) && emptyString(redirect.scheme)) {
    return [fieldErrors.invalid(path, redirect, 'redirect must specify URI, authority, scheme, or port')];
  }
  const code = num(redirect.redirectCode) ?? 0;
  if (code !== 0 && (code < 300 || code > 399)) return [fieldErrors.invalid(path.child('redirectCode'), code, `${code} is not a valid redirect code, must be 3xx`)];
  const scheme = str(redirect.scheme);
  if (scheme !== '' && scheme !== 'http' && scheme !== 'https') return [fieldErrors.invalid(path.child('scheme'), scheme, 'invalid redirect scheme, must be "http" or "https"')];
  const port = num(redirect.port) ?? 0;
  if (port > 0) return istioInvalid(path.child('port'), port, validatePort(port));
  return [];
}

function validateHTTPRewrite(rewrite: JsonRecord, path: FieldPath): FieldError[] {
  const regexRewrite = rec(rewrite.uriRegexRewrite);
  if (!emptyString(rewrite.uri) && regexRewrite) return [fieldErrors.invalid(path, rewrite, 'rewrite may only contain one of URI or UriRegexRewrite')];
  if (emptyString(rewrite.uri) && !regexRewrite && emptyString(rewrite.authority)) {
    return [fieldErrors.invalid(path, rewrite, 'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified')];
  }
  if (regexRewrite) {
    const rp = path.child('uriRegexRewrite');
    if (emptyString(regexRewrite.match) || emptyString(regexRewrite.rewrite)) {
      return [fieldErrors.invalid(rp, regexRewrite, 'UriRegexRewrite has errors\nUriRegexRewrite requires both Rewrite and Match fields to be specified')];
    }
    const msg = validateRegex(str(regexRewrite.match), 'HTTPRewrite.UriRegexRewrite.Match');
    if (msg !== undefined) return [fieldErrors.invalid(rp.child('match'), regexRewrite.match, `UriRegexRewrite has errors\n${msg}`)];
  }
  return [];
}

function validateCorsPolicy(v: unknown, path: FieldPath): FieldError[] {
  const cors = rec(v);
  if (!cors) return [];
  const errs: FieldError[] = [];
  indexedRecords(cors.allowOrigins).forEach(([i, origin]) => {
    const p = path.child('allowOrigins').index(i);
    const value = str(origin.exact) || str(origin.prefix) || str(origin.regex);
    if (value === '') errs.push(fieldErrors.invalid(p, origin, "'' is not a valid match type for CORS allow origins"));
    else errs.push(...validateStringMatchRegex(origin, 'corsPolicy.allowOrigins', p));
  });
  list(cors.allowMethods).forEach((m, i) => {
    if (typeof m === 'string' && !HTTP_METHODS.includes(m)) errs.push(fieldErrors.invalid(path.child('allowMethods').index(i), m, `${quote(m)} is not a supported HTTP method`));
  });
  for (const field of ['allowHeaders', 'exposeHeaders'] as const) {
    list(cors[field]).forEach((h, i) => {
      if (typeof h === 'string' && h !== '*') errs.push(...validateHeaderName(h, path.child(field).index(i)));
    });
  }
  errs.push(...durationAt(cors.maxAge, path.child('maxAge')));
  return errs;
}

/** validateHTTPRoute (for a route of a VirtualService with hosts, i.e. not a delegate). */
function validateHTTPRoute(http: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const hasRoute = list(http.route).length > 0;
  const redirect = rec(http.redirect);
  const direct = rec(http.directResponse);
  const conflict = (msg: string): void => {
    errs.push(fieldErrors.invalid(path, http.name ?? '', msg));
  };
  if (redirect) {
    if (hasRoute) conflict('HTTP route cannot contain both route and redirect');
    if (!absent(http.fault)) conflict('HTTP route cannot contain both fault and redirect');
    if (!absent(http.rewrite)) conflict('HTTP route rule cannot contain both rewrite and redirect');
    if (direct) conflict('HTTP route rule cannot contain both direct_response and redirect');
  } else if (direct) {
    if (hasRoute) conflict('HTTP route cannot contain both route and direct_response');
    if (!absent(http.fault)) conflict('HTTP route cannot contain both fault and direct_response');
    if (!absent(http.rewrite)) conflict('HTTP route rule cannot contain both rewrite and direct_response');
  } else if (!hasRoute) {
    errs.push(fieldErrors.required(path.child('route'), 'HTTP route, redirect or direct_response is required'));
  }
  if (!absent(http.mirror) && list(http.mirrors).length > 0) conflict('HTTP route cannot contain both mirror and mirrors');
  for (const [i, match] of indexedRecords(http.match)) errs.push(...validateHTTPMatch(match, path.child('match').index(i)));
  errs.push(...validateHeaderOperations(http.headers, path.child('headers')));
  errs.push(...validateCorsPolicy(http.corsPolicy, path.child('corsPolicy')));
  errs.push(...validateHTTPFault(http.fault, path.child('fault')));
  const mirrorPercentage = rec(http.mirrorPercentage);
  if (mirrorPercentage) {
    const value = num(mirrorPercentage.value) ?? 0;
    const p = path.child('mirrorPercentage', 'value');
    if (value > 100) errs.push(fieldErrors.invalid(p, value, `mirror_percentage must have a max value of 100 (it has ${value.toFixed(6)})`));
    if (value < 0) errs.push(fieldErrors.invalid(p, value, `mirror_percentage must have a min value of 0 (it has ${value.toFixed(6)})`));
  }
  errs.push(...validateDestination(http.mirror, path.child('mirror')));
  for (const [i, mirror] of indexedRecords(http.mirrors)) {
    const p = path.child('mirrors').index(i);
    if (absent(mirror.destination)) errs.push(fieldErrors.required(p.child('destination'), 'destination is required for mirrors'));
    else errs.push(...validateDestination(mirror.destination, p.child('destination')));
  }
  if (redirect) errs.push(...validateHTTPRedirect(redirect, path.child('redirect')));
  if (direct) {
    const status = num(direct.status) ?? 0;
    if (status < 200 || status > 600) errs.push(fieldErrors.invalid(path.child('directResponse', 'status'), status, `HTTP status ${status} is not in range 200-599`));
  }
  errs.push(...validateHTTPRetry(http.retries, path.child('retries')));
  const rewrite = rec(http.rewrite);
  if (rewrite) errs.push(...validateHTTPRewrite(rewrite, path.child('rewrite')));
  for (const [i, route] of indexedRecords(http.route)) errs.push(...validateHeaderOperations(route.headers, path.child('route').index(i).child('headers')));
  errs.push(...validateRouteDestinations(http.route, path.child('route')));
  errs.push(...durationAt(http.timeout, path.child('timeout')));
  return errs;
}

function validateL4Match(match: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  list(match.destinationSubnets).forEach((s, i) => {
    if (typeof s === 'string') errs.push(...istioInvalid(path.child('destinationSubnets').index(i), s, validateIPSubnet(s)));
  });
  const port = num(match.port) ?? 0;
  if (port !== 0) errs.push(...istioInvalid(path.child('port'), port, validatePort(port)));
  errs.push(...tagsAt(match.sourceLabels, path.child('sourceLabels')));
  errs.push(...validateGatewayNames(match.gateways, path.child('gateways')));
  return errs;
}

function hostCovered(sni: string, hosts: readonly string[]): boolean {
  // host.Name.SubsetOf: sni is within one of the hosts (a wildcard host covers its subdomains).
  return hosts.some((h) => h === sni || (h.startsWith('*') && sni.endsWith(h.slice(1))));
}

export function validateVirtualService(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, ISTIO_META);
  const spec = rec(obj.spec) ?? {};
  const hosts = list(spec.hosts);
  const hostStrings = hosts.filter((h): h is string => typeof h === 'string');
  if (hosts.length === 0) errs.push(fieldErrors.required(SPEC.child('hosts'), 'virtual service must have at least one host'));
  const gateways = list(spec.gateways);
  errs.push(...validateGatewayNames(spec.gateways, SPEC.child('gateways')));
  const appliesToMesh = gateways.length === 0 || gateways.includes('mesh');
  let allHostsValid = true;
  hosts.forEach((h, i) => {
    if (typeof h !== 'string') return;
    const p = SPEC.child('hosts').index(i);
    const msg = validateWildcardDomain(h);
    if (msg !== undefined) {
      if (!isIPAddress(h)) {
        errs.push(fieldErrors.invalid(p, h, msg));
        allHostsValid = false;
      }
    } else if (appliesToMesh && h === '*') {
      errs.push(fieldErrors.invalid(p, h, 'wildcard host * is not allowed for virtual services bound to the mesh gateway'));
      allHostsValid = false;
    }
  });
  if (allHostsValid) {
    hostStrings.forEach((a, i) => {
      hostStrings.slice(i + 1).forEach((b, k) => {
        if (hostsOverlap(a, b)) errs.push(fieldErrors.invalid(SPEC.child('hosts').index(i + 1 + k), b, `duplicate hosts in virtual service: ${a} & ${b}`));
      });
    });
  }
  if (list(spec.http).length === 0 && list(spec.tcp).length === 0 && list(spec.tls).length === 0) {
    errs.push(fieldErrors.required(SPEC.child('http'), 'http, tcp or tls must be provided in virtual service'));
  }
  list(spec.http).forEach((h, i) => {
    const p = SPEC.child('http').index(i);
    const http = rec(h);
    if (!http) errs.push(fieldErrors.invalid(p, h ?? null, 'http route may not be null'));
    else errs.push(...validateHTTPRoute(http, p));
  });
  for (const [i, tls] of indexedRecords(spec.tls)) {
    const p = SPEC.child('tls').index(i);
    const matches = indexedRecords(tls.match);
    if (matches.length === 0) errs.push(fieldErrors.required(p.child('match'), 'TLS route must have at least one match condition'));
    for (const [j, match] of matches) {
      const mp = p.child('match').index(j);
      const snis = list(match.sniHosts);
      if (snis.length === 0) errs.push(fieldErrors.required(mp.child('sniHosts'), 'TLS match must have at least one SNI host'));
      snis.forEach((s, k) => {
        if (typeof s !== 'string') return;
        const sp = mp.child('sniHosts').index(k);
        const msg = validateWildcardDomain(s);
        if (msg !== undefined) {
          if (!isIPAddress(s)) errs.push(fieldErrors.invalid(sp, s, msg));
        } else if (!hostCovered(s, hostStrings)) {
          errs.push(fieldErrors.invalid(sp, s, `SNI host ${quote(s)} is not a compatible subset of any of the virtual service hosts: [${hostStrings.join(', ')}]`));
        }
      });
      errs.push(...validateL4Match(match, mp));
    }
    if (list(tls.route).length === 0) errs.push(fieldErrors.required(p.child('route'), 'TLS route is required'));
    errs.push(...validateRouteDestinations(tls.route, p.child('route')));
  }
  for (const [i, tcp] of indexedRecords(spec.tcp)) {
    const p = SPEC.child('tcp').index(i);
    for (const [j, match] of indexedRecords(tcp.match)) errs.push(...validateL4Match(match, p.child('match').index(j)));
    if (list(tcp.route).length === 0) errs.push(fieldErrors.required(p.child('route'), 'TCP route is required'));
    errs.push(...validateRouteDestinations(tcp.route, p.child('route')));
  }
  errs.push(...validateExportTo(spec.exportTo, namespaceOf(obj), false, SPEC.child('exportTo')));
  return errs;
}

// ---- DestinationRule ----

function validateOutlierDetection(v: unknown, path: FieldPath): FieldError[] {
  const od = rec(v);
  if (!od) return [];
  const errs: FieldError[] = [];
  errs.push(...durationAt(od.baseEjectionTime, path.child('baseEjectionTime')));
  errs.push(...durationAt(od.interval, path.child('interval')));
  for (const field of ['consecutiveErrors', 'consecutive5xxErrors', 'consecutiveGatewayErrors', 'consecutiveLocalOriginFailures'] as const) {
    const n = num(od[field]);
    if (n !== undefined && n < 0) errs.push(fieldErrors.invalid(path.child(field), n, `invalid value for uint32 type: ${n}`));
  }
  if (od.splitExternalLocalOriginErrors !== true && (num(od.consecutiveLocalOriginFailures) ?? 0) > 0) {
    errs.push(
      fieldErrors.invalid(
        path.child('consecutiveLocalOriginFailures'),
        od.consecutiveLocalOriginFailures,
        'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false',
      ),
    );
  }
  for (const field of ['maxEjectionPercent', 'minHealthPercent'] as const) {
    if (!absent(od[field])) errs.push(...istioInvalid(path.child(field), od[field], validatePercent(num(od[field]) ?? 0)));
  }
  return errs;
}

function validateConnectionPool(v: unknown, path: FieldPath): FieldError[] {
  const pool = rec(v);
  if (!pool) return [];
  const http = rec(pool.http);
  const tcp = rec(pool.tcp);
  if (!http && !tcp) return [fieldErrors.invalid(path, pool, 'connection pool must have at least one field')];
  const errs: FieldError[] = [];
  if (http) {
    const p = path.child('http');
    errs.push(...nonNegative(http.http1MaxPendingRequests, p.child('http1MaxPendingRequests'), 'http1 max pending requests must be non-negative'));
    errs.push(...nonNegative(http.http2MaxRequests, p.child('http2MaxRequests'), 'http2 max requests must be non-negative'));
    errs.push(...nonNegative(http.maxRequestsPerConnection, p.child('maxRequestsPerConnection'), 'max requests per connection must be non-negative'));
    errs.push(...nonNegative(http.maxRetries, p.child('maxRetries'), 'max retries must be non-negative'));
    errs.push(...nonNegative(http.maxConcurrentStreams, p.child('maxConcurrentStreams'), 'max concurrent streams must be non-negative'));
    errs.push(...durationAt(http.idleTimeout, p.child('idleTimeout')));
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol === true) {
      errs.push(fieldErrors.invalid(p.child('useClientProtocol'), true, 'use client protocol must not be true when H2UpgradePolicy is UPGRADE'));
    }
  }
  if (tcp) {
    const p = path.child('tcp');
    errs.push(...nonNegative(tcp.maxConnections, p.child('maxConnections'), 'max connections must be non-negative'));
    for (const field of ['connectTimeout', 'maxConnectionDuration', 'idleTimeout'] as const) errs.push(...durationAt(tcp[field], p.child(field)));
    const ka = rec(tcp.tcpKeepalive);
    if (ka) {
      errs.push(...durationAt(ka.time, p.child('tcpKeepalive', 'time')));
      errs.push(...durationAt(ka.interval, p.child('tcpKeepalive', 'interval')));
    }
  }
  return errs;
}

function validateLoadBalancer(v: unknown, path: FieldPath): FieldError[] {
  const lb = rec(v);
  if (!lb) return [];
  const errs = validateIstioEnum(lb.simple, LB_SIMPLE, path.child('simple'));
  const hash = rec(lb.consistentHash);
  const cookie = rec(hash?.httpCookie);
  if (cookie && emptyString(cookie.name)) errs.push(fieldErrors.invalid(path.child('consistentHash', 'httpCookie', 'name'), '', 'name required for HttpCookie'));
  errs.push(...durationAt(lb.warmupDurationSecs, path.child('warmupDurationSecs')));
  return errs;
}

/** agent.ValidateTLS: a client (DestinationRule) TLS setting. */
function validateClientTLS(v: unknown, path: FieldPath): FieldError[] {
  const tls = rec(v);
  if (!tls) return [];
  const errs = validateIstioEnum(tls.mode, CLIENT_TLS_MODES, path.child('mode'));
  const mode = str(tls.mode);
  const set = (f: string): boolean => !emptyString(tls[f]);
  if (tls.insecureSkipVerify === true) {
    if (mode === 'SIMPLE' && (set('caCertificates') || set('credentialName') || !absent(tls.subjectAltNames))) {
      errs.push(fieldErrors.invalid(path, tls, 'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true'));
    }
    if (mode === 'MUTUAL' && (set('caCertificates') || !absent(tls.subjectAltNames))) {
      errs.push(fieldErrors.invalid(path, tls, 'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true'));
    }
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL') && set('credentialName')) {
    if (set('clientCertificate') || set('caCertificates') || set('privateKey') || set('caCrl')) {
      errs.push(fieldErrors.invalid(path, tls, 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set'));
    }
    return errs;
  }
  if (mode === 'MUTUAL') {
    if (!set('clientCertificate')) errs.push(fieldErrors.required(path.child('clientCertificate'), 'client certificate required for mutual tls'));
    if (!set('privateKey')) errs.push(fieldErrors.required(path.child('privateKey'), 'private key required for mutual tls'));
  }
  return errs;
}

function validateTrafficPolicy(v: unknown, path: FieldPath): FieldError[] {
  const tp = rec(v);
  if (!tp) return [];
  const fields = ['outlierDetection', 'connectionPool', 'loadBalancer', 'tls', 'portLevelSettings', 'tunnel', 'proxyProtocol'];
  if (fields.every((f) => absent(tp[f]))) return [fieldErrors.invalid(path, tp, 'traffic policy must have at least one field')];
  if (!absent(tp.tunnel) && !absent(tp.proxyProtocol)) return [fieldErrors.invalid(path, tp, 'tunnel and proxyProtocol must not be set together')];
  const errs = [
    ...validateOutlierDetection(tp.outlierDetection, path.child('outlierDetection')),
    ...validateConnectionPool(tp.connectionPool, path.child('connectionPool')),
    ...validateLoadBalancer(tp.loadBalancer, path.child('loadBalancer')),
    ...validateClientTLS(tp.tls, path.child('tls')),
  ];
  list(tp.portLevelSettings).forEach((s, i) => {
    const p = path.child('portLevelSettings').index(i);
    const pls = rec(s);
    if (!pls) {
      errs.push(fieldErrors.invalid(p, s ?? null, 'traffic policy may not be null'));
      return;
    }
    if (absent(pls.port)) errs.push(fieldErrors.required(p.child('port'), 'portTrafficPolicy must have valid port'));
    else errs.push(...validatePortSelector(pls.port, p.child('port')));
    if (['outlierDetection', 'connectionPool', 'loadBalancer', 'tls'].every((f) => absent(pls[f]))) {
      errs.push(fieldErrors.invalid(p, pls, 'port traffic policy must have at least one field'));
    } else {
      errs.push(
        ...validateOutlierDetection(pls.outlierDetection, p.child('outlierDetection')),
        ...validateConnectionPool(pls.connectionPool, p.child('connectionPool')),
        ...validateLoadBalancer(pls.loadBalancer, p.child('loadBalancer')),
        ...validateClientTLS(pls.tls, p.child('tls')),
      );
    }
  });
  return errs;
}

export function workloadSelectorAt(selector: unknown, labelsField: string, path: FieldPath): FieldError[] {
  const s = rec(selector);
  if (!s) return [];
  return validateWorkloadSelectorLabels(s[labelsField]).map((msg) => fieldErrors.invalid(path.child(labelsField), s[labelsField], msg));
}

export function validateDestinationRule(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, ISTIO_META);
  const spec = rec(obj.spec) ?? {};
  const host = str(spec.host);
  if (host === '') errs.push(fieldErrors.required(SPEC.child('host'), 'empty domain name not allowed'));
  else errs.push(...istioInvalid(SPEC.child('host'), host, validateWildcardDomain(host)));
  errs.push(...validateTrafficPolicy(spec.trafficPolicy, SPEC.child('trafficPolicy')));
  const names = new Set<string>();
  list(spec.subsets).forEach((s, i) => {
    const p = SPEC.child('subsets').index(i);
    const subset = rec(s);
    if (!subset) {
      errs.push(fieldErrors.invalid(p, s ?? null, 'subset may not be null'));
      return;
    }
    const name = str(subset.name);
    if (names.has(name)) errs.push(fieldErrors.invalid(p.child('name'), name, `duplicate subset names: ${name}`));
    names.add(name);
    errs.push(...validateSubsetName(name, p.child('name')));
    errs.push(...tagsAt(subset.labels, p.child('labels')));
    errs.push(...validateTrafficPolicy(subset.trafficPolicy, p.child('trafficPolicy')));
  });
  errs.push(...validateExportTo(spec.exportTo, namespaceOf(obj), false, SPEC.child('exportTo')));
  errs.push(...workloadSelectorAt(spec.workloadSelector, 'matchLabels', SPEC.child('workloadSelector')));
  return errs;
}

// ---- Gateway ----

function validateNamespaceSlashHost(hostname: string, isGateway: boolean, path: FieldPath): FieldError[] {
  const part = (h: string): FieldError[] => {
    const errs: FieldError[] = [];
    if (h !== '*' && !h.includes('.')) errs.push(fieldErrors.invalid(path, hostname, 'short names (non FQDN) are not allowed'));
    const msg = validateWildcardDomain(h);
    if (msg !== undefined && !(isGateway && isIPAddress(h))) errs.push(fieldErrors.invalid(path, hostname, msg));
    if (h.includes('*') && h.length !== 1 && !h.startsWith('*.')) errs.push(fieldErrors.invalid(path, hostname, `partial wildcard ${quote(h)} not allowed`));
    return errs;
  };
  const slash = hostname.indexOf('/');
  if (slash < 0) return isGateway ? part(hostname) : [fieldErrors.invalid(path, hostname, 'host must be of form namespace/dnsName')];
  const ns = hostname.slice(0, slash);
  const host = hostname.slice(slash + 1);
  const errs: FieldError[] = [];
  if (ns === '' || host === '') errs.push(fieldErrors.invalid(path, hostname, 'config namespace and dnsName in host entry cannot be empty'));
  const allowed = isGateway ? ['*', '.'] : ['*', '.', '~'];
  if (!allowed.includes(ns) && !isIstioDNSLabel(ns)) {
    errs.push(fieldErrors.invalid(path, hostname, `invalid namespace value ${quote(ns)} in ${isGateway ? 'gateway' : 'sidecar'}`));
  }
  errs.push(...part(host));
  return errs;
}

function validateServerTLS(tls: JsonRecord, path: FieldPath): FieldError[] {
  const errs = validateIstioEnum(tls.mode, SERVER_TLS_MODES, path.child('mode'));
  const mode = str(tls.mode) || 'PASSTHROUGH';
  const set = (f: string): boolean => !emptyString(tls[f]);
  if (mode === 'ISTIO_MUTUAL') {
    if (set('serverCertificate')) errs.push(fieldErrors.invalid(path.child('serverCertificate'), tls.serverCertificate, 'ISTIO_MUTUAL TLS cannot have associated server certificate'));
    if (set('privateKey')) errs.push(fieldErrors.invalid(path.child('privateKey'), '', 'ISTIO_MUTUAL TLS cannot have associated private key'));
    if (set('caCertificates')) errs.push(fieldErrors.invalid(path.child('caCertificates'), tls.caCertificates, 'ISTIO_MUTUAL TLS cannot have associated CA bundle'));
    if (set('credentialName')) errs.push(fieldErrors.invalid(path.child('credentialName'), tls.credentialName, 'ISTIO_MUTUAL TLS cannot have associated credentialName'));
    return errs;
  }
  if ((mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') && set('credentialName')) return errs;
  if (mode === 'SIMPLE') {
    if (!set('serverCertificate')) errs.push(fieldErrors.required(path.child('serverCertificate'), 'SIMPLE TLS requires a server certificate'));
    if (!set('privateKey')) errs.push(fieldErrors.required(path.child('privateKey'), 'SIMPLE TLS requires a private key'));
  } else if (mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL') {
    if (!set('serverCertificate')) errs.push(fieldErrors.required(path.child('serverCertificate'), 'MUTUAL TLS requires a server certificate'));
    if (!set('privateKey')) errs.push(fieldErrors.required(path.child('privateKey'), 'MUTUAL TLS requires a private key'));
    if (!set('caCertificates')) errs.push(fieldErrors.required(path.child('caCertificates'), 'MUTUAL TLS requires a client CA bundle'));
  }
  if (set('caCrl')) {
    if (set('credentialName')) errs.push(fieldErrors.invalid(path.child('caCrl'), tls.caCrl, 'CRL is not supported with credentialName. CRL has to be specified in the credential'));
    if (mode === 'SIMPLE') errs.push(fieldErrors.invalid(path.child('caCrl'), tls.caCrl, 'CRL is not supported with SIMPLE TLS'));
  }
  return errs;
}

function validateServer(server: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const hosts = list(server.hosts);
  if (hosts.length === 0) errs.push(fieldErrors.required(path.child('hosts'), 'server config must contain at least one host'));
  hosts.forEach((h, i) => {
    if (typeof h === 'string') errs.push(...validateNamespaceSlashHost(h, true, path.child('hosts').index(i)));
  });
  const port = rec(server.port);
  const bind = str(server.bind);
  let portValid = false;
  if (!port) errs.push(fieldErrors.required(path.child('port'), 'port is required'));
  else {
    const pp = path.child('port');
    const before = errs.length;
    const protocol = str(port.protocol);
    if (parseProtocol(protocol) === undefined) {
      errs.push(fieldErrors.invalid(pp.child('protocol'), protocol, `invalid protocol ${quote(protocol)}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`));
    }
    const n = num(port.number) ?? 0;
    if (n > 0 || !bind.startsWith(UNIX_PREFIX)) errs.push(...istioInvalid(pp.child('number'), n, validatePort(n)));
    if ((num(port.targetPort) ?? 0) > 0) errs.push(fieldErrors.invalid(pp.child('targetPort'), port.targetPort, 'targetPort has no impact on Gateways'));
    if (emptyString(port.name)) errs.push(fieldErrors.required(pp.child('name'), `port name must be set: number:${n} protocol:${quote(protocol)}`));
    portValid = errs.length === before;
  }
  if (bind.startsWith(UNIX_PREFIX)) {
    const addr = bind.slice(UNIX_PREFIX.length);
    if (addr === '') errs.push(fieldErrors.invalid(path.child('bind'), bind, 'unix address must not be empty'));
    else if (!addr.startsWith('@') && (!addr.startsWith('/') || addr.endsWith('/'))) errs.push(fieldErrors.invalid(path.child('bind'), bind, `${addr} is not an absolute path to a file`));
    if (port && (num(port.number) ?? 0) !== 0) errs.push(fieldErrors.invalid(path.child('port', 'number'), port.number, 'port number must be 0 for unix domain socket'));
  } else if (bind !== '' && !isIPAddress(bind)) {
    errs.push(fieldErrors.invalid(path.child('bind'), bind, `${bind} is not a valid IP`));
  }
  const tls = rec(server.tls);
  if (tls) errs.push(...validateServerTLS(tls, path.child('tls')));
  if (port && portValid) {
    const protocol = str(port.protocol);
    if (isTLSProtocol(protocol) && !tls) errs.push(fieldErrors.required(path.child('tls'), 'server must have TLS settings for HTTPS/TLS protocols'));
    else if (!isTLSProtocol(protocol) && tls) {
      if (isHTTPProtocol(protocol)) {
        const redirectOnly = tls.httpsRedirect === true && ['caCertificates', 'privateKey', 'serverCertificate'].every((f) => emptyString(tls[f]));
        if (!redirectOnly) errs.push(fieldErrors.invalid(path.child('tls'), tls, 'server cannot have TLS settings for plain text HTTP ports'));
      } else {
        errs.push(fieldErrors.invalid(path.child('tls'), tls, 'server cannot have TLS settings for non HTTPS/TLS ports'));
      }
    }
  }
  return errs;
}

export function validateGateway(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, ISTIO_META);
  const name = str(rec(obj.metadata)?.name);
  if (name !== '' && !isIstioDNSLabel(name)) errs.push(fieldErrors.invalid(FieldPath.root('metadata', 'name'), name, `invalid gateway name: ${quote(name)}`));
  const spec = rec(obj.spec) ?? {};
  const servers = list(spec.servers);
  if (servers.length === 0) errs.push(fieldErrors.required(SPEC.child('servers'), 'gateway must have at least one server'));
  const portNames = new Set<string>();
  servers.forEach((s, i) => {
    const p = SPEC.child('servers').index(i);
    const server = rec(s);
    if (!server) {
      errs.push(fieldErrors.invalid(p, s ?? null, 'server may not be nil'));
      return;
    }
    errs.push(...validateServer(server, p));
    const port = rec(server.port);
    if (port) {
      const portName = str(port.name);
      if (portNames.has(portName)) errs.push(fieldErrors.invalid(p.child('port', 'name'), portName, `port names in servers must be unique: duplicate name ${portName}`));
      portNames.add(portName);
    }
  });
  return errs;
}

// ---- ServiceEntry ----

export function validateServiceEntry(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, ISTIO_META);
  const spec = rec(obj.spec) ?? {};
  const resolution = spec.resolution === undefined || spec.resolution === null ? 'NONE' : spec.resolution;
  errs.push(...validateIstioEnum(spec.resolution, SE_RESOLUTIONS, SPEC.child('resolution')));
  errs.push(...validateIstioEnum(spec.location, SE_LOCATIONS, SPEC.child('location')));
  errs.push(...workloadSelectorAt(spec.workloadSelector, 'labels', SPEC.child('workloadSelector')));
  if (!absent(spec.workloadSelector) && !absent(spec.endpoints)) {
    errs.push(fieldErrors.invalid(SPEC.child('endpoints'), spec.endpoints, 'only one of WorkloadSelector or Endpoints is allowed in Service Entry'));
  }
  const hosts = list(spec.hosts);
  if (hosts.length === 0) errs.push(fieldErrors.required(SPEC.child('hosts'), 'service entry must have at least one host'));
  hosts.forEach((h, i) => {
    if (typeof h !== 'string') return;
    const p = SPEC.child('hosts').index(i);
    if (h === '*') errs.push(fieldErrors.invalid(p, h, `invalid host ${h}`));
    else errs.push(...istioInvalid(p, h, validateWildcardDomain(h)));
  });
  let cidrFound = false;
  list(spec.addresses).forEach((a, i) => {
    if (typeof a !== 'string') return;
    cidrFound ||= a.includes('/');
    errs.push(...istioInvalid(SPEC.child('addresses').index(i), a, validateIPSubnet(a)));
  });
  if (cidrFound && resolution !== 'NONE' && resolution !== 'STATIC') {
    errs.push(fieldErrors.invalid(SPEC.child('resolution'), resolution, 'CIDR addresses are allowed only for NONE/STATIC resolution types'));
  }
  const ports = list(spec.ports);
  if (ports.length === 0) errs.push(fieldErrors.required(SPEC.child('ports'), 'service entry must have at least one port'));
  const portNames = new Set<string>();
  const portNumbers = new Set<number>();
  ports.forEach((pv, i) => {
    const p = SPEC.child('ports').index(i);
    const port = rec(pv);
    if (!port) {
      errs.push(fieldErrors.invalid(p, pv ?? null, 'service entry port may not be null'));
      return;
    }
    const name = str(port.name);
    const n = num(port.number) ?? 0;
    if (portNames.has(name)) errs.push(fieldErrors.invalid(p.child('name'), name, `service entry port name ${quote(name)} already defined`));
    portNames.add(name);
    if (portNumbers.has(n)) errs.push(fieldErrors.invalid(p.child('number'), n, `service entry port ${n} already defined`));
    portNumbers.add(n);
    const target = num(port.targetPort) ?? 0;
    if (target !== 0) errs.push(...istioInvalid(p.child('targetPort'), target, validatePort(target)));
    errs.push(...istioInvalid(p.child('name'), name, validateIstioPortName(name)));
    errs.push(...istioInvalid(p.child('protocol'), port.protocol, validateIstioProtocol(str(port.protocol))));
    errs.push(...istioInvalid(p.child('number'), n, validatePort(n)));
  });
  const endpoints = indexedRecords(spec.endpoints);
  const endpointPath = SPEC.child('endpoints');
  switch (resolution) {
    case 'NONE':
      if (list(spec.endpoints).length > 0) errs.push(fieldErrors.invalid(endpointPath, spec.endpoints, 'no endpoints should be provided for resolution type none'));
      break;
    case 'STATIC':
      for (const [i, ep] of endpoints) {
        const p = endpointPath.index(i);
        const address = str(ep.address);
        if (address === '') {
          if (emptyString(ep.network)) errs.push(fieldErrors.required(p.child('address'), 'address is required'));
        } else if (address.startsWith(UNIX_PREFIX)) {
          if (Object.keys(rec(ep.ports) ?? {}).length > 0) errs.push(fieldErrors.invalid(p.child('ports'), ep.ports, `unix endpoint ${address} must not include ports`));
        } else if (!isIPAddress(address)) {
          errs.push(fieldErrors.invalid(p.child('address'), address, `endpoint address ${quote(address)} is not a valid IP address`));
        }
        errs.push(...validateEndpointPorts(ep, portNames, p));
      }
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        hosts.forEach((h, i) => {
          if (typeof h === 'string' && validateFQDN(h) !== undefined) {
            errs.push(fieldErrors.invalid(SPEC.child('hosts').index(i), h, `hosts must be FQDN if no endpoints are provided for resolution mode ${resolution}`));
          }
        });
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
        errs.push(fieldErrors.invalid(endpointPath, spec.endpoints, `there must only be 0 or 1 endpoint for resolution mode ${resolution}`));
      }
      for (const [i, ep] of endpoints) {
        const p = endpointPath.index(i);
        const address = str(ep.address);
        if (!isIPAddress(address) && validateFQDN(address) !== undefined) {
          errs.push(fieldErrors.invalid(p.child('address'), address, `endpoint address ${quote(address)} is not a valid FQDN or an IP address`));
        }
        errs.push(...validateEndpointPorts(ep, portNames, p));
      }
      break;
    default:
      break;
  }
  if (resolution !== 'NONE' && hosts.length > 1) {
    const nonHTTP = indexedRecords(spec.ports).find(([, port]) => !isHTTPProtocol(str(port.protocol)) && !isTLSProtocol(str(port.protocol)));
    if (nonHTTP) errs.push(fieldErrors.invalid(SPEC.child('ports').index(nonHTTP[0]), nonHTTP[1], 'multiple hosts provided with non-HTTP, non-TLS ports'));
  }
  errs.push(...validateExportTo(spec.exportTo, namespaceOf(obj), true, SPEC.child('exportTo')));
  return errs;
}

function validateEndpointPorts(ep: JsonRecord, servicePorts: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errs = tagsAt(ep.labels, path.child('labels'));
  for (const [name, port] of Object.entries(rec(ep.ports) ?? {})) {
    const p = path.child('ports').key(name);
    if (!servicePorts.has(name)) errs.push(fieldErrors.invalid(p, port, `endpoint port ${String(port)} is not defined by the service entry`));
    errs.push(...istioInvalid(p, name, validateIstioPortName(name)));
    errs.push(...istioInvalid(p, port, validatePort(num(port) ?? 0)));
  }
  return errs;
}

// ---- Sidecar ----

function validateSidecarPort(port: JsonRecord, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(port.name);
  if (name !== '') errs.push(...istioInvalid(path.child('name'), name, validateIstioPortName(name)));
  errs.push(...istioInvalid(path.child('protocol'), port.protocol, validateIstioProtocol(str(port.protocol))));
  const n = num(port.number) ?? 0;
  errs.push(...istioInvalid(path.child('number'), n, validatePort(n)));
  return errs;
}

export function validateSidecar(obj: KubeObject): FieldError[] {
  const errs = validateObjectMeta(obj.metadata, ISTIO_META);
  const spec = rec(obj.spec) ?? {};
  errs.push(...workloadSelectorAt(spec.workloadSelector, 'labels', SPEC.child('workloadSelector')));
  if (list(spec.egress).length === 0 && list(spec.ingress).length === 0 && absent(spec.outboundTrafficPolicy) && absent(spec.inboundConnectionPool)) {
    errs.push(fieldErrors.invalid(SPEC, spec, 'sidecar: empty configuration provided'));
    return errs;
  }
  const ingressPorts = new Set<number>();
  list(spec.ingress).forEach((iv, i) => {
    const p = SPEC.child('ingress').index(i);
    const ingress = rec(iv);
    if (!ingress) {
      errs.push(fieldErrors.invalid(p, iv ?? null, 'sidecar: ingress may not be null'));
      return;
    }
    const port = rec(ingress.port);
    if (!port) {
      errs.push(fieldErrors.required(p.child('port'), 'sidecar: port is required for ingress listeners'));
      return;
    }
    errs.push(...validateSidecarPort(port, p.child('port')));
    const n = num(port.number) ?? 0;
    if (ingressPorts.has(n)) errs.push(fieldErrors.invalid(p.child('port', 'number'), n, 'sidecar: ports on IP bound listeners must be unique'));
    ingressPorts.add(n);
    const bind = str(ingress.bind);
    if (bind !== '' && !isIPAddress(bind)) errs.push(fieldErrors.invalid(p.child('bind'), bind, `${bind} is not a valid IP`));
    const def = str(ingress.defaultEndpoint);
    if (def !== '' && !def.startsWith(UNIX_PREFIX)) {
      const m = /^(?:\[([^\]]*)\]|([^:]*)):([^:]*)$/.exec(def);
      const host = m ? (m[1] ?? m[2] ?? '') : '';
      if (!m || (host !== '' && !['127.0.0.1', '0.0.0.0', '::1', '::'].includes(host))) {
        errs.push(fieldErrors.invalid(p.child('defaultEndpoint'), def, 'sidecar: defaultEndpoint must be of form 127.0.0.1:<port>,0.0.0.0:<port>,[::1]:port,[::]:port,unix://filepath or unset'));
      } else {
        const portText = m[3] ?? '';
        if (!/^[0-9]+$/.test(portText)) errs.push(fieldErrors.invalid(p.child('defaultEndpoint'), def, `sidecar: defaultEndpoint port (${portText}) is not a number`));
        else errs.push(...istioInvalid(p.child('defaultEndpoint'), def, validatePort(Number(portText))));
      }
    }
    errs.push(...validateConnectionPool(ingress.connectionPool, p.child('connectionPool')));
  });
  errs.push(...validateConnectionPool(spec.inboundConnectionPool, SPEC.child('inboundConnectionPool')));
  const egressPorts = new Set<number>();
  let catchAll = false;
  const egresses = list(spec.egress);
  egresses.forEach((ev, i) => {
    const p = SPEC.child('egress').index(i);
    const egress = rec(ev);
    if (!egress) {
      errs.push(fieldErrors.invalid(p, ev ?? null, 'egress listener may not be null'));
      return;
    }
    const port = rec(egress.port);
    if (!port) {
      if (catchAll) {
        errs.push(fieldErrors.invalid(p, egress, 'sidecar: egress can have only one listener with empty port'));
        return;
      }
      if (i === egresses.length - 1) catchAll = true;
      else errs.push(fieldErrors.invalid(p, egress, 'sidecar: the egress listener with empty port should be the last listener in the list'));
    } else {
      errs.push(...validateSidecarPort(port, p.child('port')));
      const n = num(port.number) ?? 0;
      if (n !== 0) {
        if (egressPorts.has(n)) errs.push(fieldErrors.invalid(p.child('port', 'number'), n, 'sidecar: ports on IP bound listeners must be unique'));
        egressPorts.add(n);
      }
    }
    const hosts = list(egress.hosts);
    if (hosts.length === 0) errs.push(fieldErrors.required(p.child('hosts'), 'sidecar: egress listener must contain at least one host'));
    hosts.forEach((h, j) => {
      if (typeof h === 'string') errs.push(...validateNamespaceSlashHost(h, false, p.child('hosts').index(j)));
    });
  });
  const otp = rec(spec.outboundTrafficPolicy);
  if (otp) {
    errs.push(...validateIstioEnum(otp.mode, OUTBOUND_MODES, SPEC.child('outboundTrafficPolicy', 'mode')));
    if (!absent(otp.egressProxy) && str(otp.mode) !== 'ALLOW_ANY') {
      errs.push(fieldErrors.invalid(SPEC.child('outboundTrafficPolicy', 'egressProxy'), otp.egressProxy, 'sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode'));
    }
  }
  return errs;
}

/** The Istio kinds' update checks: the metadata rules plus the full create-time validation. */
export function istioUpdate(validate: (obj: KubeObject) => FieldError[]): (obj: KubeObject, old: KubeObject) => FieldError[] {
  return (obj, old) => [...validateObjectMetaUpdate(obj.metadata, old.metadata, ISTIO_META), ...validate(obj)];
}
