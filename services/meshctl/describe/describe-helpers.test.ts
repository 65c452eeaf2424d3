import { describe, expect, it } from 'vitest';
import { PrefixWriter } from '../output/prefix-writer.js';
import { splitCamelCase, smartLabel } from './describe-generic.js';
import { eventFieldSelector } from './events.js';
import { printAnnotations, printLabels, printTolerations } from './metadata-lines.js';
import { podQosClass } from './qos-class.js';
import { formatQuantity, parseQuantity } from './quantity.js';

describe('generic describer labels', () => {
  it.each([
    ['apiVersion', 'API Version'],
    ['creationTimestamp', 'Creation Timestamp'],
    ['uid', 'UID'],
    ['mtls', 'Mtls'],
    ['HTTPServer', 'HTTP Server'],
    ['x-y', 'X - Y'],
    ['v1', 'v1'],
  ])('%s → %s', (field, label) => {
    expect(smartLabel(field)).toBe(label);
  });

  it('splits camel case like fatih/camelcase', () => {
    expect(splitCamelCase('PDFLoader')).toEqual(['PDF', 'Loader']);
    expect(splitCamelCase('resourceVersion')).toEqual(['resource', 'Version']);
  });
});

describe('metadata lines', () => {
  it('aligns continuation lines under the first value', () => {
    const w = new PrefixWriter();
    w.write(0, 'Name:\tweb\n');
    printLabels(w, 'Labels', { b: '2', a: '1' });
    printAnnotations(w, 'Annotations', { 'kubectl.kubernetes.io/last-applied-configuration': '{}', note: 'hi' });
    printTolerations(w, 'Tolerations', [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists' }]);
    expect(w.toString()).toBe('Name:         web\nLabels:       a=1\n              b=2\nAnnotations:  note: hi\nTolerations:  op=Exists\n              k:NoExecute op=Exists for 300s\n');
  });

  it('builds the involvedObject field selector in client-go\'s order', () => {
    expect(eventFieldSelector({ name: 'web', namespace: 'demo', kind: 'Deployment', uid: 'u1' })).toBe('involvedObject.kind=Deployment,involvedObject.name=web,involvedObject.namespace=demo,involvedObject.uid=u1');
    expect(eventFieldSelector({ name: 'a,b', namespace: 'demo' })).toBe('involvedObject.name=a\\,b,involvedObject.namespace=demo');
  });
});

describe('quantities and QoS', () => {
  it.each([
    ['100m', 0.1, '100m'],
    ['1.5', 1.5, '1500m'],
    ['128Mi', 128 * 2 ** 20, '128Mi'],
    ['2G', 2e9, '2G'],
    ['1e3', 1000, '1k'],
    ['0', 0, '0'],
  ])('%s', (text, value, formatted) => {
    const q = parseQuantity(text);
    expect(q.value).toBeCloseTo(value);
    expect(formatQuantity(q)).toBe(formatted);
  });

  it('classifies pods', () => {
    const c = (resources: object): object => ({ containers: [{ name: 'c', resources }] });
    expect(podQosClass(c({}))).toBe('BestEffort');
    expect(podQosClass(c({ limits: { cpu: '1', memory: '1Gi' } }))).toBe('Guaranteed');
    expect(podQosClass(c({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }))).toBe('Burstable');
    expect(podQosClass(c({ requests: { cpu: '100m' } }))).toBe('Burstable');
  });
});
