// v1.NodeSelector and v1.NodeSelectorTerm matching (component-helpers' nodeaffinity package):
// terms are ORed, a term's matchExpressions and matchFields are ANDed, and a term that is empty
// or does not parse matches no node ("lazy errors": a bad term is skipped, not fatal).
import { isRecord } from '../../../lib/api/object.js';
import { arrayOf, stringOf } from './api-fields.js';

type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

interface LabelRequirement {
  readonly key: string;
  readonly op: Operator;
  readonly values: ReadonlySet<string>;
  /** The bound of Gt/Lt. */
  readonly bound: bigint;
}

interface FieldRequirement {
  readonly key: string;
  readonly equal: boolean;
  readonly value: string;
}

export interface CompiledTerm {
  readonly labels: readonly LabelRequirement[];
  readonly fields: readonly FieldRequirement[];
  /** False when the term is empty or one of its requirements does not parse. */
  readonly valid: boolean;
}

const INT64 = /^[+-]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

function compileLabelRequirement(r: unknown): LabelRequirement | undefined {
  if (!isRecord(r)) return undefined;
  const key = stringOf(r.key);
  const op = stringOf(r.operator);
  const values = arrayOf(r.values).filter((v): v is string => typeof v === 'string');
  if (key === '') return undefined;
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) return undefined;
      return { key, op, values: new Set(values), bound: 0n };
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0) return undefined;
      return { key, op, values: new Set(), bound: 0n };
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1) return undefined;
      const bound = parseInt64(values[0] ?? '');
      if (bound === undefined) return undefined;
      return { key, op, values: new Set(), bound };
    }
    default:
      return undefined;
  }
}

function compileFieldRequirement(r: unknown): FieldRequirement | undefined {
  if (!isRecord(r)) return undefined;
  const values = arrayOf(r.values);
  const op = stringOf(r.operator);
  if ((op !== 'In' && op !== 'NotIn') || values.length !== 1 || typeof values[0] !== 'string') return undefined;
  return { key: stringOf(r.key), equal: op === 'In', value: values[0] };
}

const INVALID_TERM: CompiledTerm = Object.freeze({ labels: [], fields: [], valid: false });

export function compileNodeSelectorTerm(term: unknown): CompiledTerm {
  if (!isRecord(term)) return INVALID_TERM;
  const exprs = arrayOf(term.matchExpressions);
  const fieldExprs = arrayOf(term.matchFields);
  if (exprs.length === 0 && fieldExprs.length === 0) return INVALID_TERM;
  const labels: LabelRequirement[] = [];
  for (const e of exprs) {
    const r = compileLabelRequirement(e);
    if (!r) return INVALID_TERM;
    labels.push(r);
  }
  const fields: FieldRequirement[] = [];
  for (const e of fieldExprs) {
    const r = compileFieldRequirement(e);
    if (!r) return INVALID_TERM;
    fields.push(r);
  }
  return { labels, fields, valid: true };
}

function labelRequirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.op) {
    case 'In':
      return v !== undefined && r.values.has(v);
    case 'NotIn':
      return v === undefined || !r.values.has(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (v === undefined) return false;
      const n = parseInt64(v);
      if (n === undefined) return false;
      return r.op === 'Gt' ? n > r.bound : n < r.bound;
    }
  }
}

export function termMatches(term: CompiledTerm, nodeName: string, labels: Readonly<Record<string, string>>): boolean {
  if (!term.valid) return false;
  for (const r of term.labels) if (!labelRequirementMatches(r, labels)) return false;
  for (const f of term.fields) {
    // Only metadata.name is a node field; any other key reads as "", as in a fields.Set.
    const actual = f.key === 'metadata.name' ? nodeName : '';
    if ((actual === f.value) !== f.equal) return false;
  }
  return true;
}

/** A v1.NodeSelector: matches when any term matches; no terms match no node. */
export function compileNodeSelector(sel: unknown): readonly CompiledTerm[] {
  if (!isRecord(sel)) return [];
  return arrayOf(sel.nodeSelectorTerms).map(compileNodeSelectorTerm);
}

export function nodeSelectorMatches(terms: readonly CompiledTerm[], nodeName: string, labels: Readonly<Record<string, string>>): boolean {
  for (const t of terms) if (termMatches(t, nodeName, labels)) return true;
  return false;
}

/**
 * What a pod requires of a node's labels (nodeaffinity.RequiredNodeAffinity): its
 * spec.nodeSelector, and its required node affinity when it has one.
 */
export interface RequiredNodeAffinity {
  readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  readonly terms: readonly CompiledTerm[] | undefined;
}

export function requiredAffinityMatches(r: RequiredNodeAffinity, nodeName: string, labels: Readonly<Record<string, string>>): boolean {
  if (r.nodeSelector) {
    for (const k in r.nodeSelector) if (labels[k] !== r.nodeSelector[k]) return false;
  }
  return r.terms === undefined || nodeSelectorMatches(r.terms, nodeName, labels);
}

export interface PreferredTerm {
  readonly weight: number;
  readonly term: CompiledTerm;
}

/** preferredDuringSchedulingIgnoredDuringExecution; zero-weight terms are dropped as Kubernetes drops them. */
export function compilePreferredTerms(v: unknown): readonly PreferredTerm[] {
  const out: PreferredTerm[] = [];
  for (const p of arrayOf(v)) {
    if (!isRecord(p)) continue;
    const weight = typeof p.weight === 'number' ? p.weight : 0;
    if (weight === 0) continue;
    out.push({ weight, term: compileNodeSelectorTerm(p.preference) });
  }
  return out;
}
