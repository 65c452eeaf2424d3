import { describe, it, expect } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { fieldErrorText } from '../../../lib/api/field-errors.js';
import { resolveIstioHost, validateVirtualServiceSubsets } from './index.js';

function vs(routes: { host: string; subset?: string }[], namespace = 'default'): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace },
    spec: { hosts: ['reviews'], http: [{ route: routes.map((destination) => ({ destination, weight: Math.floor(100 / routes.length) })) }] },
  } as KubeObject;
}

function dr(host: string, subsets: string[], namespace = 'default'): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: `dr-${host}`, namespace },
    spec: { host, subsets: subsets.map((name) => ({ name, labels: { version: name } })) },
  } as KubeObject;
}

describe('validateVirtualServiceSubsets', () => {
  it('resolves short host names in the object namespace', () => {
    expect(resolveIstioHost('reviews', 'default')).toBe('reviews.default.svc.cluster.local');
    expect(resolveIstioHost('reviews.prod.svc.cluster.local', 'default')).toBe('reviews.prod.svc.cluster.local');
    expect(resolveIstioHost('*', 'default')).toBe('*');
    expect(resolveIstioHost('10.96.0.10', 'default')).toBe('10.96.0.10');
  });

  it('accepts subsets a DestinationRule for the host defines, short or long names alike', () => {
    const rules = [dr('reviews', ['v1']), dr('reviews.default.svc.cluster.local', ['v2'])];
    expect(validateVirtualServiceSubsets(vs([{ host: 'reviews', subset: 'v1' }, { host: 'reviews.default.svc.cluster.local', subset: 'v2' }]), rules)).toEqual([]);
  });

  it('accepts destinations without a subset even with no rules', () => {
    expect(validateVirtualServiceSubsets(vs([{ host: 'reviews' }]), [])).toEqual([]);
  });

  it('reports a subset no rule defines, at its path', () => {
    const errs = validateVirtualServiceSubsets(vs([{ host: 'reviews', subset: 'v1' }, { host: 'reviews', subset: 'v3' }]), [dr('reviews', ['v1', 'v2'])]);
    expect(errs.map(fieldErrorText)).toEqual([
      'spec.http[0].route[1].destination.subset: Invalid value: "v3": Referenced host+subset in destinationrule not found: "reviews.default.svc.cluster.local+v3"',
    ]);
  });

  it('does not take a rule for the same short name in another namespace', () => {
    const errs = validateVirtualServiceSubsets(vs([{ host: 'reviews', subset: 'v1' }]), [dr('reviews', ['v1'], 'prod')]);
    expect(errs).toHaveLength(1);
    expect(errs[0]?.field).toBe('spec.http[0].route[0].destination.subset');
  });

  it('takes wildcard rules that cover the host', () => {
    expect(validateVirtualServiceSubsets(vs([{ host: 'reviews', subset: 'v1' }]), [dr('*.default.svc.cluster.local', ['v1'], 'istio-system')])).toEqual([]);
  });
});
