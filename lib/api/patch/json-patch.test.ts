import { describe, expect, it } from 'vitest';
import { JSON_PATCH_REJECTED_MESSAGE, PatchError } from './errors.js';
import { MAX_JSON_PATCH_OPERATIONS, applyJsonPatch } from './json-patch.js';

function failure(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

describe('applyJsonPatch: RFC 6902 appendix A', () => {
  it.each([
    ['A.1 adding an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 adding an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 removing an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replacing a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 moving a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['A.7 moving an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    [
      'A.8 testing a value: success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    ['A.10 adding a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.11 ignoring unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 adding an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
  ])('%s', (_name, doc, ops, expected) => {
    expect(applyJsonPatch(doc, ops)).toEqual(expected);
  });

  it('A.9 testing a value: error', () => {
    const e = failure(() => applyJsonPatch({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]));
    expect(e.reason).toBe('conflict');
    expect(e.message).toBe('testing value /baz failed: test failed');
  });

  it('A.12 adding to a nonexistent target', () => {
    const e = failure(() => applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]));
    expect(e.reason).toBe('invalid');
    expect(e.message).toBe('add operation does not apply: doc is missing path: "/baz/bat": missing value');
  });

  it('A.15 comparing strings and numbers', () => {
    expect(failure(() => applyJsonPatch({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }])).reason).toBe('conflict');
  });
});

describe('applyJsonPatch: more operations', () => {
  it.each([
    ['copy duplicates a value', { a: { b: [1] } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: [1] }, c: { b: [1] } }],
    ['"-" appends to an array', { l: [1] }, [{ op: 'add', path: '/l/-', value: 2 }], { l: [1, 2] }],
    ['add at the end index appends', { l: [1] }, [{ op: 'add', path: '/l/1', value: 2 }], { l: [1, 2] }],
    ['add replaces an existing member', { a: 1 }, [{ op: 'add', path: '/a', value: 2 }], { a: 2 }],
    ['replace of an array element', { l: [1, 2] }, [{ op: 'replace', path: '/l/0', value: 9 }], { l: [9, 2] }],
    ['replace of the whole document', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
    ['keys with "/" and "~" via ~1 and ~0', { metadata: { labels: {} } }, [{ op: 'add', path: '/metadata/labels/app.io~1name~0x', value: 'v' }], { metadata: { labels: { 'app.io/name~x': 'v' } } }],
    ['move to the same place is a no-op', { a: 1 }, [{ op: 'move', from: '/a', path: '/a' }], { a: 1 }],
    ['test of objects ignores key order', { a: { x: 1, y: 2 } }, [{ op: 'test', path: '/a', value: { y: 2, x: 1 } }], { a: { x: 1, y: 2 } }],
    ['test of null', { a: null }, [{ op: 'test', path: '/a', value: null }], { a: null }],
    ['null operations list changes nothing', { a: 1 }, null, { a: 1 }],
    [
      'kubectl-style label edit',
      { metadata: { name: 'x', labels: { app: 'a' } } },
      [
        { op: 'test', path: '/metadata/labels/app', value: 'a' },
        { op: 'replace', path: '/metadata/labels/app', value: 'b' },
        { op: 'add', path: '/metadata/annotations', value: { note: 'n' } },
      ],
      { metadata: { name: 'x', labels: { app: 'b' }, annotations: { note: 'n' } } },
    ],
  ])('%s', (_name, doc, ops, expected) => {
    expect(applyJsonPatch(doc, ops)).toEqual(expected);
  });

  it('applies the operations in order, on the result of the previous ones', () => {
    const ops = [
      { op: 'add', path: '/l', value: [] },
      { op: 'add', path: '/l/-', value: 'a' },
      { op: 'add', path: '/l/0', value: 'b' },
      { op: 'move', from: '/l/1', path: '/first' },
    ];
    expect(applyJsonPatch({}, ops)).toEqual({ l: ['b'], first: 'a' });
  });
});

describe('applyJsonPatch: failures', () => {
  it.each([
    ['remove of a missing key', { a: 1 }, [{ op: 'remove', path: '/b' }], "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value"],
    ['remove of a missing parent', { a: 1 }, [{ op: 'remove', path: '/b/c' }], 'remove operation does not apply: doc is missing path: "/b/c": missing value'],
    ['remove of an index out of range', { l: [1] }, [{ op: 'remove', path: '/l/1' }], "error in remove for path: '/l/1': Unable to access invalid index: 1: invalid index referenced"],
    ['replace of a missing key', { a: 1 }, [{ op: 'replace', path: '/b', value: 1 }], 'replace operation does not apply: doc is missing key: /b: missing value'],
    ['replace with "-"', { l: [1] }, [{ op: 'replace', path: '/l/-', value: 1 }], 'replace operation does not apply: doc is missing key: /l/-: missing value'],
    ['add past the end of an array', { l: [1] }, [{ op: 'add', path: '/l/5', value: 1 }], "error in add for path: '/l/5': Unable to access invalid index: 5: invalid index referenced"],
    ['add with a leading-zero index', { l: [1, 2] }, [{ op: 'add', path: '/l/01', value: 1 }], "error in add for path: '/l/01': Unable to access invalid index: 01: invalid index referenced"],
    ['add with a negative index', { l: [1, 2] }, [{ op: 'add', path: '/l/-1', value: 1 }], "error in add for path: '/l/-1': Unable to access invalid index: -1: invalid index referenced"],
    ['add into a string', { a: 'x' }, [{ op: 'add', path: '/a/b', value: 1 }], 'add operation does not apply: doc is missing path: "/a/b": missing value'],
    ['move from a missing path', { a: 1 }, [{ op: 'move', from: '/b', path: '/c' }], 'move operation does not apply: doc is missing from path: /b: missing value'],
    ['move into its own child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/c' }], 'move operation does not apply: cannot move /a into its own child /a/c'],
    ['copy from a missing path', { a: 1 }, [{ op: 'copy', from: '/b', path: '/c' }], 'copy operation does not apply: doc is missing from path: /b: missing value'],
    ['test of a missing path', { a: 1 }, [{ op: 'test', path: '/b', value: 1 }], 'test operation does not apply: is missing path: /b: missing value'],
    ['unknown operation', { a: 1 }, [{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate'],
    ['operation without op', { a: 1 }, [{ path: '/a' }], 'Unexpected kind: unknown'],
    ['null operation', { a: 1 }, [null], 'Unexpected kind: unknown'],
    ['operation without path', { a: 1 }, [{ op: 'add', value: 1 }], 'add operation failed to decode path: operation missing path field: missing value'],
    ['move without from', { a: 1 }, [{ op: 'move', path: '/b' }], 'move operation failed to decode from: operation, missing from field: missing value'],
    ['add without value', { a: 1 }, [{ op: 'add', path: '/b' }], 'add operation, missing value field: missing value'],
    ['path without leading slash', { a: 1 }, [{ op: 'remove', path: 'a' }], 'remove operation does not apply: doc is missing path: "a": missing value'],
    ['path with a bad escape', { a: 1 }, [{ op: 'remove', path: '/a~2' }], 'remove operation does not apply: doc is missing path: "/a~2": missing value'],
  ])('%s', (_name, doc, ops, message) => {
    const e = failure(() => applyJsonPatch(doc, ops));
    expect(e.reason).toBe('invalid');
    expect(e.message).toBe(message);
  });

  it.each([
    ['an object', { op: 'add' }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['a string', 'x', 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
    ['a list holding a number', [1], 'json: cannot unmarshal number 1 into Go value of type jsonpatch.Operation'],
  ])('rejects %s as a patch body (400)', (_name, ops, message) => {
    const e = failure(() => applyJsonPatch({}, ops));
    expect(e.reason).toBe('bad-request');
    expect(e.message).toBe(message);
  });

  it('applies nothing when an operation fails', () => {
    const doc = { a: 1 };
    expect(() => applyJsonPatch(doc, [{ op: 'add', path: '/b', value: 2 }, { op: 'test', path: '/a', value: 2 }])).toThrow(PatchError);
    expect(doc).toEqual({ a: 1 });
  });

  it('answers a failed operation as kube-apiserver does: 422 with the generic message', () => {
    const status = failure(() => applyJsonPatch({ spec: {} }, [{ op: 'replace', path: '/spec/foo', value: 1 }]))
      .toStatusError()
      .toStatus();
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: JSON_PATCH_REJECTED_MESSAGE,
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });
});

describe('applyJsonPatch: operation limit', () => {
  it(`accepts ${MAX_JSON_PATCH_OPERATIONS} operations`, () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS }, (_, i) => ({ op: 'add', path: '/n', value: i }));
    expect(applyJsonPatch({}, ops)).toEqual({ n: MAX_JSON_PATCH_OPERATIONS - 1 });
  });

  it('refuses one more, with the apiserver text (413)', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '', value: {} }));
    const e = failure(() => applyJsonPatch({}, ops));
    expect(e.reason).toBe('too-large');
    expect(e.toStatusError().toStatus()).toMatchObject({
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    });
  });
});

describe('applyJsonPatch: purity', () => {
  it('never changes the document or the operations', () => {
    const doc = Object.freeze({ l: Object.freeze([1, 2]), m: Object.freeze({ a: 1 }) });
    const value = Object.freeze({ deep: Object.freeze([3]) });
    const ops = Object.freeze([Object.freeze({ op: 'add', path: '/l/0', value }), Object.freeze({ op: 'remove', path: '/m/a' })]);
    const result = applyJsonPatch(doc, ops) as { l: unknown[] };
    expect(result).toEqual({ l: [{ deep: [3] }, 1, 2], m: {} });
    expect(result.l[0]).not.toBe(value);
  });

  it('treats "__proto__" as an ordinary key', () => {
    const result = applyJsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]) as object;
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});
