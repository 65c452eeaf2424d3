import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import type { PrinterColumn } from './crd-printer.js';
import { crdPrinter, parseSimpleJsonPath } from './crd-printer.js';
import { goJsonMarshal } from './go-json.js';

const now = new Date('2024-05-01T12:00:00Z');

function cell(col: PrinterColumn, fields: Record<string, unknown>): unknown {
  const o: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, ...fields };
  return crdPrinter([col]).row(o, now).cells[1];
}

describe('parseSimpleJsonPath', () => {
  it.each<[string, (string | number)[] | undefined]>([
    ['.spec.hosts', ['spec', 'hosts']],
    ['.spec.ports[0].number', ['spec', 'ports', 0, 'number']],
    [".metadata.labels['app.kubernetes.io/name']", ['metadata', 'labels', 'app.kubernetes.io/name']],
    ['.status.conditions[?(@.type=="Ready")].status', undefined],
    ['spec', undefined],
  ])('%s', (path, want) => {
    expect(parseSimpleJsonPath(path)).toEqual(want);
  });
});

describe('CRD printer column cells', () => {
  it.each<[string, PrinterColumn, Record<string, unknown>, unknown]>([
    ['string', { name: 'Host', type: 'string', jsonPath: '.spec.host' }, { spec: { host: 'reviews' } }, 'reviews'],
    ['missing', { name: 'Host', type: 'string', jsonPath: '.spec.host' }, { spec: {} }, null],
    ['JSON null in a string column', { name: 'Host', type: 'string', jsonPath: '.spec.host' }, { spec: { host: null } }, '<no value>'],
    ['array as compact JSON', { name: 'Hosts', type: 'string', jsonPath: '.spec.hosts' }, { spec: { hosts: ['a', 'b&c'] } }, '["a","b\\u0026c"]'],
    ['map with sorted keys', { name: 'Sel', type: 'string', jsonPath: '.spec.selector' }, { spec: { selector: { b: '2', a: '1' } } }, '{"a":"1","b":"2"}'],
    ['integer in a string column', { name: 'N', type: 'string', jsonPath: '.spec.n' }, { spec: { n: 3 } }, '3'],
    ['float in a string column', { name: 'N', type: 'string', jsonPath: '.spec.n' }, { spec: { n: 1.5 } }, '1.5'],
    ['large float in a string column', { name: 'N', type: 'string', jsonPath: '.spec.n' }, { spec: { n: 1234567.5 } }, '1.2345675e+06'],
    ['bool in a string column', { name: 'B', type: 'string', jsonPath: '.spec.b' }, { spec: { b: false } }, 'false'],
    ['integer column truncates', { name: 'N', type: 'integer', jsonPath: '.spec.n' }, { spec: { n: 2.9 } }, 2],
    ['integer column rejects strings', { name: 'N', type: 'integer', jsonPath: '.spec.n' }, { spec: { n: '2' } }, null],
    ['number column', { name: 'N', type: 'number', jsonPath: '.spec.n' }, { spec: { n: 0.25 } }, 0.25],
    ['boolean column', { name: 'B', type: 'boolean', jsonPath: '.spec.b' }, { spec: { b: true } }, true],
    ['date column', { name: 'Seen', type: 'date', jsonPath: '.status.seen' }, { status: { seen: '2024-05-01T09:00:00Z' } }, '3h'],
    ['invalid date', { name: 'Seen', type: 'date', jsonPath: '.status.seen' }, { status: { seen: 'yesterday' } }, '<invalid>'],
    ['empty date', { name: 'Seen', type: 'date', jsonPath: '.status.seen' }, { status: { seen: '' } }, '<unknown>'],
    ['indexed path', { name: 'Port', type: 'integer', jsonPath: '.spec.ports[1].number' }, { spec: { ports: [{ number: 80 }, { number: 443 }] } }, 443],
    ['index out of range', { name: 'Port', type: 'integer', jsonPath: '.spec.ports[2].number' }, { spec: { ports: [] } }, null],
    ['unsupported path', { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' }, { status: {} }, null],
  ])('%s', (_name, col, fields, want) => {
    expect(cell(col, fields)).toEqual(want);
  });

  it('describes columns without a description by their JSONPath', () => {
    const [, col] = crdPrinter([{ name: 'Host', type: 'string', jsonPath: '.spec.host', priority: 1 }]).columns;
    expect(col).toEqual({
      name: 'Host',
      type: 'string',
      format: '',
      description: 'Custom resource definition column (in JSONPath format): .spec.host',
      priority: 1,
    });
  });
});

describe('goJsonMarshal', () => {
  it('writes Go encoding/json output', () => {
    expect(goJsonMarshal({ z: [1, 2.5, true, null], a: { y: '<x>', b: 'line\u2028' } })).toBe(
      '{"a":{"b":"line\\u2028","y":"\\u003cx\\u003e"},"z":[1,2.5,true,null]}',
    );
  });
});
