import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import { validateCreate, validateUpdate } from './index.js';
import { at } from './test-support.js';

type Obj = KubeObject;

const lease = (): Obj =>
  ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'scheduler', namespace: 'kube-system', resourceVersion: '1' },
    spec: { holderIdentity: 'control-1', leaseDurationSeconds: 15, leaseTransitions: 0, renewTime: '2024-01-01T00:00:00.000000Z' },
  }) as unknown as Obj;

const texts = (o: KubeObject) => validateCreate('coordination.k8s.io/Lease', o).map(fieldErrorText);

describe('Lease validation', () => {
  it('accepts a valid lease, with or without a holder', () => {
    expect(texts(lease())).toEqual([]);
    const free = lease();
    delete at(free, 'spec').holderIdentity;
    expect(texts(free)).toEqual([]);
  });

  it.each<[string, (o: Obj) => void, string]>([
    ['leaseDurationSeconds > 0', (o) => (at(o, 'spec').leaseDurationSeconds = 0), 'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'],
    ['leaseTransitions >= 0', (o) => (at(o, 'spec').leaseTransitions = -1), 'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0'],
    ['preferredHolder needs a strategy', (o) => (at(o, 'spec').preferredHolder = 'control-2'), 'spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined'],
  ])('%s', (_name, mutate, expected) => {
    const o = lease();
    mutate(o);
    expect(texts(o)).toEqual([expected]);
  });

  it('lets the holder change on update', () => {
    const now = lease();
    at(now, 'spec').holderIdentity = 'control-2';
    at(now, 'spec').leaseTransitions = 1;
    expect(validateUpdate('coordination.k8s.io/Lease', now, lease())).toEqual([]);
  });
});
