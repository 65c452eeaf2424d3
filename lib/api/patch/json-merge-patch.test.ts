import { describe, expect, it } from 'vitest';
import { PatchError } from './errors.js';
import { applyJsonMergePatch, createJsonMergePatch, createThreeWayJsonMergePatch } from './json-merge-patch.js';

describe('applyJsonMergePatch: RFC 7386 appendix A', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(applyJsonMergePatch(target, patch)).toEqual(expected);
  });

  it('keeps nulls inside arrays (arrays are values)', () => {
    expect(applyJsonMergePatch({}, { l: [null, { a: null }] })).toEqual({ l: [null, { a: null }] });
  });

  it('never changes its inputs and shares nothing with them', () => {
    const target = Object.freeze({ keep: Object.freeze({ x: 1 }), change: 1 });
    const patch = Object.freeze({ change: 2, add: Object.freeze({ y: Object.freeze([1]) }) });
    const result = applyJsonMergePatch(target, patch) as Record<string, unknown>;
    expect(result).toEqual({ keep: { x: 1 }, change: 2, add: { y: [1] } });
    expect(result['keep']).not.toBe(target.keep);
    expect(result['add']).not.toBe(patch.add);
  });

  it('treats "__proto__" as an ordinary key', () => {
    const patch: unknown = JSON.parse('{"__proto__": {"polluted": true}}');
    const result = applyJsonMergePatch({}, patch) as object;
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('createJsonMergePatch', () => {
  it.each([
    ['no change', { a: 1, b: { c: [1] } }, { a: 1, b: { c: [1] } }, {}],
    ['changed scalar', { a: 1 }, { a: 2 }, { a: 2 }],
    ['added field', { a: 1 }, { a: 1, b: { c: 1 } }, { b: { c: 1 } }],
    ['removed field', { a: 1, b: 2 }, { a: 1 }, { b: null }],
    ['nested change only', { m: { a: 1, b: 2 } }, { m: { a: 1, b: 3 } }, { m: { b: 3 } }],
    ['array replaced whole', { l: [1, 2, 3] }, { l: [1, 2] }, { l: [1, 2] }],
    ['type change', { a: { b: 1 } }, { a: [1] }, { a: [1] }],
    ['object emptied', { m: { a: 1 } }, { m: {} }, { m: { a: null } }],
  ])('%s', (_name, original, modified, expected) => {
    const patch = createJsonMergePatch(original, modified);
    expect(patch).toEqual(expected);
    expect(applyJsonMergePatch(original, patch)).toEqual(modified);
  });

  it('refuses documents that are not objects', () => {
    expect(() => createJsonMergePatch([1], {})).toThrow(PatchError);
    expect(() => createJsonMergePatch({}, 'x')).toThrow('Invalid JSON Document');
  });
});

describe('createThreeWayJsonMergePatch (kubectl apply on a custom resource)', () => {
  const lastApplied = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', labels: { app: 'reviews', tier: 'backend' } },
    spec: { hosts: ['reviews'], gateways: ['mesh'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] },
  };
  const live = {
    ...lastApplied,
    metadata: { ...lastApplied.metadata, uid: 'u1', resourceVersion: '7', labels: { ...lastApplied.metadata.labels, team: 'x' } },
    spec: { ...lastApplied.spec, exportTo: ['.'] },
    status: { observedGeneration: 1 },
  };

  it('deletes what the file dropped, changes what it changed, keeps what others added', () => {
    const modified = {
      ...lastApplied,
      metadata: { name: 'reviews', labels: { app: 'reviews' } },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] },
    };
    const patch = createThreeWayJsonMergePatch(lastApplied, modified, live);
    expect(patch).toEqual({
      metadata: { labels: { tier: null } },
      spec: { gateways: null, http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] },
    });
    expect(applyJsonMergePatch(live, patch)).toEqual({
      ...live,
      metadata: { ...live.metadata, labels: { app: 'reviews', team: 'x' } },
      spec: { hosts: ['reviews'], exportTo: ['.'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }] },
    });
  });

  it('sends nothing when the file did not change', () => {
    expect(createThreeWayJsonMergePatch(lastApplied, lastApplied, live)).toEqual({});
  });

  it('overrides a value another writer changed, when the file sets it', () => {
    const drifted = { ...live, spec: { ...live.spec, hosts: ['other'] } };
    expect(createThreeWayJsonMergePatch(lastApplied, lastApplied, drifted)).toEqual({ spec: { hosts: ['reviews'] } });
  });

  it('keeps an explicitly empty object as a value and drops empty sub-patches', () => {
    const original = { spec: { a: { x: 1 } } };
    const modified = { spec: { a: { x: 1 }, b: {} } };
    expect(createThreeWayJsonMergePatch(original, modified, { spec: { a: { x: 1 } } })).toEqual({ spec: { b: {} } });
  });

  it('treats a missing last-applied configuration as {} (nothing to delete)', () => {
    expect(createThreeWayJsonMergePatch(undefined, { spec: { a: 1 } }, { spec: { a: 2, b: 3 } })).toEqual({ spec: { a: 1 } });
  });
});
