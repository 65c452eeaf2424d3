import { describe, expect, it } from 'vitest';
import { parseManifests } from './manifests.js';

describe('parseManifests', () => {
  it('reads several documents, skips empty ones and expands Lists', () => {
    const text = [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}',
      '',
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}',
      '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "d"}}',
    ].join('\n---\n');
    expect(parseManifests(text, 'f.yaml').map((m) => `${m.source}:${m.object.kind}/${m.object.metadata.name ?? ''}`)).toEqual(['f.yaml:Namespace/a', 'f.yaml:ConfigMap/b', 'f.yaml:ConfigMap/c', 'f.yaml:Secret/d']);
  });

  it('reads YAML 1.1 as kubectl does: yes/on/y are booleans, 0755 is octal, dates stay strings', () => {
    const [m] = parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: y, b: on, c: 0755, d: 2024-01-01, e: "yes", f: 10:30}\n', 'f');
    expect(m?.object.data).toEqual({ a: true, b: true, c: 493, d: '2024-01-01', e: 'yes', f: '10:30' });
  });

  it('refuses documents without apiVersion or kind, and bad YAML', () => {
    expect(() => parseManifests('metadata: {name: x}\n', 'f.yaml')).toThrow('error validating "f.yaml": error validating data: [apiVersion not set, kind not set]');
    expect(() => parseManifests('a: [\n', 'f.yaml')).toThrow(/^error parsing f\.yaml: /);
  });
});
