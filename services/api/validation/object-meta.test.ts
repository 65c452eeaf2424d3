import { describe, it, expect } from 'vitest';
import { isDNS1123Subdomain, isQualifiedName } from '../../../lib/api/name-validation.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import {
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from './object-meta.js';
import type { ObjectMetaRules } from './object-meta.js';

const CORE: ObjectMetaRules = { namespaced: true, name: nameIsDNSSubdomain, kubeFinalizers: true };
const CLUSTER: ObjectMetaRules = { namespaced: false, name: nameIsDNSSubdomain };
const texts = (meta: unknown, rules = CORE) => validateObjectMeta(meta, rules).map(fieldErrorText);
const ok = { name: 'web', namespace: 'default' };

describe('validateObjectMeta', () => {
  it('accepts good metadata', () => {
    expect(
      texts({
        ...ok,
        labels: { app: 'web', 'app.kubernetes.io/name': 'web' },
        annotations: { 'example.com/owner': 'team a' },
        finalizers: ['example.com/cleanup', 'kubernetes'],
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u', controller: true }],
        managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1' }],
      }),
    ).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, ObjectMetaRules?]>([
    ['name required', { namespace: 'default' }, 'metadata.name: Required value: name or generateName is required'],
    ['name format', { ...ok, name: 'Web_1' }, `metadata.name: Invalid value: "Web_1": ${isDNS1123Subdomain('Web_1')[0]}`],
    ['generateName format', { namespace: 'default', generateName: 'Web-' }, `metadata.generateName: Invalid value: "Web-": ${isDNS1123Subdomain('Weba')[0]}`],
    ['namespace required', { name: 'web' }, 'metadata.namespace: Required value'],
    ['namespace forbidden', { name: 'node', namespace: 'x' }, 'metadata.namespace: Forbidden: not allowed on this type', CLUSTER],
    ['generation', { ...ok, generation: -1 }, 'metadata.generation: Invalid value: -1: must be greater than or equal to 0'],
    ['label keys', { ...ok, labels: { 'bad key': 'x' } }, `metadata.labels: Invalid value: "bad key": ${isQualifiedName('bad key')[0]}`],
    ['annotation keys', { ...ok, annotations: { '/x': 'y' } }, 'metadata.annotations: Invalid value: "/x": prefix part must be non-empty'],
    ['owner apiVersion', { ...ok, ownerReferences: [{ kind: 'X', name: 'n', uid: 'u' }] }, 'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty'],
    ['owner uid', { ...ok, ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'n' }] }, 'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty'],
    [
      'one controller',
      {
        ...ok,
        ownerReferences: [
          { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true },
          { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true },
        ],
      },
      'Only one reference can have Controller set to true. Found "true" in references for A/a and B/b',
    ],
    ['events cannot own', { ...ok, ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: '1' }] }, '/v1, Kind=Event is disallowed from being an owner'],
    ['finalizer names', { ...ok, finalizers: ['a b'] }, `metadata.finalizers: Invalid value: "a b": ${isQualifiedName('a b')[0]}`],
    ['core finalizer names', { ...ok, finalizers: ['cleanup'] }, 'metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'],
    ['orphan and foreground', { ...ok, finalizers: ['orphan', 'foregroundDeletion'] }, 'finalizer orphan and foregroundDeletion cannot be both set'],
    ['managed fields operation', { ...ok, managedFields: [{ operation: 'Patch' }] }, 'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`'],
  ])('%s', (_name, meta, expected, rules) => {
    const got = texts(meta, rules ?? CORE);
    expect(got.find((t) => t === expected || t.includes(expected)), got.join('\n')).toBeDefined();
  });

  it('lets generateName stand in for a name yet to be generated', () => {
    expect(texts({ namespace: 'default', generateName: 'web-' })).toEqual([]);
  });

  it('treats wrong types as reported elsewhere', () => {
    expect(() => texts('nope')).not.toThrow();
    expect(texts('nope')).toEqual([]);
    expect(() => texts({ name: 5, namespace: ['x'], labels: 3, finalizers: 'x', ownerReferences: {} })).not.toThrow();
  });
});

describe('name rules', () => {
  it.each<[string, (n: string, p: boolean) => string[], string, boolean, number]>([
    ['subdomain', nameIsDNSSubdomain, 'a.b-c', false, 0],
    ['subdomain prefix may end in a dash', nameIsDNSSubdomain, 'web-', true, 0],
    ['subdomain name may not', nameIsDNSSubdomain, 'web-', false, 1],
    ['label without dots', nameIsDNSLabel, 'a.b', false, 1],
    ['1035 label starts with a letter', nameIsDNS1035Label, '1a', false, 1],
    ['path segment', nameIsPathSegment, 'system:admin', false, 0],
    ['path segment "."', nameIsPathSegment, '..', false, 1],
    ['path segment slash', nameIsPathSegment, 'a/b', false, 1],
  ])('%s', (_name, fn, value, prefix, count) => {
    expect(fn(value, prefix)).toHaveLength(count);
  });

  it('words path-segment problems as Kubernetes does', () => {
    expect(nameIsPathSegment('..', false)).toEqual(["may not be '..'"]);
    expect(nameIsPathSegment('a/b%', false)).toEqual(["may not contain '/'", "may not contain '%'"]);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '7', creationTimestamp: '2024-01-01T00:00:00Z', generation: 3 };
  const update = (meta: Record<string, unknown>, before: Record<string, unknown> = old) => validateObjectMetaUpdate(meta, before, CORE).map(fieldErrorText);

  it('accepts label and annotation changes', () => {
    expect(update({ ...old, labels: { a: 'b' }, annotations: { x: 'y' } })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['name', { ...old, name: 'api' }, 'metadata.name: Invalid value: "api": field is immutable'],
    ['namespace', { ...old, namespace: 'prod' }, 'metadata.namespace: Invalid value: "prod": field is immutable'],
    ['uid', { ...old, uid: 'u2' }, 'metadata.uid: Invalid value: "u2": field is immutable'],
    ['creationTimestamp', { ...old, creationTimestamp: '2025-01-01T00:00:00Z' }, 'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable'],
    ['resourceVersion', { ...old, resourceVersion: '' }, 'metadata.resourceVersion: Invalid value: "": must be specified for an update'],
    ['generation', { ...old, generation: 2 }, 'metadata.generation: Invalid value: 2: must not be decremented'],
  ])('%s', (_name, meta, expected) => {
    expect(update(meta)).toEqual([expected]);
  });

  it('refuses new finalizers once the object is being deleted', () => {
    const deleting = { ...old, deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['example.com/a'] };
    expect(update({ ...deleting, finalizers: ['example.com/a', 'example.com/b'] }, deleting)).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/b"}',
    ]);
    expect(update({ ...deleting, finalizers: [] }, deleting)).toEqual([]);
  });
});
