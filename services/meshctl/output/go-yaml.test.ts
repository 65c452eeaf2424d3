import { describe, expect, it } from 'vitest';
import { goJson, goJsonIndent } from './go-json.js';
import { goYamlStringStyle, resolvesToNonString, toGoYaml } from './go-yaml.js';

describe('go-yaml string styles (as kubectl -o yaml prints them)', () => {
  it.each([
    ['yes', true], ['Y', true], ['on', true], ['null', true], ['~', true], ['', true], ['42', true], ['0x1F', true], ['1e3', true],
    ['.5', true], ['+12', true], ['0755', true], ['1_000', true], ['10:30', true], ['2024-01-01', true], ['2026-11-23T07:05:39Z', true],
    ['12e', false], ['hello', false], ['v1', false], ['x', false], ['yesterday', false], ['=', false],
  ])('%j resolves to a non-string: %s', (s, want) => {
    expect(resolvesToNonString(s)).toBe(want);
  });

  it.each([
    ['hello world', 'PLAIN'], ['x, y', 'PLAIN'], ['<none>', 'PLAIN'], ['with "dq"', 'PLAIN'],
    ['*', 'QUOTE_SINGLE'], ['- x', 'QUOTE_SINGLE'], ['a: b', 'QUOTE_SINGLE'], ['a #b', 'QUOTE_SINGLE'], [' lead', 'QUOTE_SINGLE'], ["'quoted'", 'QUOTE_SINGLE'], ['x:', 'QUOTE_SINGLE'],
    ['a\tb', 'QUOTE_DOUBLE'], ['yes', 'QUOTE_DOUBLE'],
    ['line1\nline2\n', 'BLOCK_LITERAL'], ['line\n  indented\n', 'BLOCK_LITERAL'], ['tr \nx', 'QUOTE_DOUBLE'],
  ])('%j → %s', (s, style) => {
    expect(goYamlStringStyle(s, false)).toBe(style);
  });

  it('prints sorted keys, unindented sequences and literal blocks', () => {
    const doc = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x', annotations: { a: '{"k":1}\n' }, labels: { yes: 'on' } }, data: { list: ['*', 'b'] } };
    expect(toGoYaml(doc)).toBe(
      ['apiVersion: v1', 'data:', '  list:', "  - '*'", '  - b', 'kind: ConfigMap', 'metadata:', '  annotations:', '    a: |', '      {"k":1}', '  labels:', '    "yes": "on"', '  name: x', ''].join('\n'),
    );
  });
});

describe('go JSON', () => {
  it('sorts keys and escapes HTML characters like encoding/json', () => {
    expect(goJson({ b: '<none>', a: [1, { d: '&', c: null }] })).toBe('{"a":[1,{"c":null,"d":"\\u0026"}],"b":"\\u003cnone\\u003e"}');
    expect(goJsonIndent({ b: 1, a: {} })).toBe('{\n    "a": {},\n    "b": 1\n}\n');
  });
});
