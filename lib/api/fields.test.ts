import { describe, it, expect } from 'vitest';
import {
  EVERY_FIELD,
  escapeFieldValue,
  fieldSelectorToString,
  matchesFields,
  parseFieldSelector,
  requiredFieldValue,
  unescapeFieldValue,
  unsupportedField,
} from './fields.js';
import type { FieldRequirement } from './fields.js';
import { SelectorParseError } from './labels.js';

const term = (field: string, operator: FieldRequirement['operator'], value: string): FieldRequirement => ({ field, operator, value });

describe('parseFieldSelector: valid input', () => {
  it.each<[string, FieldRequirement[], string]>([
    ['', [], ''],
    [',', [], ''],
    ['a=b', [term('a', '=', 'b')], 'a=b'],
    ['a==b', [term('a', '==', 'b')], 'a=b'],
    ['a!=b', [term('a', '!=', 'b')], 'a!=b'],
    ['a=', [term('a', '=', '')], 'a='],
    ['=b', [term('', '=', 'b')], '=b'],
    ['metadata.name=my-pod', [term('metadata.name', '=', 'my-pod')], 'metadata.name=my-pod'],
    ['status.phase!=Running,spec.nodeName=', [term('spec.nodeName', '=', ''), term('status.phase', '!=', 'Running')], 'spec.nodeName=,status.phase!=Running'],
    ['b=1,,a=2', [term('a', '=', '2'), term('b', '=', '1')], 'a=2,b=1'],
    // Nothing is trimmed.
    ['a = b', [term('a ', '=', ' b')], 'a = b'],
    // Escapes in values.
    ['a=x\\,y', [term('a', '=', 'x,y')], 'a=x\\,y'],
    ['a=x\\=y', [term('a', '=', 'x=y')], 'a=x\\=y'],
    ['a=x\\\\y', [term('a', '=', 'x\\y')], 'a=x\\\\y'],
    ['a=\\,,b=\\\\', [term('a', '=', ','), term('b', '=', '\\')], 'a=\\,,b=\\\\'],
    // At each position '!=' is tried before '==' and '='.
    ['a!=!b', [term('a', '!=', '!b')], 'a!=!b'],
  ])('%j', (text, requirements, canonical) => {
    const sel = parseFieldSelector(text);
    expect(sel.requirements).toEqual(requirements);
    expect(fieldSelectorToString(sel)).toBe(canonical);
    expect(parseFieldSelector(canonical).requirements.map((r) => [r.field, r.operator === '!=', r.value])).toEqual(
      requirements.map((r) => [r.field, r.operator === '!=', r.value]),
    );
  });
});

describe('parseFieldSelector: errors', () => {
  it.each<[string, string]>([
    ['a', "invalid selector: 'a'; can't understand 'a'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['z,a', "invalid selector: 'z,a'; can't understand 'a'"],
    ['a<b', "invalid selector: 'a<b'; can't understand 'a<b'"],
    ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
    ['a!==b', 'invalid field selector: unescaped character in value: 61'],
    ['a==!=b', 'invalid field selector: unescaped character in value: 61'],
    ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
  ])('%j', (text, message) => {
    expect(() => parseFieldSelector(text)).toThrow(new SelectorParseError(message));
  });
});

describe('escapes', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['a\\b', 'a\\\\b'],
    ['\\,=', '\\\\\\,\\='],
  ])('%j <-> %j', (raw, escaped) => {
    expect(escapeFieldValue(raw)).toBe(escaped);
    expect(unescapeFieldValue(escaped)).toBe(raw);
  });

  it('rejects bare special characters', () => {
    expect(() => unescapeFieldValue('a,b')).toThrow(new SelectorParseError('invalid field selector: unescaped character in value: 44'));
  });
});

describe('matchesFields', () => {
  const fields: Record<string, string> = { 'metadata.name': 'web-1', 'status.phase': 'Running', 'spec.nodeName': '' };
  const get = (f: string): string | undefined => fields[f];
  it.each<[string, boolean]>([
    ['', true],
    ['metadata.name=web-1', true],
    ['metadata.name==web-1', true],
    ['metadata.name=web-2', false],
    ['metadata.name!=web-2', true],
    ['metadata.name!=web-1', false],
    ['spec.nodeName=', true],
    ['missing=', true],
    ['missing!=', false],
    ['missing=x', false],
    ['missing!=x', true],
    ['metadata.name=web-1,status.phase=Running', true],
    ['metadata.name=web-1,status.phase!=Running', false],
  ])('%j', (text, expected) => {
    expect(matchesFields(parseFieldSelector(text), get)).toBe(expected);
  });

  it('EVERY_FIELD matches anything', () => {
    expect(matchesFields(EVERY_FIELD, () => undefined)).toBe(true);
  });
});

describe('unsupportedField and requiredFieldValue', () => {
  const allowed = ['metadata.name', 'metadata.namespace', 'status.phase'];
  it('names the first field outside the allowed set', () => {
    expect(unsupportedField(parseFieldSelector('metadata.name=a,status.phase=b'), allowed)).toBeUndefined();
    expect(unsupportedField(parseFieldSelector('spec.x=a,metadata.name=b,spec.y=c'), allowed)).toBe('spec.x');
    expect(unsupportedField(parseFieldSelector('a =b'), ['a'])).toBe('a ');
    expect(unsupportedField(EVERY_FIELD, [])).toBeUndefined();
  });

  it('finds the exact value a selector requires', () => {
    expect(requiredFieldValue(parseFieldSelector('metadata.name==x,status.phase=y'), 'metadata.name')).toBe('x');
    expect(requiredFieldValue(parseFieldSelector('metadata.name!=x'), 'metadata.name')).toBeUndefined();
    expect(requiredFieldValue(parseFieldSelector('status.phase=y'), 'metadata.name')).toBeUndefined();
  });
});
