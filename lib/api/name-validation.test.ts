import { describe, it, expect } from 'vitest';
import {
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isDNS1123SubdomainWithUnderscore,
  isEnvVarName,
  isFullyQualifiedDomainName,
  fqdnBadValue,
  isHTTPHeaderName,
  isInRange,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidCIDR,
  isValidIP,
  isValidIPv4Address,
  isValidIPv6Address,
  isValidLabelValue,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  parseIP,
  regexError,
  validateAnnotationsSize,
} from './name-validation.js';

const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

type Case<T> = [input: T, expected: string[]];

function table<T>(name: string, fn: (v: T) => string[], cases: Case<T>[]): void {
  describe(name, () => {
    it.each(cases)('%j', (input, expected) => {
      expect(fn(input)).toEqual(expected);
    });
  });
}

describe('regexError', () => {
  it('words the message with and without examples', () => {
    expect(regexError('bad', 'x+')).toBe("bad (regex used for validation is 'x+')");
    expect(regexError('bad', 'x+', 'x')).toBe("bad (e.g. 'x', regex used for validation is 'x+')");
    expect(regexError('bad', 'x+', 'x', 'xx')).toBe("bad (e.g. 'x',  or 'xx', regex used for validation is 'x+')");
  });
});

table('isDNS1123Label', isDNS1123Label, [
  ['a', []],
  ['my-name', []],
  ['123-abc', []],
  ['a'.repeat(63), []],
  ['a'.repeat(64), ['must be no more than 63 characters']],
  ['', [DNS1123_LABEL_MSG]],
  ['My-Name', [DNS1123_LABEL_MSG]],
  ['-a', [DNS1123_LABEL_MSG]],
  ['a-', [DNS1123_LABEL_MSG]],
  ['a_b', [DNS1123_LABEL_MSG]],
  ['a.b', ['must not contain dots']],
  [`${'a'.repeat(40)}.${'b'.repeat(40)}`, ['must be no more than 63 characters', 'must not contain dots']],
  ['é', [DNS1123_LABEL_MSG]],
]);

table('isDNS1123Subdomain', isDNS1123Subdomain, [
  ['example.com', []],
  ['a', []],
  ['a.b-c.d', []],
  ['a'.repeat(253), []],
  ['a'.repeat(254), ['must be no more than 253 characters']],
  ['', [DNS1123_SUBDOMAIN_MSG]],
  ['Example.com', [DNS1123_SUBDOMAIN_MSG]],
  ['a..b', [DNS1123_SUBDOMAIN_MSG]],
  ['.a', [DNS1123_SUBDOMAIN_MSG]],
  ['a.', [DNS1123_SUBDOMAIN_MSG]],
  ['a_b', [DNS1123_SUBDOMAIN_MSG]],
]);

table('isDNS1123SubdomainWithUnderscore', isDNS1123SubdomainWithUnderscore, [
  ['_http._tcp.example.com', []],
  ['a_b', []],
  [
    'a_',
    [
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')",
    ],
  ],
]);

table('isDNS1035Label', isDNS1035Label, [
  ['my-name', []],
  ['abc-123', []],
  ['1abc', [DNS1035_MSG]],
  ['abc-', [DNS1035_MSG]],
  ['a.b', [DNS1035_MSG]],
  [`a${'b'.repeat(63)}`, ['must be no more than 63 characters']],
]);

table('isWildcardDNS1123Subdomain', isWildcardDNS1123Subdomain, [
  ['*.example.com', []],
  ['*.a', []],
  ...(['*', 'example.com', '*.*.example.com', 'f*.example.com', '*example.com'] as const).map(
    (v): Case<string> => [
      v,
      [
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    ],
  ),
]);

table('isQualifiedName', isQualifiedName, [
  ['app', []],
  ['MyName', []],
  ['my.name', []],
  ['my_name', []],
  ['123-abc', []],
  ['example.com/MyName', []],
  ['app.kubernetes.io/name', []],
  ['a'.repeat(63), []],
  [`${'p'.repeat(253)}/${'n'.repeat(63)}`, []],
  ['', ['name part must be non-empty', NAME_PART_MSG]],
  ['a'.repeat(64), ['name part must be no more than 63 characters']],
  ['-a', [NAME_PART_MSG]],
  ['a b', [NAME_PART_MSG]],
  ['example.com/', ['name part must be non-empty', NAME_PART_MSG]],
  ['/name', ['prefix part must be non-empty']],
  ['Example.com/name', [`prefix part ${DNS1123_SUBDOMAIN_MSG}`]],
  [`${'p'.repeat(254)}/n`, ['prefix part must be no more than 253 characters']],
  [
    'a/b/c',
    [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
  ],
]);

table('isValidLabelValue', isValidLabelValue, [
  ['', []],
  ['MyValue', []],
  ['my_value', []],
  ['12345', []],
  ['a.b-c_d', []],
  ['v'.repeat(63), []],
  ['v'.repeat(64), ['must be no more than 63 characters']],
  ['-v', [LABEL_VALUE_MSG]],
  ['v.', [LABEL_VALUE_MSG]],
  ['a b', [LABEL_VALUE_MSG]],
  ['a/b', [LABEL_VALUE_MSG]],
  [`-${'v'.repeat(63)}`, ['must be no more than 63 characters', LABEL_VALUE_MSG]],
  // Length counts UTF-8 bytes: 32 two-byte characters are 64 bytes.
  ['é'.repeat(32), ['must be no more than 63 characters', LABEL_VALUE_MSG]],
]);

table('isCIdentifier', isCIdentifier, [
  ['my_name', []],
  ['_x1', []],
  [
    '1x',
    [
      "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')",
    ],
  ],
]);

const ENV_MSG =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
table('isEnvVarName', isEnvVarName, [
  ['PATH', []],
  ['my.env-name', []],
  ['_x', []],
  ['1X', [ENV_MSG]],
  ['A=B', [ENV_MSG]],
  ['', [ENV_MSG]],
  ['.', ["must not be '.'"]],
  ['..', ["must not be '..'"]],
  ['..x', ["must not start with '..'"]],
]);

table('isRelaxedEnvVarName', isRelaxedEnvVarName, [
  ['1 weird-name!', []],
  ['', ['environment variable name must be non-empty']],
  ['A=B', ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
  ['é', ["a valid environment variable name must consist only of printable ASCII characters other than '='"]],
]);

const CM_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
table('isConfigMapKey', isConfigMapKey, [
  ['key.name', []],
  ['KEY_NAME', []],
  ['.dotfile', []],
  ['', [CM_KEY_MSG]],
  ['a/b', [CM_KEY_MSG]],
  ['k'.repeat(254), ['must be no more than 253 characters']],
  ['..', ["must not be '..'"]],
  ['..a', ["must not start with '..'"]],
]);

table('isHTTPHeaderName', isHTTPHeaderName, [
  ['X-Header-Name', []],
  [
    'X_Header',
    ["a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"],
  ],
]);

const PERCENT_MSG =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
table('isValidPercent', isValidPercent, [
  ['0%', []],
  ['100%', []],
  ['10', [PERCENT_MSG]],
  ['-1%', [PERCENT_MSG]],
  ['1.5%', [PERCENT_MSG]],
]);

describe('numbers and ports', () => {
  it.each([
    [1, []],
    [65535, []],
    [0, ['must be between 1 and 65535, inclusive']],
    [65536, ['must be between 1 and 65535, inclusive']],
    [-1, ['must be between 1 and 65535, inclusive']],
  ] as Case<number>[])('isValidPortNum(%j)', (n, expected) => {
    expect(isValidPortNum(n)).toEqual(expected);
  });

  it('isInRange', () => {
    expect(isInRange(5, 0, 10)).toEqual([]);
    expect(isInRange(0, 0, 10)).toEqual([]);
    expect(isInRange(11, 0, 10)).toEqual(['must be between 0 and 10, inclusive']);
  });
});

table('isValidPortName', isValidPortName, [
  ['http', []],
  ['h2c', []],
  ['web-8080', []],
  ['a'.repeat(15), []],
  ['a'.repeat(16), ['must be no more than 15 characters']],
  ['', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
  ['8080', ['must contain at least one letter (a-z)']],
  ['HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
  ['a--b', ['must not contain consecutive hyphens']],
  ['-ab', ['must not begin or end with a hyphen']],
  ['ab-', ['must not begin or end with a hyphen']],
  ['a_b', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
]);

describe('IP addresses', () => {
  const IP_MSG = ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
  it.each([
    ['1.2.3.4', true],
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['010.001.002.003', true],
    ['::', true],
    ['::1', true],
    ['2001:db8::ffff', true],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', true],
    ['::ffff:1.2.3.4', true],
    ['::1.2.3.4', true],
    ['1:2:3:4:5:6:1.2.3.4', true],
    ['fe80::', true],
    ['', false],
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['256.1.1.1', false],
    ['1.2.3.-4', false],
    [' 1.2.3.4', false],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1:2:3:4::5:6:7:8', false],
    ['1::2::3', false],
    ['12345::', false],
    ['fe80::1%eth0', false],
    [':1.2.3.4', false],
    ['::1.2.3', false],
    ['g::', false],
  ])('isValidIP(%j) = %j', (v, ok) => {
    expect(isValidIP(v)).toEqual(ok ? [] : IP_MSG);
  });

  it('parses into bytes', () => {
    expect(parseIP('10.0.0.1')).toEqual([10, 0, 0, 1]);
    expect(parseIP('::ffff:10.0.0.1')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 10, 0, 0, 1]);
    expect(parseIP('2001:db8::1')).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('tells IPv4 from IPv6 as net.IP.To4 does', () => {
    expect(isValidIPv4Address('1.2.3.4')).toEqual([]);
    expect(isValidIPv4Address('::ffff:1.2.3.4')).toEqual([]);
    expect(isValidIPv4Address('::1')).toEqual(['must be a valid IPv4 address']);
    expect(isValidIPv4Address('x')).toEqual(['must be a valid IPv4 address']);
    expect(isValidIPv6Address('::1')).toEqual([]);
    expect(isValidIPv6Address('1.2.3.4')).toEqual(['must be a valid IPv6 address']);
    expect(isValidIPv6Address('::ffff:1.2.3.4')).toEqual(['must be a valid IPv6 address']);
  });

  const CIDR_MSG = ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
  it.each([
    ['10.9.8.0/24', true],
    ['10.9.8.7/24', true],
    ['0.0.0.0/0', true],
    ['1.2.3.4/32', true],
    ['2001:db8::/64', true],
    ['::/128', true],
    ['1.2.3.4', false],
    ['1.2.3.4/33', false],
    ['1.2.3.4/', false],
    ['1.2.3.4/-1', false],
    ['::/129', false],
    ['x/8', false],
  ])('isValidCIDR(%j) = %j', (v, ok) => {
    expect(isValidCIDR(v)).toEqual(ok ? [] : CIDR_MSG);
  });
});

describe('isFullyQualifiedDomainName', () => {
  it.each([
    ['example.com', [], 'example.com'],
    ['example.com.', [], 'example.com.'],
    ['a.b.c', [], 'a.b.c'],
    ['', ['must be non-empty'], ''],
    ['example', ['should be a domain with at least two segments separated by dots'], 'example'],
    ['example.', ['should be a domain with at least two segments separated by dots'], 'example'],
    ['Example.com', [DNS1123_SUBDOMAIN_MSG], 'Example.com'],
    [
      `${'a'.repeat(64)}.com`,
      [`must be no more than 63 characters`],
      'a'.repeat(64),
    ],
  ] as [string, string[], string][])('%j', (v, details, bad) => {
    expect(isFullyQualifiedDomainName(v)).toEqual(details);
    expect(fqdnBadValue(v)).toBe(bad);
  });
});

describe('validateAnnotationsSize', () => {
  it('allows up to 256 KiB of keys plus values, counted in bytes', () => {
    expect(validateAnnotationsSize({ a: 'x'.repeat(262143) })).toEqual([]);
    expect(validateAnnotationsSize({ a: 'x'.repeat(262144) })).toEqual(['may not be more than 262144 bytes']);
    expect(validateAnnotationsSize({ a: 'é'.repeat(131072) })).toEqual(['may not be more than 262144 bytes']);
    expect(validateAnnotationsSize({})).toEqual([]);
  });
});
