import { describe, expect, it } from 'vitest';
import * as patch from './index.js';

describe('patch library entry point', () => {
  it('names the PATCH content types as Kubernetes does', () => {
    expect(patch.PatchType).toEqual({
      JSONPatch: 'application/json-patch+json',
      MergePatch: 'application/merge-patch+json',
      StrategicMergePatch: 'application/strategic-merge-patch+json',
      ApplyPatch: 'application/apply-patch+yaml',
    });
    expect(patch.isPatchType('application/merge-patch+json')).toBe(true);
    expect(patch.isPatchType('application/json')).toBe(false);
  });

  it('exposes one function per patch flavour, dispatchable by content type', () => {
    const original = { metadata: { labels: { a: '1' } }, spec: { list: [1, 2] } };
    const byType: Record<string, (doc: unknown) => unknown> = {
      [patch.PatchType.JSONPatch]: (doc) => patch.applyJsonPatch(doc, [{ op: 'remove', path: '/metadata/labels/a' }]),
      [patch.PatchType.MergePatch]: (doc) => patch.applyJsonMergePatch(doc, { metadata: { labels: { a: null } } }),
      [patch.PatchType.StrategicMergePatch]: (doc) =>
        patch.applyStrategicMergePatch(doc, { metadata: { labels: { a: null } } }, patch.NO_PATCH_META),
    };
    for (const apply of Object.values(byType)) {
      expect(apply(original)).toEqual({ metadata: { labels: {} }, spec: { list: [1, 2] } });
    }
  });

  it('builds PatchMeta from a nested literal', () => {
    const meta = patch.patchMetaFrom({
      spec: patch.object({ containers: patch.mergeList('name', { ports: patch.mergeList('containerPort') }), finalizers: patch.mergeSet }),
    });
    const containers = meta.lookup('spec')?.nested?.lookup('containers');
    expect(containers).toMatchObject({ strategies: ['merge'], mergeKey: 'name' });
    expect(containers?.nested?.lookup('ports')).toMatchObject({ strategies: ['merge'], mergeKey: 'containerPort' });
    expect(meta.lookup('spec')?.nested?.lookup('finalizers')).toEqual({ strategies: ['merge'] });
    expect(meta.lookup('status')).toBeUndefined();
    expect(meta.lookup('constructor')).toBeUndefined();
  });
});
