// The pod-template-hash: Kubernetes' ComputeHash is FNV-32a over a deep printing of the pod
// template, then the collision count (4 little-endian bytes padded to 8), printed in decimal and
// mapped onto the safe alphabet (rand.SafeEncodeString). Ours prints the template as canonical
// JSON (sorted keys, empty values dropped), so the value is stable and changes with the
// template, though not byte-for-byte Kubernetes'.
import { isRecord } from '../../../../lib/api/object.js';
import type { PodTemplateSpec } from '../workload/replica-set.js';
import { POD_TEMPLATE_HASH_LABEL } from '../workload/replica-set.js';

/** rand.SafeEncodeString's alphabet: no vowels (no words) and no look-alike characters. */
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

export function fnv32a(bytes: Uint8Array, seed = FNV32_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV32_PRIME) >>> 0;
  }
  return h >>> 0;
}

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length] ?? '';
  return out;
}

/**
 * JSON with sorted keys, where null, empty objects and empty lists count as absent (the
 * semantic equality Kubernetes uses treats nil and empty alike).
 */
export function canonicalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalize);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const c = canonicalize(v[k]);
    if (c === undefined || c === null) continue;
    if (Array.isArray(c) && c.length === 0) continue;
    if (isRecord(c) && Object.keys(c).length === 0) continue;
    out[k] = c;
  }
  return out;
}

export function canonicalJson(v: unknown): string {
  return JSON.stringify(canonicalize(v)) ?? 'null';
}

export function computeHash(template: PodTemplateSpec | undefined, collisionCount: number | undefined): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

function withoutHashLabel(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(t ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

/** EqualIgnoreHash: the templates are the same apart from the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHashLabel(a)) === canonicalJson(withoutHashLabel(b));
}
