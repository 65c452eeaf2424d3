// Checks the Istio kinds share, in the words of istio/istio pkg/config/validation (and its
// agent package): host names, ports, durations, percentages, label maps, workload selectors,
// regular expressions. Each returns Istio's message, or undefined when the value is fine.
import { isQualifiedName, isValidLabelValue, parseIP } from '../../../lib/api/name-validation.js';
import { fieldErrors } from '../../../lib/api/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/api/field-errors.js';
import { quote, rec, stringEntries } from './json-access.js';

// Istio's own DNS label rule accepts upper case letters, unlike Kubernetes'.
const dnsLabel = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const wildcardLabel = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

export function isIstioDNSLabel(value: string): boolean {
  return value.length <= 63 && dnsLabel.test(value);
}

function isWildcardLabel(value: string): boolean {
  return value.length <= 63 && wildcardLabel.test(value);
}

function dnsPreconditions(name: string): string | undefined {
  if (name.length > 255) return `domain name ${quote(name)} too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

function validateDNS1123Labels(domain: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1] ?? '';
  if (/^[-+]?[0-9]+$/.test(tld)) return `domain name ${quote(domain)} invalid (top level domain ${quote(tld)} cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i] ?? '';
    // A trailing dot (an empty last label) marks a fully qualified name.
    if (i === parts.length - 1 && label === '') return undefined;
    if (!isIstioDNSLabel(label)) return `domain name ${quote(domain)} invalid (label ${quote(label)} invalid)`;
  }
  return undefined;
}

/** agent.ValidateFQDN. */
export function validateFQDN(fqdn: string): string | undefined {
  return dnsPreconditions(fqdn) ?? validateDNS1123Labels(fqdn);
}

/** agent.ValidateWildcardDomain: an FQDN whose first label may be a wildcard ("*", "*.example.com"). */
export function validateWildcardDomain(domain: string): string | undefined {
  const pre = dnsPreconditions(domain);
  if (pre !== undefined) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardLabel(first)) return `domain name ${quote(domain)} invalid (label ${quote(first)} invalid)`;
  return dot < 0 ? undefined : validateDNS1123Labels(domain.slice(dot + 1));
}

export function isIPAddress(value: string): boolean {
  return parseIP(value) !== undefined;
}

/** agent.ValidatePort. */
export function validatePort(port: number): string | undefined {
  return port >= 1 && port <= 65535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

/** agent.ValidateIPSubnet: a CIDR block or a plain address. */
export function validateIPSubnet(subnet: string): string | undefined {
  const parts = subnet.split('/');
  if (parts.length === 2) {
    const bytes = parseIP(parts[0] ?? '');
    const bits = parts[1] ?? '';
    if (bytes === undefined || !/^[0-9]+$/.test(bits) || Number(bits) > bytes.length * 8) return `${subnet} is not a valid CIDR block`;
    return undefined;
  }
  return isIPAddress(subnet) ? undefined : `${subnet} is not a valid IP`;
}

/** ValidatePercent: an integer percentage. */
export function validatePercent(value: number): string | undefined {
  return value < 0 || value > 100 ? `percentage ${value} is not in range 0..100` : undefined;
}

/** validatePercentage: a fractional percentage (0, or 0.0001 to 100). */
export function validatePercentage(value: number): string | undefined {
  return value < 0 || value > 100 || (value > 0 && value < 0.0001) ? `percentage ${value} is neither 0.0, nor in range [0.0001, 100.0]` : undefined;
}

const UNIT_NANOS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration ("1.5s", "100ms", "1h30m"), in nanoseconds; undefined when it does not parse. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = /^([-+]?)((?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
  if (!m) return undefined;
  let total = 0;
  for (const part of (m[2] ?? '').matchAll(/([0-9]*\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_NANOS[part[2] ?? ''] ?? 0);
  }
  return m[1] === '-' ? -total : total;
}

/** agent.ValidateDuration: at least 1ms, in whole milliseconds. */
export function validateDuration(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const nanos = parseGoDuration(value);
  if (nanos === undefined) return `time: invalid duration ${quote(value)}`;
  if (nanos < 1e6) return 'duration must be greater than 1ms';
  if (Math.round(nanos) % 1e6 !== 0) return 'only durations to ms precision are supported';
  return undefined;
}

/** labels.Instance.Validate: label keys and values as Istio checks them. */
export function validateTagMap(v: unknown): string[] {
  const errs: string[] = [];
  for (const [k, value] of stringEntries(v)) {
    if (isQualifiedName(k).length > 0) errs.push(`invalid tag key: ${quote(k)}`);
    if (isValidLabelValue(value).length > 0) errs.push(`invalid tag value: ${quote(value)}`);
  }
  return errs;
}

/** validateWorkloadSelector (matchLabels) and ValidateAlphaWorkloadSelector (labels). */
export function validateWorkloadSelectorLabels(labels: unknown): string[] {
  const errs: string[] = [];
  for (const [k, v] of stringEntries(labels)) {
    if (k === '') errs.push(`empty key is not supported in selector: ${quote(`${k}=${v}`)}`);
    if (k.includes('*') || v.includes('*')) errs.push(`wildcard is not supported in selector: ${quote(`${k}=${v}`)}`);
  }
  return errs;
}

/**
 * validateStringRegexp. Istio compiles RE2; JavaScript's RegExp stands in for it here, with
 * RE2's leading inline flags accepted and the Perl features RE2 lacks (lookaround,
 * backreferences) refused, so most patterns get the same verdict.
 */
export function validateRegex(re: string, where: string): string | undefined {
  if (re.length > 1024) return `${quote(where)}: regex is too large, max length allowed is 1024`;
  const unsupported = /\(\?<?[=!]|\\[1-9]/.exec(re);
  const suffix = '; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)';
  if (unsupported) return `${quote(where)}: error parsing regexp: invalid or unsupported Perl syntax: \`${unsupported[0]}\`${suffix}`;
  const body = re.replace(/^\(\?[imsU]+\)/, '');
  try {
    new RegExp(body);
  } catch (e) {
    return `${quote(where)}: error parsing regexp: ${e instanceof Error ? e.message : String(e)}${suffix}`;
  }
  return undefined;
}

/** A StringMatch's regex, checked where it is one; exact and prefix matches are free text. */
export function validateStringMatchRegex(v: unknown, where: string, path: FieldPath): FieldError[] {
  const sm = rec(v);
  if (!sm || !('regex' in sm)) return [];
  const re = typeof sm.regex === 'string' ? sm.regex : '';
  if (re === '') return [fieldErrors.invalid(path.child('regex'), re, `${quote(where)}: regex string match should not be empty`)];
  const msg = validateRegex(re, where);
  return msg === undefined ? [] : [fieldErrors.invalid(path.child('regex'), re, msg)];
}

/** Istio's protocol.Parse, upper-cased: the names a port may use. */
export const ISTIO_PROTOCOLS = ['TCP', 'UDP', 'GRPC', 'GRPC-WEB', 'HTTP', 'HTTP_PROXY', 'HTTP2', 'HTTPS', 'TLS', 'MONGO', 'REDIS', 'MYSQL'];

export function parseProtocol(p: string): string | undefined {
  const up = p.toUpperCase();
  return ISTIO_PROTOCOLS.includes(up) ? up : undefined;
}

export function isHTTPProtocol(p: string): boolean {
  return ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTP_PROXY'].includes(p.toUpperCase());
}

export function isTLSProtocol(p: string): boolean {
  return ['HTTPS', 'TLS'].includes(p.toUpperCase());
}

/** ValidatePortName: Istio port names are DNS labels. */
export function validateIstioPortName(name: string): string | undefined {
  return isIstioDNSLabel(name) ? undefined : `invalid port name: ${name}`;
}

/** ValidateProtocol: "" lets Istio sniff the protocol. */
export function validateIstioProtocol(p: string): string | undefined {
  return p !== '' && parseProtocol(p) === undefined ? `unsupported protocol: ${p}` : undefined;
}

/** host.Name.Matches: whether two host names (possibly wildcards) overlap. */
export function hostsOverlap(a: string, b: string): boolean {
  const aw = a.startsWith('*');
  const bw = b.startsWith('*');
  if (!aw && !bw) return a === b;
  if (aw && bw) return a.length > b.length ? a.endsWith(b.slice(1)) : b.endsWith(a.slice(1));
  return aw ? b.endsWith(a.slice(1)) : a.endsWith(b.slice(1));
}

/** An Istio error (text) at a path: Invalid, with the offending value. */
export function istioInvalid(path: FieldPath, value: unknown, msg: string | undefined): FieldError[] {
  return msg === undefined ? [] : [fieldErrors.invalid(path, value ?? null, msg)];
}

/** NotSupported unless an enum field holds one of `values`; absent is fine (proto3 default). */
export function validateIstioEnum(value: unknown, values: readonly string[], path: FieldPath): FieldError[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'string' || !values.includes(value)) return [fieldErrors.notSupported(path, value, values)];
  return [];
}

/** validateExportTo: ".", "*", "~" (service entries) or namespace names, without repeats. */
export function validateExportTo(exportTo: unknown, namespace: string, isServiceEntry: boolean, path: FieldPath): FieldError[] {
  if (!Array.isArray(exportTo) || exportTo.length === 0) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  exportTo.forEach((e: unknown, i) => {
    if (typeof e !== 'string') return;
    const key = e === '.' ? namespace : e;
    if (seen.has(key)) {
      errs.push(fieldErrors.invalid(path.index(i), e, key !== e ? `duplicate entries in exportTo: . and current namespace ${namespace}` : `duplicate entries in exportTo for entry ${e}`));
      return;
    }
    if (!(key === '*' || (isServiceEntry && key === '~') || isIstioDNSLabel(key))) {
      errs.push(fieldErrors.invalid(path.index(i), e, 'only . or * or valid DNS 1123 label is allowed as exportTo entry'));
      return;
    }
    seen.add(key);
  });
  if (seen.has('*') && exportTo.length > 1) errs.push(fieldErrors.invalid(path, exportTo, 'cannot have both public (*) and non-public exportTo values for a resource'));
  if (seen.has('~') && exportTo.length > 1) errs.push(fieldErrors.invalid(path, exportTo, 'cannot export service entry to no one (~) and someone'));
  return errs;
}
