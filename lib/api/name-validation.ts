// Name and value format checks as k8s.io/apimachinery/pkg/util/validation does them. Each check
// returns the list of problem details (empty = valid) in Kubernetes' exact words, so callers
// can wrap them into field errors (`fieldErrors.invalid(path, value, detail)`) that read the
// same as kube-apiserver's. Lengths are counted in UTF-8 bytes, as Go's len() does.

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1035_LABEL_MAX_LENGTH = 63;
export const QUALIFIED_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
/** metadata.annotations may hold at most 256 KiB of keys plus values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

export function byteLength(v: string): number {
  return Buffer.byteLength(v, 'utf8');
}

/** "must be no more than 63 characters" */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** The message for a failed regex match, with examples, as validation.RegexError words it. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${msg} (e.g. ${shown}regex used for validation is '${fmt}')`;
}

export function emptyError(): string {
  return 'must be non-empty';
}

export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

function anchored(fmt: string): RegExp {
  return new RegExp(`^(?:${fmt})$`);
}

// ---- qualified names (label keys, annotation keys) and label values ----

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameRegexp = anchored(qualifiedNameFmt);

/** A label or annotation key: an optional DNS-subdomain prefix and '/', then a name of up to 63 characters. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) {
      errs.push(`prefix part ${emptyError()}`);
    } else {
      errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
    }
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) {
    errs.push(`name part ${emptyError()}`);
  } else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) {
    errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  }
  if (!qualifiedNameRegexp.test(name)) {
    errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRegexp = anchored(labelValueFmt);

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRegexp.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

// ---- DNS names ----

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const dns1123LabelRegexp = anchored(dns1123LabelFmt);

const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1123SubdomainRegexp = anchored(dns1123SubdomainFmt);

const dns1123LabelWithUnderscoreFmt = '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const dns1123SubdomainWithUnderscoreFmt = `${dns1123LabelWithUnderscoreFmt}(\\.${dns1123LabelWithUnderscoreFmt})*`;
const dns1123SubdomainWithUnderscoreErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character";
const dns1123SubdomainWithUnderscoreRegexp = anchored(dns1123SubdomainWithUnderscoreFmt);

/** An RFC 1123 label (most object names: namespaces, services, ...). */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRegexp.test(value)) {
    // A valid subdomain that is not a valid label can only be failing on its dots.
    if (dns1123SubdomainRegexp.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

/** An RFC 1123 subdomain (most object names: pods, deployments, configmaps, ...). */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRegexp.test(value)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

/** An RFC 1123 subdomain whose labels may also hold (and start with) '_'. */
export function isDNS1123SubdomainWithUnderscore(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainWithUnderscoreRegexp.test(value)) {
    errs.push(regexError(dns1123SubdomainWithUnderscoreErrMsg, dns1123SubdomainWithUnderscoreFmt, 'example.com'));
  }
  return errs;
}

const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const dns1035LabelRegexp = anchored(dns1035LabelFmt);

/** An RFC 1035 label (service names, port names of some kinds). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!dns1035LabelRegexp.test(value)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}

const wildcardDNS1123SubdomainFmt = `\\*\\.${dns1123SubdomainFmt}`;
const wildcardDNS1123SubdomainErrMsg =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";
const wildcardDNS1123SubdomainRegexp = anchored(wildcardDNS1123SubdomainFmt);

/** "*.example.com" (RFC 1034 section 4.3.3 wildcard). */
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!wildcardDNS1123SubdomainRegexp.test(value)) {
    errs.push(regexError(wildcardDNS1123SubdomainErrMsg, wildcardDNS1123SubdomainFmt, '*.example.com'));
  }
  return errs;
}

/**
 * A fully qualified domain name (at least two labels, optional trailing dot), as
 * IsFullyQualifiedDomainName. Kubernetes reports an empty name as "Required value" and the
 * other problems as one "Invalid value" whose details are joined by ","; this returns those
 * details (for an empty name, "must be non-empty"). Use fqdnBadValue for the value Kubernetes
 * prints next to them.
 */
export function isFullyQualifiedDomainName(value: string): string[] {
  return checkFullyQualifiedDomainName(value)?.details ?? [];
}

/** The value Kubernetes reports for an invalid FQDN: the name without its trailing dot, or the offending label. */
export function fqdnBadValue(value: string): string {
  return checkFullyQualifiedDomainName(value)?.badValue ?? value;
}

function checkFullyQualifiedDomainName(value: string): { badValue: string; details: string[] } | undefined {
  if (value.length === 0) return { badValue: '', details: [emptyError()] };
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const subdomainErrs = isDNS1123Subdomain(name);
  if (subdomainErrs.length > 0) return { badValue: name, details: [subdomainErrs.join(',')] };
  const labels = name.split('.');
  if (labels.length < 2) return { badValue: name, details: ['should be a domain with at least two segments separated by dots'] };
  for (const label of labels) {
    const errs = isDNS1123Label(label);
    if (errs.length > 0) return { badValue: label, details: [errs.join(',')] };
  }
  return undefined;
}

// ---- identifiers, keys, headers ----

const cIdentifierFmt = '[A-Za-z_][A-Za-z0-9_]*';
const cIdentifierErrMsg =
  "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";
const cIdentifierRegexp = anchored(cIdentifierFmt);

export function isCIdentifier(value: string): string[] {
  return cIdentifierRegexp.test(value) ? [] : [regexError(cIdentifierErrMsg, cIdentifierFmt, 'my_name', 'MY_NAME', 'MyName')];
}

function hasChDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

const envVarNameFmt = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const envVarNameErrMsg =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
const envVarNameRegexp = anchored(envVarNameFmt);

/** A container environment variable name (strict form). */
export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!envVarNameRegexp.test(value)) {
    errs.push(regexError(envVarNameErrMsg, envVarNameFmt, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  }
  errs.push(...hasChDirPrefix(value));
  return errs;
}

/** The relaxed environment variable name (RelaxedEnvironmentVariableValidation): printable ASCII except '='. */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push(`environment variable name ${emptyError()}`);
  if (/[^\x20-\x3c\x3e-\x7e]/.test(value)) {
    errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
  }
  return errs;
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const configMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
const configMapKeyRegexp = anchored(configMapKeyFmt);

/** A key of ConfigMap or Secret data. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!configMapKeyRegexp.test(value)) errs.push(regexError(configMapKeyErrMsg, configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

const httpHeaderNameFmt = '[-A-Za-z0-9]+';
const httpHeaderNameErrMsg = "a valid HTTP header must consist of alphanumeric characters or '-'";
const httpHeaderNameRegexp = anchored(httpHeaderNameFmt);

export function isHTTPHeaderName(value: string): string[] {
  return httpHeaderNameRegexp.test(value) ? [] : [regexError(httpHeaderNameErrMsg, httpHeaderNameFmt, 'X-Header-Name')];
}

const percentFmt = '[0-9]+%';
const percentErrMsg = "a valid percent string must be a numeric string followed by an ending '%'";
const percentRegexp = anchored(percentFmt);

export function isValidPercent(value: string): string[] {
  return percentRegexp.test(value) ? [] : [regexError(percentErrMsg, percentFmt, '1%', '93%')];
}

// ---- numbers and ports ----

export function isInRange(value: number, lo: number, hi: number): string[] {
  return value >= lo && value <= hi ? [] : [inclusiveRangeError(lo, hi)];
}

/** A non-zero TCP/UDP port number. */
export function isValidPortNum(port: number): string[] {
  return isInRange(port, 1, 65535);
}

/** An IANA_SVC_NAME (RFC 6335): 1-15 characters of [-a-z0-9], at least one letter, no leading/trailing/double '-'. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

// ---- IP addresses (k8s.io/utils/net "sloppy" parsing: IPv4 octets may carry leading zeros) ----

function parseIPv4Bytes(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    // Leading zeros are allowed (and read as decimal), as ParseIPSloppy does.
    if (!/^[0-9]+$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIPv6Bytes(s: string): number[] | undefined {
  if (!s.includes(':')) return undefined;
  // An embedded IPv4 address may form the last 32 bits.
  let tail: number[] = [];
  let body = s;
  const lastColon = s.lastIndexOf(':');
  const lastPart = s.slice(lastColon + 1);
  if (lastPart.includes('.')) {
    const v4 = parseIPv4Bytes(lastPart);
    if (v4 === undefined) return undefined;
    tail = v4;
    // Keep a "::" right before the IPv4 part; otherwise drop the single separating ':'.
    body = s.slice(0, lastColon + 1);
    body = body.endsWith('::') ? body : body.slice(0, -1);
    if (body === '') return undefined;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (text: string): number[] | undefined => {
    if (text === '') return [];
    const out: number[] = [];
    for (const g of text.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      const n = parseInt(g, 16);
      out.push(n >> 8, n & 0xff);
    }
    return out;
  };
  const head = parseGroups(halves[0] ?? '');
  if (head === undefined) return undefined;
  if (halves.length === 1) {
    const bytes = [...head, ...tail];
    return bytes.length === 16 ? bytes : undefined;
  }
  const rest = parseGroups(halves[1] ?? '');
  if (rest === undefined) return undefined;
  const fill = 16 - head.length - rest.length - tail.length;
  // "::" stands for at least one group of zeros.
  if (fill < 2) return undefined;
  return [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
}

/** The 4 or 16 bytes of an IP address, or undefined when it does not parse. */
export function parseIP(s: string): number[] | undefined {
  return s.includes(':') ? parseIPv6Bytes(s) : parseIPv4Bytes(s);
}

function isIPv4Bytes(bytes: readonly number[]): boolean {
  if (bytes.length === 4) return true;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as IPv4, as net.IP.To4 says.
  return bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

export function isValidIP(value: string): string[] {
  return parseIP(value) === undefined ? ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] : [];
}

export function isValidIPv4Address(value: string): string[] {
  const bytes = parseIP(value);
  return bytes !== undefined && isIPv4Bytes(bytes) ? [] : ['must be a valid IPv4 address'];
}

export function isValidIPv6Address(value: string): string[] {
  const bytes = parseIP(value);
  return bytes !== undefined && !isIPv4Bytes(bytes) ? [] : ['must be a valid IPv6 address'];
}

export function isValidCIDR(value: string): string[] {
  const invalid = ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  const slash = value.indexOf('/');
  if (slash < 0) return invalid;
  const addr = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  const bytes = parseIP(addr);
  if (bytes === undefined || !/^[0-9]+$/.test(prefix)) return invalid;
  const bits = Number(prefix);
  return bits <= bytes.length * 8 ? [] : invalid;
}

// ---- annotations ----

/** Total size (keys plus values, in bytes) of a set of annotations. */
export function annotationsSize(annotations: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) total += byteLength(k) + byteLength(v);
  return total;
}

/**
 * Checks the 256 KiB limit on all annotations together. Kubernetes reports a breach as
 * `metadata.annotations: Too long: may not be more than 262144 bytes` (fieldErrors.tooLong).
 */
export function validateAnnotationsSize(annotations: Readonly<Record<string, string>>): string[] {
  return annotationsSize(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT_B
    ? [`may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes`]
    : [];
}
