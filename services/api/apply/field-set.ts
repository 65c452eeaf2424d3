// Sets of field paths, as sigs.k8s.io/structured-merge-diff's fieldpath package defines them, and
// their FieldsV1 form: the JSON tree kube-apiserver stores in metadata.managedFields[].fieldsV1,
// e.g. {"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{}}}}}.
import { isRecord } from '../../../lib/api/object.js';
import { compareStrings, compareValues, goJson, goJsonString, valueToString, valuesEqual } from './json-value.js';

/** One key field of an associative-list item, e.g. name="app". */
export interface KeyField {
  readonly name: string;
  readonly value: unknown;
}

/**
 * One step of a field path: a struct field or map entry ("f:"), an associative-list item by its
 * key fields ("k:"), a set item by its value ("v:") or an atomic-list item by index ("i:").
 */
export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: readonly KeyField[] }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'index'; readonly index: number };

export type FieldSetPath = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return { kind: 'field', name };
}

/** An associative-list key; the fields are sorted by name, as Kubernetes serializes them. */
export function keyElement(fields: Readonly<Record<string, unknown>> | readonly KeyField[]): PathElement {
  const list: KeyField[] = Array.isArray(fields)
    ? [...(fields as readonly KeyField[])]
    : Object.entries(fields as Readonly<Record<string, unknown>>).map(([name, value]) => ({ name, value }));
  list.sort((a, b) => compareStrings(a.name, b.name));
  return { kind: 'key', fields: list };
}

export function valueElement(value: unknown): PathElement {
  return { kind: 'value', value };
}

export function indexElement(index: number): PathElement {
  return { kind: 'index', index };
}

/** "a.b[0]"-style path built from field names (numbers become indexes), for tests and literals. */
export function fieldPath(...parts: readonly (string | number | PathElement)[]): FieldSetPath {
  return parts.map((p) => (typeof p === 'string' ? fieldElement(p) : typeof p === 'number' ? indexElement(p) : p));
}

const KIND_RANK = { field: 0, key: 1, value: 2, index: 3 } as const;

function compareKeys(a: readonly KeyField[], b: readonly KeyField[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y) break;
    const c = compareStrings(x.name, y.name);
    if (c !== 0) return c;
    const d = compareValues(x.value, y.value);
    if (d !== 0) return d;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** The order of path elements: fields, then keys, then values, then indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_RANK[a.kind] < KIND_RANK[b.kind] ? -1 : 1;
  switch (a.kind) {
    case 'field':
      return compareStrings(a.name, (b as typeof a).name);
    case 'key':
      return compareKeys(a.fields, (b as typeof a).fields);
    case 'value':
      return compareValues(a.value, (b as typeof a).value);
    case 'index': {
      const j = (b as typeof a).index;
      return a.index === j ? 0 : a.index < j ? -1 : 1;
    }
  }
}

export function pathElementsEqual(a: PathElement, b: PathElement): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'field':
      return a.name === (b as typeof a).name;
    case 'key': {
      const f = (b as typeof a).fields;
      return a.fields.length === f.length && a.fields.every((x, i) => x.name === f[i]?.name && valuesEqual(x.value, f[i]?.value));
    }
    case 'value':
      return valuesEqual(a.value, (b as typeof a).value);
    case 'index':
      return a.index === (b as typeof a).index;
  }
}

/** The FieldsV1 key of a path element: `f:name`, `k:{"name":"app"}`, `v:"x"` or `i:0`. */
export function serializePathElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `f:${pe.name}`;
    case 'key':
      return `k:{${pe.fields.map((f) => `${goJsonString(f.name)}:${goJson(f.value)}`).join(',')}}`;
    case 'value':
      return `v:${goJson(pe.value)}`;
    case 'index':
      return `i:${pe.index}`;
  }
}

/** Parses a FieldsV1 key; undefined for an unknown element type (which Kubernetes drops). */
export function deserializePathElement(s: string): PathElement | undefined {
  if (s.length < 2) throw new Error('key must be 2 characters long:');
  if (s[1] !== ':') throw new Error(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return fieldElement(body);
    case 'v':
      return valueElement(JSON.parse(body) as unknown);
    case 'k': {
      const parsed = JSON.parse(body) as unknown;
      if (!isRecord(parsed)) throw new Error(`expected object: ${s}`);
      return keyElement(parsed);
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(body)) throw new Error(`strconv.Atoi: parsing ${goJsonString(body)}: invalid syntax`);
      return indexElement(Number(body));
    }
    default:
      return undefined;
  }
}

/** A path element as Kubernetes prints it in conflicts: `.name`, `[name="app"]`, `[="x"]`, `[0]`. */
export function pathElementToString(pe: PathElement): string {
  switch (pe.kind) {
    case 'field':
      return `.${pe.name}`;
    case 'key':
      return `[${pe.fields.map((f) => `${f.name}=${valueToString(f.value)}`).join(',')}]`;
    case 'value':
      return `[=${valueToString(pe.value)}]`;
    case 'index':
      return `[${pe.index}]`;
  }
}

/** A path as Kubernetes prints it, e.g. `.spec.template.spec.containers[name="app"].image`. */
export function pathToString(path: FieldSetPath): string {
  return path.map(pathElementToString).join('');
}

// ---- Set nodes ----

interface ChildNode {
  readonly element: PathElement;
  readonly node: SetNode;
}

/** A set's tree: members are fields in the set; children hold the fields below an element. */
interface SetNode {
  readonly members: readonly PathElement[];
  readonly children: readonly ChildNode[];
}

interface MutableNode {
  members: PathElement[];
  children: { element: PathElement; node: MutableNode }[];
}

const EMPTY_NODE: SetNode = { members: [], children: [] };

/** Index of the first entry not less than pe. */
function lowerBound<T>(list: readonly T[], pe: PathElement, elementOf: (t: T) => PathElement): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = list[mid];
    if (item !== undefined && comparePathElements(elementOf(item), pe) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const self = (pe: PathElement): PathElement => pe;
const elementOfChild = (c: ChildNode): PathElement => c.element;

function hasMember(node: SetNode, pe: PathElement): boolean {
  const i = lowerBound(node.members, pe, self);
  const m = node.members[i];
  return m !== undefined && pathElementsEqual(m, pe);
}

function childOf(node: SetNode, pe: PathElement): SetNode | undefined {
  const i = lowerBound(node.children, pe, elementOfChild);
  const c = node.children[i];
  return c !== undefined && pathElementsEqual(c.element, pe) ? c.node : undefined;
}

function insertMember(node: MutableNode, pe: PathElement): void {
  const i = lowerBound(node.members, pe, self);
  const m = node.members[i];
  if (m !== undefined && pathElementsEqual(m, pe)) return;
  node.members.splice(i, 0, pe);
}

function descend(node: MutableNode, pe: PathElement): MutableNode {
  const i = lowerBound(node.children, pe, (c) => c.element);
  const c = node.children[i];
  if (c !== undefined && pathElementsEqual(c.element, pe)) return c.node;
  const child: MutableNode = { members: [], children: [] };
  node.children.splice(i, 0, { element: pe, node: child });
  return child;
}

function isEmptyNode(node: SetNode): boolean {
  return node.members.length === 0 && node.children.every((c) => isEmptyNode(c.node));
}

/** Walks two sorted lists together, calling `both` for equal elements. */
function zip<A, B>(
  a: readonly A[],
  b: readonly B[],
  ea: (x: A) => PathElement,
  eb: (x: B) => PathElement,
  onlyA: (x: A) => void,
  onlyB: (x: B) => void,
  both: (x: A, y: B) => void,
): void {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === undefined) {
      if (y !== undefined) onlyB(y);
      j++;
      continue;
    }
    if (y === undefined) {
      onlyA(x);
      i++;
      continue;
    }
    const c = comparePathElements(ea(x), eb(y));
    if (c < 0) {
      onlyA(x);
      i++;
    } else if (c > 0) {
      onlyB(y);
      j++;
    } else {
      both(x, y);
      i++;
      j++;
    }
  }
}

function unionNodes(a: SetNode, b: SetNode): SetNode {
  const members: PathElement[] = [];
  zip(a.members, b.members, self, self, (x) => members.push(x), (y) => members.push(y), (x) => members.push(x));
  const children: ChildNode[] = [];
  zip(
    a.children,
    b.children,
    elementOfChild,
    elementOfChild,
    (x) => children.push(x),
    (y) => children.push(y),
    (x, y) => children.push({ element: x.element, node: unionNodes(x.node, y.node) }),
  );
  return { members, children };
}

function intersectNodes(a: SetNode, b: SetNode): SetNode {
  const members: PathElement[] = [];
  const none = (): void => undefined;
  zip(a.members, b.members, self, self, none, none, (x) => members.push(x));
  const children: ChildNode[] = [];
  zip(a.children, b.children, elementOfChild, elementOfChild, none, none, (x, y) => {
    const n = intersectNodes(x.node, y.node);
    if (!isEmptyNode(n)) children.push({ element: x.element, node: n });
  });
  return { members, children };
}

function differenceNodes(a: SetNode, b: SetNode, recursive: boolean): SetNode {
  const members: PathElement[] = [];
  const none = (): void => undefined;
  zip(a.members, b.members, self, self, (x) => members.push(x), none, none);
  const children: ChildNode[] = [];
  const keep = (x: ChildNode): void => {
    // A recursive difference drops everything below a member of b.
    if (!recursive || !hasMember(b, x.element)) children.push(x);
  };
  zip(a.children, b.children, elementOfChild, elementOfChild, keep, none, (x, y) => {
    if (recursive && hasMember(b, x.element)) return;
    const n = differenceNodes(x.node, y.node, recursive);
    if (!isEmptyNode(n)) children.push({ element: x.element, node: n });
  });
  return { members, children };
}

function leafNodes(a: SetNode): SetNode {
  const members = a.members.filter((m) => childOf(a, m) === undefined);
  const children: ChildNode[] = [];
  for (const c of a.children) {
    const n = leafNodes(c.node);
    if (!isEmptyNode(n)) children.push({ element: c.element, node: n });
  }
  return { members, children };
}

function nodesEqual(a: SetNode, b: SetNode): boolean {
  if (a.members.length !== b.members.length || a.children.length !== b.children.length) return false;
  for (let i = 0; i < a.members.length; i++) {
    const x = a.members[i];
    const y = b.members[i];
    if (!x || !y || !pathElementsEqual(x, y)) return false;
  }
  for (let i = 0; i < a.children.length; i++) {
    const x = a.children[i];
    const y = b.children[i];
    if (!x || !y || !pathElementsEqual(x.element, y.element) || !nodesEqual(x.node, y.node)) return false;
  }
  return true;
}

function sizeOf(a: SetNode): number {
  return a.children.reduce((n, c) => n + sizeOf(c.node), a.members.length);
}

function collectPaths(a: SetNode, prefix: PathElement[], out: FieldSetPath[]): void {
  for (const m of a.members) out.push([...prefix, m]);
  for (const c of a.children) {
    prefix.push(c.element);
    collectPaths(c.node, prefix, out);
    prefix.pop();
  }
}

/**
 * FieldsV1 JSON of a node, in the order kube-apiserver writes it: elements sorted, a member
 * that also has children written as its children plus "." last.
 */
function emitV1(a: SetNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  zip(
    a.members,
    a.children,
    self,
    elementOfChild,
    (m) => {
      out[serializePathElement(m)] = {};
    },
    (c) => {
      out[serializePathElement(c.element)] = emitV1(c.node);
    },
    (m, c) => {
      const inner = emitV1(c.node);
      if (Object.keys(inner).length > 0) inner['.'] = {};
      out[serializePathElement(m)] = inner;
    },
  );
  return out;
}

/** Reads a FieldsV1 object; returns the subtree's node and whether the subtree is itself a member. */
function readV1(obj: Record<string, unknown>): { node: MutableNode | undefined; isMember: boolean } {
  let node: MutableNode | undefined;
  let isMember = false;
  for (const [key, value] of Object.entries(obj)) {
    if (key === '.') {
      isMember = true;
      continue;
    }
    const pe = deserializePathElement(key);
    if (pe === undefined) continue;
    if (!isRecord(value)) throw new Error(`expected object for ${key}`);
    const inner = readV1(value);
    node ??= { members: [], children: [] };
    if (inner.isMember) insertMember(node, pe);
    if (inner.node) {
      const target = descend(node, pe);
      target.members = inner.node.members;
      target.children = inner.node.children;
    }
  }
  if (node === undefined) isMember = true;
  return { node, isMember };
}

/** An immutable set of field paths. */
export class FieldSet {
  private constructor(private readonly root: SetNode) {}

  static readonly EMPTY = new FieldSet(EMPTY_NODE);

  /** The set of the given paths (parents are not added; the empty path is ignored). */
  static of(paths: Iterable<FieldSetPath>): FieldSet {
    const b = new FieldSetBuilder();
    for (const p of paths) b.insert(p);
    return b.build();
  }

  /** Parses metadata.managedFields[].fieldsV1. */
  static fromFieldsV1(fields: unknown): FieldSet {
    if (fields === undefined || fields === null) return FieldSet.EMPTY;
    if (!isRecord(fields)) throw new Error('FieldsV1 must be a JSON object');
    const { node } = readV1(fields);
    return node ? new FieldSet(node) : FieldSet.EMPTY;
  }

  /** Wraps a node built by FieldSetBuilder. */
  static fromNode(node: SetNode): FieldSet {
    return new FieldSet(node);
  }

  /** The FieldsV1 JSON object, keys in the order kube-apiserver writes them. */
  toFieldsV1(): Record<string, unknown> {
    return emitV1(this.root);
  }

  /** The FieldsV1 text exactly as kube-apiserver stores it. */
  toJSON(): string {
    return JSON.stringify(this.toFieldsV1());
  }

  has(path: FieldSetPath): boolean {
    let node: SetNode | undefined = this.root;
    for (let i = 0; i < path.length && node; i++) {
      const pe = path[i];
      if (!pe) return false;
      if (i === path.length - 1) return hasMember(node, pe);
      node = childOf(node, pe);
    }
    return false;
  }

  /** The paths below `pe`, without the prefix. */
  withPrefix(pe: PathElement): FieldSet {
    const n = childOf(this.root, pe);
    return n ? new FieldSet(n) : FieldSet.EMPTY;
  }

  /** Elements that are members at the top level. */
  topMembers(): readonly PathElement[] {
    return this.root.members;
  }

  /** Elements that have children at the top level. */
  topChildren(): readonly { element: PathElement; set: FieldSet }[] {
    return this.root.children.map((c) => ({ element: c.element, set: new FieldSet(c.node) }));
  }

  isEmpty(): boolean {
    return isEmptyNode(this.root);
  }

  size(): number {
    return sizeOf(this.root);
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet(unionNodes(this.root, other.root));
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet(intersectNodes(this.root, other.root));
  }

  /** Paths in this set that are not in other (a parent in other does not remove its children here). */
  difference(other: FieldSet): FieldSet {
    return new FieldSet(differenceNodes(this.root, other.root, false));
  }

  /** Like difference, but a member of other also removes everything below it. */
  recursiveDifference(other: FieldSet): FieldSet {
    return new FieldSet(differenceNodes(this.root, other.root, true));
  }

  /** Only the leaf paths: members that have no children in the set. */
  leaves(): FieldSet {
    return new FieldSet(leafNodes(this.root));
  }

  equals(other: FieldSet): boolean {
    return nodesEqual(this.root, other.root);
  }

  /** Every member path, in Kubernetes' order (members before children, depth first). */
  paths(): FieldSetPath[] {
    const out: FieldSetPath[] = [];
    collectPaths(this.root, [], out);
    return out;
  }

  /** One path per line, as Set.String() prints it. */
  toString(): string {
    return this.paths().map(pathToString).join('\n');
  }

  /** The tree, for code that walks sets alongside values. */
  node(): SetNode {
    return this.root;
  }
}

export type { SetNode };

/** Builds a set by inserting paths; build() hands the tree over and the builder starts afresh. */
export class FieldSetBuilder {
  private root: MutableNode = { members: [], children: [] };

  insert(path: FieldSetPath): this {
    if (path.length === 0) return this; // No one owns the whole object.
    let node = this.root;
    for (let i = 0; i < path.length - 1; i++) {
      const pe = path[i];
      if (pe) node = descend(node, pe);
    }
    const last = path[path.length - 1];
    if (last) insertMember(node, last);
    return this;
  }

  build(): FieldSet {
    const node = this.root;
    this.root = { members: [], children: [] };
    return FieldSet.fromNode(node);
  }
}
