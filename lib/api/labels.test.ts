import { describe, it, expect } from 'vitest';
import {
  EVERYTHING,
  NOTHING,
  SelectorParseError,
  isEverything,
  labelSelectorToString,
  matchesLabels,
  newRequirement,
  parseLabelSelector,
  selectorFromMetav1,
  selectorFromSet,
  validateAnnotations,
  validateLabels,
  validateMetav1LabelSelector,
} from './labels.js';
import type { LabelSelector, Requirement } from './labels.js';
import { FieldPath, fieldErrorText } from './field-errors.js';

const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const QUALIFIED_NAME_MSG =
  "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";

const req = (key: string, operator: Requirement['operator'], ...values: string[]): Requirement => ({ key, operator, values });

function parseError(text: string): string {
  try {
    parseLabelSelector(text);
  } catch (e) {
    expect(e).toBeInstanceOf(SelectorParseError);
    expect((e as Error).name).toBe('SelectorParseError');
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(text)} not to parse`);
}

describe('parseLabelSelector: valid input', () => {
  it.each<[string, Requirement[], string]>([
    ['', [], ''],
    ['   ', [], ''],
    ['a=b', [req('a', '=', 'b')], 'a=b'],
    ['a==b', [req('a', '==', 'b')], 'a==b'],
    ['a!=b', [req('a', '!=', 'b')], 'a!=b'],
    ['a', [req('a', 'exists')], 'a'],
    ['!a', [req('a', '!')], '!a'],
    ['! a', [req('a', '!')], '!a'],
    ['a=', [req('a', '=', '')], 'a='],
    ['a!=', [req('a', '!=', '')], 'a!='],
    ['a=,b', [req('a', '=', ''), req('b', 'exists')], 'a=,b'],
    ['a in (x,y)', [req('a', 'in', 'x', 'y')], 'a in (x,y)'],
    ['a in (y,x,y)', [req('a', 'in', 'x', 'y')], 'a in (x,y)'],
    ['a notin (x)', [req('a', 'notin', 'x')], 'a notin (x)'],
    ['a in ()', [req('a', 'in', '')], 'a in ()'],
    ['a in (,)', [req('a', 'in', '')], 'a in ()'],
    ['a in (x,)', [req('a', 'in', '', 'x')], 'a in (,x)'],
    ['a in (,x)', [req('a', 'in', '', 'x')], 'a in (,x)'],
    ['a in (x,,y)', [req('a', 'in', '', 'x', 'y')], 'a in (,x,y)'],
    ['a in (in,notin)', [req('a', 'in', 'in', 'notin')], 'a in (in,notin)'],
    ['in=notin', [req('in', '=', 'notin')], 'in=notin'],
    ['a>1', [req('a', 'gt', '1')], 'a>1'],
    ['a<10', [req('a', 'lt', '10')], 'a<10'],
    ['  a  =  b  ,  c  ', [req('a', '=', 'b'), req('c', 'exists')], 'a=b,c'],
    ['a\t=\nb', [req('a', '=', 'b')], 'a=b'],
    ['a=b,a!=c', [req('a', '=', 'b'), req('a', '!=', 'c')], 'a=b,a!=c'],
    ['z=1,y notin (a),!x,w', [req('w', 'exists'), req('x', '!'), req('y', 'notin', 'a'), req('z', '=', '1')], 'w,!x,y notin (a),z=1'],
    ['app.kubernetes.io/name=my-app.v1_2', [req('app.kubernetes.io/name', '=', 'my-app.v1_2')], 'app.kubernetes.io/name=my-app.v1_2'],
    ['x notin (foo,,baz),y,z notin ()', [req('x', 'notin', '', 'baz', 'foo'), req('y', 'exists'), req('z', 'notin', '')], 'x notin (,baz,foo),y,z notin ()'],
  ])('%j', (text, requirements, canonical) => {
    const sel = parseLabelSelector(text);
    expect(sel.requirements).toEqual(requirements);
    expect(labelSelectorToString(sel)).toBe(canonical);
    // The canonical form parses back to the same selector.
    expect(parseLabelSelector(canonical).requirements).toEqual(requirements);
  });

  it('an empty selector selects everything', () => {
    expect(isEverything(parseLabelSelector(''))).toBe(true);
    expect(isEverything(parseLabelSelector('a'))).toBe(false);
  });
});

describe('parseLabelSelector: errors', () => {
  it.each<[string, string]>([
    [',', "found ',', expected: !, identifier, or 'end of string'"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b==c', "found '==', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!!a', "unable to parse requirement: found '!', expected: identifier"],
    ['a!==b', "unable to parse requirement: found '=', expected: identifier"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['a in', "unable to parse requirement: found '' expected: '('"],
    ['a in b', "unable to parse requirement: found 'b' expected: '('"],
    ['a in (b', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['a in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a notin ((b))', "unable to parse requirement: found '(', expected: ',', ')' or identifier"],
    ['a/b/c', `unable to parse requirement: <nil>: Invalid value: "a/b/c": ${QUALIFIED_NAME_MSG}`],
    ['-a=b', `unable to parse requirement: <nil>: Invalid value: "-a": ${NAME_PART_MSG}`],
    ['a=-b', `unable to parse requirement: values[0][a]: Invalid value: "-b": ${LABEL_VALUE_MSG}`],
    ['a=b|c', `unable to parse requirement: values[0][a]: Invalid value: "b|c": ${LABEL_VALUE_MSG}`],
    [
      `a=${'v'.repeat(64)}`,
      `unable to parse requirement: values[0][a]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    ],
    [
      'a in (x,-y,-z)',
      `unable to parse requirement: [values[0][a]: Invalid value: "-y": ${LABEL_VALUE_MSG}, values[1][a]: Invalid value: "-z": ${LABEL_VALUE_MSG}]`,
    ],
    // Values must also be label values, so a negative bound cannot be written.
    ['a<-10', `unable to parse requirement: values[0][a]: Invalid value: "-10": ${LABEL_VALUE_MSG}`],
    ['a>b', `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a>1.5', `unable to parse requirement: values[0]: Invalid value: "1.5": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a<', `unable to parse requirement: values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`],
  ])('%j', (text, message) => {
    expect(parseError(text)).toBe(message);
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'frontend', version: '10', empty: '' };
  it.each<[string, boolean]>([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['missing=web', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=web', true],
    ['app in (web,db)', true],
    ['app in (db)', false],
    ['missing in (web)', false],
    ['app notin (db)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['app', true],
    ['missing', false],
    ['!app', false],
    ['!missing', true],
    ['empty', true],
    ['empty=', true],
    ['empty in ()', true],
    ['missing=', false],
    ['version>9', true],
    ['version>10', false],
    ['version<11', true],
    ['version<10', false],
    ['app>1', false],
    ['missing<100', false],
    ['app=web,tier=frontend', true],
    ['app=web,tier=backend', false],
  ])('%j', (text, expected) => {
    expect(matchesLabels(parseLabelSelector(text), labels)).toBe(expected);
  });

  it('treats undefined labels as no labels', () => {
    expect(matchesLabels(parseLabelSelector('a!=b,!c'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('a'), undefined)).toBe(false);
    expect(matchesLabels(EVERYTHING, undefined)).toBe(true);
  });

  it('does not see inherited properties as labels', () => {
    expect(matchesLabels(parseLabelSelector('toString'), {})).toBe(false);
    expect(matchesLabels(parseLabelSelector('!constructor'), {})).toBe(true);
  });

  it('NOTHING matches nothing, not even empty labels', () => {
    expect(matchesLabels(NOTHING, {})).toBe(false);
    expect(matchesLabels(NOTHING, { a: 'b' })).toBe(false);
    expect(labelSelectorToString(NOTHING)).toBe('');
    expect(isEverything(NOTHING)).toBe(false);
  });
});

describe('newRequirement and selectorFromSet', () => {
  it('validates like labels.NewRequirement', () => {
    expect(newRequirement('a', 'in', ['y', 'x'])).toEqual(req('a', 'in', 'y', 'x'));
    expect(() => newRequirement('a', 'in', [])).toThrow(
      new SelectorParseError("values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"),
    );
    expect(() => newRequirement('a', '=', ['x', 'y'])).toThrow(
      new SelectorParseError('values: Invalid value: ["x","y"]: exact-match compatibility requires one single value'),
    );
    expect(() => newRequirement('a', 'exists', ['x'])).toThrow(
      new SelectorParseError('values: Invalid value: ["x"]: values set must be empty for exists and does not exist'),
    );
    expect(() => newRequirement('a', 'gt', ['1', '2'])).toThrow(
      new SelectorParseError(`values: Invalid value: ["1","2"]: for 'Gt', 'Lt' operators, exactly one value is required`),
    );
    expect(() => newRequirement('', '=', ['x'])).toThrow(
      new SelectorParseError(`key: Invalid value: "": name part must be non-empty; ${NAME_PART_MSG}`),
    );
  });

  it('prints in-sets sorted without changing the stored order', () => {
    const sel: LabelSelector = { requirements: [newRequirement('a', 'in', ['y', 'x'])] };
    expect(labelSelectorToString(sel)).toBe('a in (x,y)');
    expect(sel.requirements[0]?.values).toEqual(['y', 'x']);
  });

  it('builds an equality selector from a set, sorted by key', () => {
    const sel = selectorFromSet({ b: '2', a: '1' });
    expect(labelSelectorToString(sel)).toBe('a=1,b=2');
    expect(matchesLabels(sel, { a: '1', b: '2', c: '3' })).toBe(true);
    expect(matchesLabels(sel, { a: '1' })).toBe(false);
    expect(isEverything(selectorFromSet({}))).toBe(true);
    expect(isEverything(selectorFromSet(undefined))).toBe(true);
  });
});

describe('selectorFromMetav1', () => {
  it('null and undefined select nothing; {} selects everything', () => {
    expect(selectorFromMetav1(undefined)).toBe(NOTHING);
    expect(selectorFromMetav1(null)).toBe(NOTHING);
    expect(isEverything(selectorFromMetav1({}))).toBe(true);
    expect(isEverything(selectorFromMetav1({ matchLabels: {}, matchExpressions: [] }))).toBe(true);
    expect(matchesLabels(selectorFromMetav1({}), {})).toBe(true);
  });

  it('converts matchLabels and matchExpressions, sorted by key', () => {
    const sel = selectorFromMetav1({
      matchLabels: { tier: 'web', app: 'shop' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'staging'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'NotIn', values: ['b'] },
        { key: 'owner', operator: 'Exists', values: [] },
      ],
    });
    expect(sel.requirements).toEqual([
      req('app', '=', 'shop'),
      req('canary', '!'),
      req('env', 'in', 'prod', 'staging'),
      req('owner', 'exists'),
      req('tier', '=', 'web'),
      req('zone', 'notin', 'b'),
    ]);
    expect(labelSelectorToString(sel)).toBe('app=shop,!canary,env in (prod,staging),owner,tier=web,zone notin (b)');
    expect(matchesLabels(sel, { app: 'shop', tier: 'web', env: 'prod', owner: 'me' })).toBe(true);
    expect(matchesLabels(sel, { app: 'shop', tier: 'web', env: 'prod', owner: 'me', zone: 'b' })).toBe(false);
    expect(matchesLabels(sel, { app: 'shop', tier: 'web', env: 'prod', owner: 'me', canary: 'x' })).toBe(false);
  });

  it.each<[unknown, string]>([
    [{ matchExpressions: [{ key: 'a', operator: 'Foo' }] }, '"Foo" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a' }] }, '"" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      'values: Invalid value: ["x"]: values set must be empty for exists and does not exist',
    ],
    [{ matchLabels: { 'a b': 'c' } }, `key: Invalid value: "a b": ${NAME_PART_MSG}`],
    [{ matchLabels: { a: '-c' } }, `values[0][a]: Invalid value: "-c": ${LABEL_VALUE_MSG}`],
    ['app=web', 'label selector must be an object'],
    [{ matchLabels: { a: 1 } }, 'matchLabels[a] must be a string'],
  ])('rejects %j', (input, message) => {
    expect(() => selectorFromMetav1(input)).toThrow(new SelectorParseError(message));
  });
});

const texts = (errs: ReturnType<typeof validateLabels>): string[] => errs.map(fieldErrorText);

describe('validateLabels', () => {
  const path = FieldPath.root('metadata', 'labels');
  it.each<[unknown, string[]]>([
    [undefined, []],
    [null, []],
    [{}, []],
    [{ app: 'web', 'app.kubernetes.io/name': 'x', empty: '' }, []],
    [{ '-bad': 'ok' }, [`metadata.labels: Invalid value: "-bad": ${NAME_PART_MSG}`]],
    [{ ok: 'bad value' }, [`metadata.labels: Invalid value: "bad value": ${LABEL_VALUE_MSG}`]],
    [
      { 'a/b/c': '-v' },
      [`metadata.labels: Invalid value: "a/b/c": ${QUALIFIED_NAME_MSG}`, `metadata.labels: Invalid value: "-v": ${LABEL_VALUE_MSG}`],
    ],
    [{ k: 'v'.repeat(64) }, [`metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`]],
    [{ k: 5 }, ['metadata.labels[k]: Invalid value: 5: must be of type string']],
    ['x', ['metadata.labels: Invalid value: "x": must be of type object']],
  ])('%j', (labels, expected) => {
    expect(texts(validateLabels(labels, path))).toEqual(expected);
  });
});

describe('validateAnnotations', () => {
  const path = FieldPath.root('metadata', 'annotations');
  it('checks keys case-insensitively, reporting the key as written', () => {
    expect(texts(validateAnnotations({ 'Example.COM/Thing': 'any value at all: /!', kubectl: '' }, path))).toEqual([]);
    expect(texts(validateAnnotations({ 'Bad Key': 'x' }, path))).toEqual([`metadata.annotations: Invalid value: "Bad Key": ${NAME_PART_MSG}`]);
  });

  it('limits the total size to 256 KiB', () => {
    expect(texts(validateAnnotations({ a: 'x'.repeat(262143) }, path))).toEqual([]);
    expect(texts(validateAnnotations({ a: 'x'.repeat(262144) }, path))).toEqual([
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ]);
  });

  it('accepts absent annotations', () => {
    expect(validateAnnotations(undefined, path)).toEqual([]);
  });
});

describe('validateMetav1LabelSelector', () => {
  const path = FieldPath.root('spec', 'selector');
  it.each<[unknown, string[]]>([
    [undefined, []],
    [null, []],
    [{}, []],
    [
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'a', operator: 'In', values: ['x'] },
          { key: 'b', operator: 'NotIn', values: [''] },
          { key: 'c', operator: 'Exists' },
          { key: 'd', operator: 'DoesNotExist', values: [] },
        ],
      },
      [],
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'In' }] },
      ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] },
      ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] },
      ['spec.selector.matchExpressions[0].operator: Invalid value: "in": not a valid selector operator'],
    ],
    [
      { matchExpressions: [{ key: 'a' }] },
      ['spec.selector.matchExpressions[0].operator: Invalid value: "": not a valid selector operator'],
    ],
    [
      { matchExpressions: [{ key: '-a', operator: 'Exists' }] },
      [`spec.selector.matchExpressions[0].key: Invalid value: "-a": ${NAME_PART_MSG}`],
    ],
    [
      { matchExpressions: [{ operator: 'Exists' }] },
      [`spec.selector.matchExpressions[0].key: Invalid value: "": name part must be non-empty`, `spec.selector.matchExpressions[0].key: Invalid value: "": ${NAME_PART_MSG}`],
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', '-bad'] }] },
      [`spec.selector.matchExpressions[0].values[1]: Invalid value: "-bad": ${LABEL_VALUE_MSG}`],
    ],
    [{ matchLabels: { app: '-web' } }, [`spec.selector.matchLabels: Invalid value: "-web": ${LABEL_VALUE_MSG}`]],
    [
      { matchLabels: { '-app': 'web' }, matchExpressions: [{ key: 'b', operator: 'Foo', values: ['x'] }] },
      [
        `spec.selector.matchLabels: Invalid value: "-app": ${NAME_PART_MSG}`,
        'spec.selector.matchExpressions[0].operator: Invalid value: "Foo": not a valid selector operator',
      ],
    ],
    [{ matchExpressions: 'x' }, ['spec.selector.matchExpressions: Invalid value: "x": must be of type array']],
    [[], ['spec.selector: Invalid value: []: must be of type object']],
  ])('%j', (selector, expected) => {
    expect(texts(validateMetav1LabelSelector(selector, path))).toEqual(expected);
  });

  it('can allow invalid values in selector expressions', () => {
    const sel = { matchExpressions: [{ key: 'a', operator: 'In', values: ['-bad'] }] };
    expect(validateMetav1LabelSelector(sel, path, { allowInvalidLabelValueInSelector: true })).toEqual([]);
  });
});
