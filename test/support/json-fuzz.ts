// Seeded mutation of JSON documents for fuzz tests: structural mutations (delete or add keys,
// swap value types, huge numbers, deep nesting, odd unicode, tricky metadata), serialization
// with duplicated keys and raw number literals JSON.stringify cannot write, and byte-level
// damage (bit flips, truncation, inserted or cut bytes, invalid UTF-8). Deterministic for a seed.
import { stringify as toYaml } from 'yaml';
import { seededRandom } from '../../lib/prng.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonRecord = { [key: string]: Json };
type PathKey = string | number;

export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  float(): number {
    return this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    const x = xs[this.int(xs.length)];
    if (x === undefined) throw new Error('pick from an empty list');
    return x;
  }
}

function isObject(v: Json | undefined): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function cloneJson<T extends Json>(v: T): T {
  return structuredClone(v);
}

/** Every path in a document, the root ([]) included. */
export function allPaths(v: Json, prefix: PathKey[] = [], out: PathKey[][] = []): PathKey[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => allPaths(x, [...prefix, i], out));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) allPaths(x, [...prefix, k], out);
  return out;
}

function getAt(root: Json, path: readonly PathKey[]): Json | undefined {
  let cur: Json | undefined = root;
  for (const k of path) {
    if (Array.isArray(cur) && typeof k === 'number') cur = cur[k];
    else if (isObject(cur) && typeof k === 'string') cur = cur[k];
    else return undefined;
  }
  return cur;
}

/** Sets the value at a non-root path (no-op when the parent is gone). */
function setAt(root: Json, path: readonly PathKey[], value: Json): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = value;
  else if (isObject(parent) && typeof last === 'string') parent[last] = value;
}

function deleteAt(root: Json, path: readonly PathKey[]): void {
  const parent = getAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isObject(parent) && typeof last === 'string') delete parent[last];
}

/** JSON pointer of a path (RFC 6901 escaping). */
export function pointer(path: readonly PathKey[]): string {
  return path.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

const UNICODE_PIECES = [
  'é', '日本語', '🚀', '\u0000', '\u200b', '\u202e', '\ud800', '\udfff', '\uffff', '\ufeff', 'İ', 'ß', '\u0085', '\u2028',
  ' ', '\n', '\t', '../..', '%00', '${x}', '<script>', '"', '\\', '{{', 'a'.repeat(300), '-', '.', '_', 'A',
];

export function unicodeString(rng: Rng): string {
  let s = '';
  const n = 1 + rng.int(6);
  for (let i = 0; i < n; i++) s += rng.pick(UNICODE_PIECES);
  return s;
}

const HUGE_NUMBERS = [1e308, -1e308, 2 ** 53 + 2, 2 ** 63, -(2 ** 63) - 4096, 4294967296, 2147483648, -2147483649, 0.5, -0, 1e-320, -1, 65536, 99999];
/** Number literals JSON.stringify never writes; kube-apiserver's decoder sees them as text. */
const RAW_NUMBERS = ['1e999', '-1e999', '123456789012345678901234567890', '-0.0e-0', '1E+2', '0.000000000000000000000000001', '9223372036854775808'];

export function randomValue(rng: Rng, depth = 0): Json {
  switch (rng.int(depth > 2 ? 6 : 8)) {
    case 0:
      return rng.pick(['', 'three', 'true', '10', 'None', 'TCP', 'v1', 'web', '25%', '1Gi']);
    case 1:
      return rng.int(2000) - 1000;
    case 2:
      return rng.pick(HUGE_NUMBERS);
    case 3:
      return rng.chance(0.5);
    case 4:
      return null;
    case 5:
      return unicodeString(rng);
    case 6: {
      const o: JsonRecord = {};
      const n = rng.int(4);
      for (let i = 0; i < n; i++) o[rng.pick(['a', 'name', 'spec', 'foo', unicodeString(rng)])] = randomValue(rng, depth + 1);
      return o;
    }
    default: {
      const n = rng.int(4);
      return Array.from({ length: n }, () => randomValue(rng, depth + 1));
    }
  }
}

/** The same content as another JSON type: string <-> number <-> object <-> array <-> null. */
function swapType(rng: Rng, v: Json): Json {
  const options: Json[] = [];
  if (typeof v === 'number') options.push(String(v), [v], { value: v }, null, v !== 0);
  else if (typeof v === 'string') options.push(Number.isNaN(Number(v)) ? v.length : Number(v), [v], { [v]: v }, null, v === 'true');
  else if (typeof v === 'boolean') options.push(String(v), v ? 1 : 0, [v], null);
  else if (v === null) options.push('', 0, {}, [], false);
  else if (Array.isArray(v)) options.push(Object.fromEntries(v.map((x, i) => [String(i), x])), v.length, JSON.stringify(v), null, v[0] ?? null);
  else options.push(Object.values(v), Object.keys(v).length, JSON.stringify(v), null, 'object');
  return rng.pick(options);
}

/**
 * Deep nesting is written as a placeholder, expanded only when serialized: walking documents
 * thousands of levels deep while mutating them would cost the generator more than the server.
 */
function deepPlaceholder(rng: Rng): string {
  return `__DEEP_${rng.int(3)}_${10 + rng.int(1500)}__`;
}

/** `depth` levels of arrays (shape 0), objects (1) or both alternating (2) around a string. */
function nestedText(shape: number, depth: number): string {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const asArray = shape === 0 || (shape === 2 && i % 2 === 0);
    open += asArray ? '[' : '{"a":';
    close = (asArray ? ']' : '}') + close;
  }
  return `${open}"bottom"${close}`;
}

/** Expands raw number and deep nesting placeholders (quoted in JSON, maybe quoted in YAML). */
function expandPlaceholders(text: string): string {
  return text
    .replace(/(['"]?)__RAW_NUMBER_(\d+)__\1/g, (_m, _q: string, i: string) => RAW_NUMBERS[Number(i)] ?? '0')
    .replace(/(['"]?)__DEEP_(\d)_(\d+)__\1/g, (_m, _q: string, shape: string, depth: string) => nestedText(Number(shape), Number(depth)));
}

/** Metadata values that take unusual code paths in an API server. */
function trickyMetadata(rng: Rng, doc: Json): void {
  if (!isObject(doc)) return;
  const meta: JsonRecord = isObject(doc.metadata) ? doc.metadata : {};
  doc.metadata = meta;
  switch (rng.int(12)) {
    case 0:
      meta.name = rng.pick(['', '-', 'UPPER', 'a/b', '..', '.', 'a'.repeat(300), 'with space', '%2F', unicodeString(rng)]);
      break;
    case 1:
      meta.namespace = rng.pick(['', 'kube-system', 'nope', 'Bad_NS', unicodeString(rng)]);
      break;
    case 2:
      meta.resourceVersion = rng.pick(['abc', '0', '-1', '99999999999999999999', '1.5', '', ' 7']);
      break;
    case 3:
      delete meta.name;
      meta.generateName = rng.pick(['gen-', '', 'UPPER-', 'a'.repeat(300), unicodeString(rng)]);
      break;
    case 4:
      meta.finalizers = rng.pick<Json>([['example.com/keep'], ['kubernetes'], ['bad finalizer'], [''], 'not-a-list', [1, 2]]);
      break;
    case 5:
      meta.deletionTimestamp = rng.pick(['2020-01-01T00:00:00Z', 'yesterday', '', '9999-99-99T99:99:99Z']);
      meta.deletionGracePeriodSeconds = rng.pick<Json>([0, -1, 30, 'soon', 2 ** 63]);
      break;
    case 6:
      meta.ownerReferences = rng.pick<Json>([[{}], [{ apiVersion: 'v1', kind: 'Pod', name: 'x', uid: '' }], 'me', [{ apiVersion: 1, controller: 'yes' }], [null]]);
      break;
    case 7:
      meta.managedFields = rng.pick<Json>([[{}], [{ manager: 'x', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:bad': 1 } }], 'x', [null]]);
      break;
    case 8:
      meta.labels = rng.pick<Json>([{ '': 'x' }, { 'a/b/c': 'x' }, { ok: 'a'.repeat(64) }, { [unicodeString(rng)]: unicodeString(rng) }, ['a'], { a: 1 }]);
      break;
    case 9:
      meta.annotations = rng.pick<Json>([{ big: 'x'.repeat(300_000) }, { '': '' }, { 'kubectl.kubernetes.io/last-applied-configuration': '{not json' }, { a: null }]);
      break;
    case 10:
      meta.uid = rng.pick(['', 'not-a-uid', unicodeString(rng)]);
      meta.creationTimestamp = rng.pick(['never', '', '2020-02-30T00:00:00Z']);
      break;
    default:
      doc.apiVersion = rng.pick(['', 'v2', 'apps/v9', 'networking.istio.io/v1alpha3', '/', 'a/b/c', unicodeString(rng)]);
      if (rng.chance(0.5)) doc.kind = rng.pick(['', 'Pod', 'Service', 'Status', 'List', 'DeploymentList', unicodeString(rng)]);
  }
}

/** Applies one structural mutation in place (the root itself may be replaced: use the result). */
export function mutateStructure(rng: Rng, doc: Json): Json {
  const paths = allPaths(doc);
  const inner = paths.filter((p) => p.length > 0);
  const path = inner.length > 0 ? rng.pick(inner) : [];
  const objects = paths.filter((p) => isObject(getAt(doc, p)));
  switch (rng.int(9)) {
    case 0:
      if (path.length > 0) deleteAt(doc, path);
      return doc;
    case 1: {
      const target = objects.length > 0 ? rng.pick(objects) : [];
      const o = getAt(doc, target);
      if (isObject(o)) o[rng.pick(['foo', 'spec', 'status', 'metadata', 'items', unicodeString(rng)])] = randomValue(rng);
      return doc;
    }
    case 2: {
      if (path.length === 0) return swapType(rng, doc);
      const v = getAt(doc, path);
      if (v !== undefined) setAt(doc, path, swapType(rng, v));
      return doc;
    }
    case 3:
      if (path.length > 0) setAt(doc, path, rng.chance(0.3) ? `__RAW_NUMBER_${rng.int(RAW_NUMBERS.length)}__` : rng.pick(HUGE_NUMBERS));
      return doc;
    case 4:
      if (path.length > 0) setAt(doc, path, deepPlaceholder(rng));
      return doc;
    case 5: {
      // Rename a key or replace a string with odd unicode.
      if (path.length === 0) return doc;
      const v = getAt(doc, path);
      const last = path[path.length - 1];
      if (typeof last === 'string' && rng.chance(0.5)) {
        deleteAt(doc, path);
        setAt(doc, [...path.slice(0, -1), unicodeString(rng)], v ?? null);
      } else {
        setAt(doc, path, unicodeString(rng));
      }
      return doc;
    }
    case 6:
      trickyMetadata(rng, doc);
      return doc;
    case 7: {
      // Duplicate an array element many times, or empty a container.
      const arrays = paths.filter((p) => Array.isArray(getAt(doc, p)));
      const target = arrays.length > 0 ? rng.pick(arrays) : undefined;
      const a = target ? getAt(doc, target) : undefined;
      if (Array.isArray(a)) {
        const first = a[0];
        if (first !== undefined && rng.chance(0.7)) a.push(...Array.from({ length: 1 + rng.int(100) }, () => cloneJson(first)));
        else a.length = 0;
      }
      return doc;
    }
    default:
      if (rng.chance(0.2)) return randomValue(rng);
      trickyMetadata(rng, doc);
      return doc;
  }
}

/** JSON text where objects may repeat a key, with raw number placeholders expanded. */
export function serializeJson(rng: Rng, v: Json, duplicateChance: number): string {
  const out: string[] = [];
  const write = (x: Json): void => {
    if (Array.isArray(x)) {
      out.push('[');
      x.forEach((e, i) => {
        if (i > 0) out.push(',');
        write(e);
      });
      out.push(']');
    } else if (isObject(x)) {
      out.push('{');
      let first = true;
      for (const [k, e] of Object.entries(x)) {
        const dup = rng.chance(duplicateChance);
        for (const value of dup ? [randomValue(rng), e] : [e]) {
          if (!first) out.push(',');
          first = false;
          out.push(JSON.stringify(k), ':');
          write(value);
        }
      }
      out.push('}');
    } else {
      out.push(JSON.stringify(x));
    }
  };
  write(v);
  return expandPlaceholders(out.join(''));
}

export function serializeYaml(v: Json): string {
  return expandPlaceholders(toYaml(v, { aliasDuplicateObjects: false }));
}

/** A YAML document whose aliases expand exponentially ("billion laughs"). */
export function aliasBomb(name: string): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', `metadata: {name: ${name}}`, 'data:', '  a0: &a0 "lol"'];
  for (let i = 1; i <= 9; i++) lines.push(`  a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** Byte-level damage: bit flips, truncation, inserted bytes (invalid UTF-8 included), cuts, repeats. */
export function mutateBytes(rng: Rng, input: Buffer): Buffer {
  let b = Buffer.from(input);
  if (b.length === 0) return Buffer.from([rng.int(256)]);
  switch (rng.int(6)) {
    case 0:
      for (let i = 0, n = 1 + rng.int(4); i < n; i++) {
        const at = rng.int(b.length);
        b[at] = (b[at] ?? 0) ^ (1 << rng.int(8));
      }
      return b;
    case 1:
      return b.subarray(0, rng.int(b.length));
    case 2: {
      const at = rng.int(b.length + 1);
      const junk = Buffer.from(rng.pick([[0x00], [0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x7b], [0x22], [0x5c], [0x2c, 0x2c], [0x5d, 0x7d]]));
      return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
    }
    case 3: {
      const from = rng.int(b.length);
      const to = Math.min(b.length, from + 1 + rng.int(40));
      return Buffer.concat([b.subarray(0, from), b.subarray(to)]);
    }
    case 4: {
      const from = rng.int(b.length);
      const to = Math.min(b.length, from + 1 + rng.int(200));
      return Buffer.concat([b.subarray(0, to), b.subarray(from, to), b.subarray(to)]);
    }
    default:
      b = Buffer.concat([b, Buffer.from(rng.pick(['\n', ' garbage', '}', ']', '\u0000', '{"a":1}']))]);
      return b;
  }
}

/** A JSON patch (RFC 6902) against a document, with some ill-formed operations. */
export function jsonPatchFor(rng: Rng, doc: Json): Json {
  const pointers = allPaths(doc).map(pointer);
  const garbage = ['', '/', '/-', '/spec/~2', '/metadata/labels/a~1b', '/spec/containers/99', '/spec/template/spec/containers/-', '/a/b/c/d', 'no-slash', '/metadata/name'];
  const ops: Json[] = [];
  for (let i = 0, n = 1 + rng.int(4); i < n; i++) {
    const op: JsonRecord = { op: rng.pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'frob']) };
    if (!rng.chance(0.05)) op.path = rng.chance(0.8) ? rng.pick(pointers) : rng.pick(garbage);
    if (rng.chance(0.7)) op.value = rng.chance(0.3) ? cloneJson(getAt(doc, allPaths(doc)[rng.int(allPaths(doc).length)] ?? []) ?? null) : randomValue(rng);
    if (op.op === 'move' || op.op === 'copy' || rng.chance(0.1)) op.from = rng.pick([...pointers, ...garbage]);
    ops.push(op);
  }
  return ops;
}

/** A merge-style patch holding only the value at one path of the document. */
export function fragmentOf(rng: Rng, doc: Json): Json {
  const paths = allPaths(doc).filter((p) => p.length > 0 && p.every((k) => typeof k === 'string'));
  if (paths.length === 0) return {};
  const path = rng.pick(paths);
  let v: Json = cloneJson(getAt(doc, path) ?? null);
  for (let i = path.length - 1; i >= 0; i--) v = { [String(path[i])]: v };
  return v;
}
