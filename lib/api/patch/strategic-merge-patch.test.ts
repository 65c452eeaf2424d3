// Applying strategic merge patches: merge rules, directives, errors (texts and the response
// kube-apiserver gives), purity.
import { describe, expect, it } from 'vitest';
import { PatchError } from './errors.js';
import { NO_PATCH_META } from './patch-meta.js';
import { mergeList, mergeSet, object, patchMetaFrom } from './patch-meta-builder.js';
import { applyStrategicMergePatch, createThreeWayMergePatch, createTwoWayMergePatch } from './strategic-merge-patch.js';

const meta = patchMetaFrom({
  items: mergeList('name', { ports: mergeList('port') }),
  tags: mergeSet,
  plain: {},
  retained: object({}, ['retainKeys']),
  whole: { strategies: ['replace'] },
  nested: object({ items: mergeList('name') }),
  keyless: { strategies: ['merge'] },
});

function apply(original: unknown, patch: unknown): unknown {
  return applyStrategicMergePatch(original, patch, meta);
}

function failure(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

describe('applyStrategicMergePatch: merge rules', () => {
  it.each([
    ['merges maps recursively', { a: { b: 1, c: 2 } }, { a: { c: 3, d: 4 } }, { a: { b: 1, c: 3, d: 4 } }],
    ['deletes fields set to null', { a: 1, b: { c: 1, d: 2 } }, { a: null, b: { d: null } }, { b: { c: 1 } }],
    ['ignores null for absent fields', { a: 1 }, { zz: null }, { a: 1 }],
    ['drops null fields inside new maps', { a: 1 }, { b: { c: null, d: 1 } }, { a: 1, b: { d: 1 } }],
    ['replaces lists without merge strategy', { plain: [1, 2, 3] }, { plain: [4] }, { plain: [4] }],
    ['replaces lists unknown to the meta', { other: [{ name: 'x' }] }, { other: [{ name: 'y' }] }, { other: [{ name: 'y' }] }],
    ['merges lists of primitives as sets', { tags: ['a', 'b'] }, { tags: ['b', 'c'] }, { tags: ['a', 'b', 'c'] }],
    ['replaces objects with the replace strategy', { whole: { a: 1, b: 2 } }, { whole: { c: 3 } }, { whole: { c: 3 } }],
    ['replaces a value whose type changes', { a: { b: 1 } }, { a: 'text' }, { a: 'text' }],
    ['keeps an empty patch list from emptying a merged list', { items: [{ name: 'x' }] }, { items: [] }, { items: [{ name: 'x' }] }],
    [
      'merges keyed items recursively',
      { items: [{ name: 'a', ports: [{ port: 80, protocol: 'TCP' }] }] },
      { items: [{ name: 'a', ports: [{ port: 80, name: 'http' }, { port: 443 }] }] },
      { items: [{ name: 'a', ports: [{ port: 80, protocol: 'TCP', name: 'http' }, { port: 443 }] }] },
    ],
    [
      'merges keyed lists inside nested objects',
      { nested: { items: [{ name: 'a', v: 1 }] } },
      { nested: { items: [{ name: 'a', v: 2 }] } },
      { nested: { items: [{ name: 'a', v: 2 }] } },
    ],
  ])('%s', (_name, original, patch, expected) => {
    expect(apply(original, patch)).toEqual(expected);
  });

  it('treats a missing original as {} and a null patch as no change', () => {
    expect(apply(undefined, { a: 1 })).toEqual({ a: 1 });
    expect(apply({ a: 1 }, null)).toEqual({ a: 1 });
  });

  it('works without any meta (JSON merge semantics for lists)', () => {
    expect(applyStrategicMergePatch({ l: [1, 2], m: { a: 1 } }, { l: [3], m: { b: 2 } }, NO_PATCH_META)).toEqual({ l: [3], m: { a: 1, b: 2 } });
  });
});

describe('applyStrategicMergePatch: directives', () => {
  it.each([
    ['$patch: replace on a map replaces it', { nested: { a: 1, b: 2 } }, { nested: { $patch: 'replace', c: 3 } }, { nested: { c: 3 } }],
    ['$patch: delete on a map empties it', { nested: { a: 1 } }, { nested: { $patch: 'delete' } }, { nested: {} }],
    ['$patch: delete on an absent map adds nothing', { a: 1 }, { nested: { $patch: 'delete' } }, { a: 1 }],
    ['$patch: replace on an absent map keeps its content', { a: 1 }, { nested: { $patch: 'replace', b: 2 } }, { a: 1, nested: { b: 2 } }],
    [
      '$patch: delete in a keyed list removes the item',
      { items: [{ name: 'a' }, { name: 'b' }] },
      { items: [{ name: 'a', $patch: 'delete' }] },
      { items: [{ name: 'b' }] },
    ],
    [
      '$patch: replace in a keyed list replaces the list',
      { items: [{ name: 'a', v: 1 }, { name: 'b' }] },
      { items: [{ name: 'c' }, { $patch: 'replace' }] },
      { items: [{ name: 'c' }] },
    ],
    ['$deleteFromPrimitiveList removes values', { tags: ['a', 'b', 'c'] }, { '$deleteFromPrimitiveList/tags': ['b', 'x'] }, { tags: ['a', 'c'] }],
    [
      '$deleteFromPrimitiveList and additions together',
      { tags: ['a', 'b'] },
      { tags: ['c'], '$deleteFromPrimitiveList/tags': ['a'] },
      { tags: ['c', 'b'] },
    ],
    [
      '$retainKeys clears fields it does not list',
      { retained: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
      { retained: { $retainKeys: ['type'], type: 'Recreate' } },
      { retained: { type: 'Recreate' } },
    ],
    [
      // "server" stays ahead of "b", which the live list puts after it.
      '$setElementOrder orders a keyed list, server-only items keep their place',
      { items: [{ name: 'a' }, { name: 'server' }, { name: 'b' }] },
      { '$setElementOrder/items': [{ name: 'b' }, { name: 'a' }] },
      { items: [{ name: 'server' }, { name: 'b' }, { name: 'a' }] },
    ],
    [
      '$setElementOrder orders a list of primitives',
      { tags: ['x', 'y', 'z'] },
      { '$setElementOrder/tags': ['z', 'x', 'y'] },
      { tags: ['z', 'x', 'y'] },
    ],
    [
      'new item goes before server-only items when there is no $setElementOrder',
      { items: [{ name: 'a' }, { name: 'b' }] },
      { items: [{ name: 'c' }] },
      { items: [{ name: 'c' }, { name: 'a' }, { name: 'b' }] },
    ],
  ])('%s', (_name, original, patch, expected) => {
    expect(apply(original, patch)).toEqual(expected);
  });

  it('leaves no directive key in values it adds', () => {
    const patch = {
      nested: {
        '$setElementOrder/items': [{ name: 'b' }, { name: 'a' }],
        items: [{ name: 'b' }, { name: 'a' }, { name: 'gone', $patch: 'delete' }],
      },
      retained: { $retainKeys: ['x'], x: 1 },
      items: [{ name: 'n', ports: [{ port: 1, $patch: 'delete' }, { port: 2, extra: null }] }],
      plain: [{ a: 1, drop: { $patch: 'delete' } }, { $patch: 'delete' }],
    };
    const result = apply({}, patch);
    expect(result).toEqual({
      nested: { items: [{ name: 'b' }, { name: 'a' }] },
      retained: { x: 1 },
      items: [{ name: 'n', ports: [{ port: 2 }] }],
      plain: [{ a: 1 }],
    });
    expect(JSON.stringify(result)).not.toContain('$');
  });
});

describe('applyStrategicMergePatch: errors', () => {
  it.each([
    ['patch that is not an object', {}, ['x'], 'bad-request', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['original that is not an object', 'text', {}, 'bad-request', 'invalid JSON document'],
    ['unknown $patch in a map', { nested: { a: 1 } }, { nested: { $patch: 'bogus', a: 2 } }, 'unclassified', 'unknown patch type: bogus in map: map[$patch:bogus a:2]'],
    ['unknown $patch in a list item', { items: [] }, { items: [{ name: 'a', $patch: 'bogus' }] }, 'unclassified', 'unknown patch type: bogus in map: map[$patch:bogus name:a]'],
    ['$patch: merge in a list', { items: [{ name: 'a' }] }, { items: [{ $patch: 'merge' }] }, 'unclassified', 'merging lists cannot yet be specified in the patch'],
    ['list item without its merge key', { items: [{ name: 'a' }] }, { items: [{ v: 1 }] }, 'unclassified', 'map: map[v:1] does not contain declared merge key: name'],
    ['$patch: delete without the merge key', { items: [{ name: 'a' }] }, { items: [{ $patch: 'delete' }] }, 'unclassified', 'map: map[$patch:delete] does not contain declared merge key: name'],
    ['merge list of maps without a merge key', { keyless: [{ a: 1 }] }, { keyless: [{ a: 2 }] }, 'unclassified', 'cannot merge lists without merge key for keyless'],
    ['list of lists', { tags: [['a']] }, { tags: [['b']] }, 'invalid', 'lists of lists are not supported'],
    ['mixed element types', { tags: ['a'] }, { tags: [{ b: 1 }] }, 'unclassified', 'list element types are not identical: [[a] [map[b:1]]]'],
    ['$retainKeys that is not a list', { retained: { a: 1 } }, { retained: { $retainKeys: 'a' } }, 'bad-request', 'invalid patch format of retainKeys'],
    ['field missing from $retainKeys', { retained: { a: 1 } }, { retained: { $retainKeys: ['a'], b: 2 } }, 'bad-request', 'invalid patch format of retainKeys'],
    ['malformed $setElementOrder key', { tags: ['a'] }, { $setElementOrderX: ['a'] }, 'bad-request', 'invalid patch format of setElementOrder list'],
    ['$setElementOrder that is not a list', { tags: ['a'] }, { '$setElementOrder/tags': 'a' }, 'unclassified', 'expected a []interface {}, but received a string'],
    ['malformed $deleteFromPrimitiveList key', { tags: ['a'] }, { $deleteFromPrimitiveListX: ['a'] }, 'bad-request', 'invalid patch format of primitive list'],
  ])('%s', (_name, original, patch, reason, message) => {
    const e = failure(() => apply(original, patch));
    expect(e.reason).toBe(reason);
    expect(e.message).toBe(message);
  });

  it('rejects a strategy list the meta cannot mean', () => {
    const bad = patchMetaFrom({ x: { strategies: ['merge', 'replace'] } });
    expect(failure(() => applyStrategicMergePatch({ x: [1] }, { x: [2] }, bad)).message).toBe('unexpected patch strategy: [merge replace]');
  });

  it('answers an unclassified failure with 400 (kube-apiserver sends a 500; bad input never gets one here)', () => {
    const status = failure(() => apply({ items: [{ name: 'a' }] }, { items: [{ v: 1 }] }))
      .toStatusError()
      .toStatus();
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'map: map[v:1] does not contain declared merge key: name',
      reason: 'BadRequest',
      code: 400,
    });
  });
});

describe('strategic merge patch: purity and hostile keys', () => {
  it('never changes its inputs', () => {
    const original = deepFreeze({ items: [{ name: 'a', ports: [{ port: 1 }] }], tags: ['x'], nested: { a: 1 } });
    const patch = deepFreeze({ items: [{ name: 'a', ports: [{ port: 2 }] }, { name: 'b' }], tags: ['y'], nested: { $patch: 'replace', b: 1 } });
    const result = apply(original, patch) as Record<string, unknown>;
    expect(result).toEqual({ items: [{ name: 'a', ports: [{ port: 2 }, { port: 1 }] }, { name: 'b' }], tags: ['y', 'x'], nested: { b: 1 } });
    (result['tags'] as string[]).push('mutated');
    expect(original.tags).toEqual(['x']);
    const modified = deepFreeze({ items: [{ name: 'b' }], tags: ['z'] });
    expect(() => createThreeWayMergePatch(original, modified, original, meta)).not.toThrow();
    expect(() => createTwoWayMergePatch(original, modified, meta)).not.toThrow();
  });

  it('treats "__proto__" as an ordinary key', () => {
    const patch: unknown = JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": {"x": 1}}}');
    const result = apply({ a: {} }, patch) as Record<string, unknown>;
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(JSON.stringify(result)).toBe('{"a":{"__proto__":{"x":1}},"__proto__":{"polluted":true}}');
  });
});

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}
