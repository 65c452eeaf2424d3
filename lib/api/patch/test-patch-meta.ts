// PatchMeta values for tests (the real ones come from the kind schemas).
//  - mergeItemMeta mirrors the MergeItem struct of apimachinery's strategicpatch tests, so
//    their fixtures can be replayed here;
//  - deploymentMeta mirrors the patch struct tags of apps/v1 Deployment and core/v1 PodSpec.
import type { FieldPatchMeta, PatchMeta } from './patch-meta.js';
import { mergeList, mergeSet, object, patchMetaFrom } from './patch-meta-builder.js';
import type { PatchMetaSpec } from './patch-meta-builder.js';

const mergeItemFields = new Map<string, FieldPatchMeta>();
const retainKeysItemFields = new Map<string, FieldPatchMeta>();

/** MergeItem: a recursive struct with every kind of patch strategy. */
export const mergeItemMeta: PatchMeta = { lookup: (name) => mergeItemFields.get(name) };
const retainKeysItemMeta: PatchMeta = { lookup: (name) => retainKeysItemFields.get(name) };

mergeItemFields.set('mergingList', { strategies: ['merge'], mergeKey: 'name', nested: mergeItemMeta });
mergeItemFields.set('nonMergingList', { strategies: [], nested: mergeItemMeta });
mergeItemFields.set('mergingIntList', { strategies: ['merge'] });
mergeItemFields.set('nonMergingIntList', { strategies: [] });
mergeItemFields.set('mergeItemPtr', { strategies: ['merge'], mergeKey: 'name', nested: mergeItemMeta });
mergeItemFields.set('simpleMap', { strategies: [] });
mergeItemFields.set('replacingItem', { strategies: ['replace'] });
mergeItemFields.set('retainKeysMap', { strategies: ['retainKeys'], nested: retainKeysItemMeta });
mergeItemFields.set('retainKeysMergingList', { strategies: ['merge', 'retainKeys'], mergeKey: 'name', nested: mergeItemMeta });

retainKeysItemFields.set('simpleMap', { strategies: [] });
retainKeysItemFields.set('mergingIntList', { strategies: ['merge'] });
retainKeysItemFields.set('mergingList', { strategies: ['merge'], mergeKey: 'name', nested: mergeItemMeta });
retainKeysItemFields.set('nonMergingList', { strategies: [], nested: mergeItemMeta });

const objectMeta: PatchMetaSpec = {
  finalizers: mergeSet,
  ownerReferences: mergeList('uid'),
};

const container: PatchMetaSpec = {
  ports: mergeList('containerPort'),
  env: mergeList('name'),
  volumeMounts: mergeList('mountPath'),
  volumeDevices: mergeList('devicePath'),
};

const podSpec: PatchMetaSpec = {
  volumes: { strategies: ['merge', 'retainKeys'], mergeKey: 'name' },
  initContainers: mergeList('name', container),
  containers: mergeList('name', container),
  ephemeralContainers: mergeList('name', container),
  imagePullSecrets: mergeList('name'),
  hostAliases: mergeList('ip'),
  topologySpreadConstraints: mergeList('topologyKey'),
  schedulingGates: mergeList('name'),
  resourceClaims: { strategies: ['merge', 'retainKeys'], mergeKey: 'name' },
  // tolerations, readinessGates and the rest carry no patch tags: replaced whole.
};

/** apps/v1 Deployment. */
export const deploymentMeta: PatchMeta = patchMetaFrom({
  metadata: object(objectMeta),
  spec: object({
    strategy: object({}, ['retainKeys']),
    template: object({ metadata: object(objectMeta), spec: object(podSpec) }),
  }),
  status: object({ conditions: mergeList('type') }),
});
