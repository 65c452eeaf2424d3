import { describe, expect, it } from 'vitest';
import {
  FieldSet,
  comparePathElements,
  deserializePathElement,
  fieldElement,
  fieldPath,
  indexElement,
  keyElement,
  pathToString,
  serializePathElement,
  valueElement,
} from './field-set.js';
import type { PathElement } from './field-set.js';

const F = fieldElement;
const K = (fields: Record<string, unknown>): PathElement => keyElement(fields);

describe('path elements', () => {
  it.each<[PathElement, string, string]>([
    [F('spec'), 'f:spec', '.spec'],
    [F('kubectl.kubernetes.io/last-applied-configuration'), 'f:kubectl.kubernetes.io/last-applied-configuration', '.kubectl.kubernetes.io/last-applied-configuration'],
    [K({ name: 'nginx' }), 'k:{"name":"nginx"}', '[name="nginx"]'],
    [K({ protocol: 'TCP', containerPort: 80 }), 'k:{"containerPort":80,"protocol":"TCP"}', '[containerPort=80,protocol="TCP"]'],
    [valueElement('example.com/foo'), 'v:"example.com/foo"', '[="example.com/foo"]'],
    [valueElement(5), 'v:5', '[=5]'],
    [indexElement(3), 'i:3', '[3]'],
  ])('%j serializes as %s and prints as %s', (pe, serialized, printed) => {
    expect(serializePathElement(pe)).toBe(serialized);
    expect(pathToString([pe])).toBe(printed);
    const back = deserializePathElement(serialized);
    expect(back && comparePathElements(back, pe)).toBe(0);
  });

  it('escapes key values as Go encoding/json does', () => {
    expect(serializePathElement(K({ name: 'a<b>&"c"' }))).toBe('k:{"name":"a\\u003cb\\u003e\\u0026\\"c\\""}');
    expect(serializePathElement(valueElement({ b: 1, a: [true, null] }))).toBe('v:{"a":[true,null],"b":1}');
  });

  it('orders fields before keys before values before indexes', () => {
    const sorted = [indexElement(0), valueElement('x'), K({ name: 'a' }), F('z'), F('a')].sort(comparePathElements);
    expect(sorted.map(serializePathElement)).toEqual(['f:a', 'f:z', 'k:{"name":"a"}', 'v:"x"', 'i:0']);
  });

  it('orders values numbers < strings < bools < lists < maps < null', () => {
    const sorted = [null, { a: 1 }, [1], true, 'a', 2, 1].map(valueElement).sort(comparePathElements);
    expect(sorted.map(serializePathElement)).toEqual(['v:1', 'v:2', 'v:"a"', 'v:true', 'v:[1]', 'v:{"a":1}', 'v:null']);
  });

  it('drops unknown element types and rejects malformed ones', () => {
    expect(deserializePathElement('x:whatever')).toBeUndefined();
    expect(() => deserializePathElement('f')).toThrow('key must be 2 characters long:');
    expect(() => deserializePathElement('fxname')).toThrow('missing colon: fxname');
    expect(() => deserializePathElement('i:one')).toThrow('invalid syntax');
  });
});

describe('FieldsV1', () => {
  it('reads and writes the ConfigMap example of the server-side apply documentation', () => {
    // kubernetes.io/docs/reference/using-api/server-side-apply/#managed-fields
    const fieldsV1 = { 'f:metadata': { 'f:labels': { 'f:test-label': {} } }, 'f:data': { 'f:key': {} } };
    const set = FieldSet.fromFieldsV1(fieldsV1);
    expect(set.paths().map(pathToString)).toEqual(['.data.key', '.metadata.labels.test-label']);
    expect(set.toFieldsV1()).toEqual(fieldsV1);
    // Keys are written sorted, as kube-apiserver writes them.
    expect(set.toJSON()).toBe('{"f:data":{"f:key":{}},"f:metadata":{"f:labels":{"f:test-label":{}}}}');
  });

  it('writes a member that has children as its children plus "." last', () => {
    const set = FieldSet.of([
      fieldPath('spec', 'containers', K({ name: 'app' })),
      fieldPath('spec', 'containers', K({ name: 'app' }), 'image'),
      fieldPath('spec', 'containers', K({ name: 'app' }), 'name'),
      fieldPath('metadata', 'finalizers', valueElement('example.com/a')),
      fieldPath('metadata', 'finalizers'),
    ]);
    expect(set.toJSON()).toBe(
      '{"f:metadata":{"f:finalizers":{"v:\\"example.com/a\\"":{},".":{}}},' +
        '"f:spec":{"f:containers":{"k:{\\"name\\":\\"app\\"}":{"f:image":{},"f:name":{},".":{}}}}}',
    );
    const back = FieldSet.fromFieldsV1(JSON.parse(set.toJSON()));
    expect(back.equals(set)).toBe(true);
    expect(back.has(fieldPath('spec', 'containers', K({ name: 'app' })))).toBe(true);
    expect(back.has(fieldPath('spec', 'containers'))).toBe(false);
    expect(back.has(fieldPath('metadata', 'finalizers'))).toBe(true);
  });

  it('round-trips a realistic Deployment set as kube-apiserver writes it', () => {
    const fieldsV1 = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
              },
            },
          },
        },
      },
    };
    const set = FieldSet.fromFieldsV1(fieldsV1);
    expect(set.toFieldsV1()).toEqual(fieldsV1);
    expect(set.has(fieldPath('spec', 'template', 'spec', 'containers', K({ name: 'nginx' }), 'ports', K({ containerPort: 80, protocol: 'TCP' })))).toBe(true);
    expect(set.size()).toBe(13);
  });

  it('treats an empty object as a member and ignores unknown element types', () => {
    const set = FieldSet.fromFieldsV1({ 'f:a': {}, 'x:future': {}, 'f:b': { 'x:future': {} } });
    expect(set.paths().map(pathToString)).toEqual(['.a', '.b']);
    expect(FieldSet.fromFieldsV1(undefined).isEmpty()).toBe(true);
  });
});

describe('set operations', () => {
  const a = FieldSet.of([fieldPath('spec', 'replicas'), fieldPath('spec', 'paused'), fieldPath('data', 'x')]);
  const b = FieldSet.of([fieldPath('spec', 'replicas'), fieldPath('data', 'y')]);
  const text = (s: FieldSet): string[] => s.paths().map(pathToString);

  it('union, intersection and difference', () => {
    expect(text(a.union(b))).toEqual(['.data.x', '.data.y', '.spec.paused', '.spec.replicas']);
    expect(text(a.intersection(b))).toEqual(['.spec.replicas']);
    expect(text(a.difference(b))).toEqual(['.data.x', '.spec.paused']);
    expect(text(b.difference(a))).toEqual(['.data.y']);
    expect(a.difference(a).isEmpty()).toBe(true);
  });

  it('difference keeps children of a removed parent; recursive difference drops them', () => {
    const withChild = FieldSet.of([fieldPath('spec', 'template'), fieldPath('spec', 'template', 'x')]);
    const parent = FieldSet.of([fieldPath('spec', 'template')]);
    expect(text(withChild.difference(parent))).toEqual(['.spec.template.x']);
    expect(withChild.recursiveDifference(parent).isEmpty()).toBe(true);
  });

  it('leaves drops members that have children', () => {
    const s = FieldSet.of([fieldPath('l', K({ name: 'a' })), fieldPath('l', K({ name: 'a' }), 'name'), fieldPath('x')]);
    expect(text(s.leaves())).toEqual(['.x', '.l[name="a"].name']);
  });

  it('lists paths members first, depth first, as Set.String does', () => {
    const s = FieldSet.of([fieldPath('b', 'c'), fieldPath('a'), fieldPath('b'), fieldPath('b', 'a', 'z')]);
    expect(s.toString()).toBe('.a\n.b\n.b.c\n.b.a.z');
  });
});
