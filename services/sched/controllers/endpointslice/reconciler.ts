// The EndpointSlice reconciler as a pure function (k8s.io/endpointslice reconciler.go): from a
// Service, its pods and its current slices, the slices to create, update and delete. Endpoints
// are grouped by the set of ports they resolve to (one group of slices per distinct set), kept
// in the slice they are already in when possible, and packed into at most maxEndpointsPerSlice
// per slice; a slice is rewritten only when its endpoints or labels really changed.
import type { KubeObject } from '../../../../lib/api/object.js';
import { podNodeName } from '../pod-util.js';
import type { ServiceSpecView } from './endpoint-util.js';
import { serviceSpec, shouldPodBeInEndpoints } from './endpoint-util.js';
import type { Endpoint, EndpointPort, EndpointSlice } from './endpoint-slice-types.js';
import {
  EndpointSet,
  addressTypesForService,
  endpointPorts,
  endpointSliceLabels,
  endpointsEqualBeyondHash,
  newEndpointSlice,
  ownedBy,
  podToEndpoint,
  portMapKey,
  samePlaceholder,
  sliceToFill,
} from './slice-util.js';

export interface ReconcileInput {
  service: KubeObject;
  /** Pods of the Service's namespace that its selector matches. */
  pods: readonly KubeObject[];
  /** The Service's slices managed by this controller (none marked for deletion). */
  slices: readonly EndpointSlice[];
  /** A Node from the informer cache, for the endpoint's zone. */
  node: (name: string) => KubeObject | undefined;
  maxEndpointsPerSlice: number;
  controllerName: string;
}

export interface SlicePlan {
  /** New slices: generateName set, no name. */
  create: EndpointSlice[];
  /** Changed copies of existing slices. */
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

export interface ReconcileResult extends SlicePlan {
  /** Problems that leave the plan usable but call for a retry (a pod's Node not in the cache). */
  errors: string[];
}

interface Ctx {
  svc: KubeObject;
  spec: ServiceSpecView;
  max: number;
  controllerName: string;
}

export function reconcileEndpointSlices(input: ReconcileInput): ReconcileResult {
  const spec = serviceSpec(input.service);
  const ctx: Ctx = { svc: input.service, spec, max: input.maxEndpointsPerSlice, controllerName: input.controllerName };
  const supported = addressTypesForService(spec);
  const result: ReconcileResult = { create: [], update: [], delete: [], errors: [] };
  const byType = new Map<string, EndpointSlice[]>();
  const unsupported: EndpointSlice[] = [];
  for (const slice of input.slices) {
    if (!supported.has(slice.addressType)) {
      unsupported.push(slice);
      continue;
    }
    const list = byType.get(slice.addressType) ?? [];
    list.push(slice);
    byType.set(slice.addressType, list);
  }
  // Pods in a stable order, so the same state always packs the same way.
  const pods = [...input.pods].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0));
  for (const addressType of supported) {
    const plan = reconcileByAddressType(ctx, pods, byType.get(addressType) ?? [], addressType, input.node, result.errors);
    result.create.push(...plan.create);
    result.update.push(...plan.update);
    result.delete.push(...plan.delete);
  }
  result.delete.push(...unsupported);
  return result;
}

function reconcileByAddressType(
  ctx: Ctx,
  pods: readonly KubeObject[],
  existing: readonly EndpointSlice[],
  addressType: string,
  nodeOf: (name: string) => KubeObject | undefined,
  errors: string[],
): SlicePlan {
  const toCreate: EndpointSlice[] = [];
  const toUpdate: EndpointSlice[] = [];
  const toDelete: EndpointSlice[] = [];

  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    if (!ownedBy(slice, ctx.svc)) {
      toDelete.push(slice);
      continue;
    }
    const key = portMapKey(slice.ports);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), slice]);
  }

  const desiredPorts = new Map<string, EndpointPort[]>();
  const desiredEndpoints = new Map<string, EndpointSet>();
  const svcName = `${ctx.svc.metadata.namespace ?? ''}/${ctx.svc.metadata.name ?? ''}`;
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(ctx.spec, pod);
    const key = portMapKey(ports);
    let set = desiredEndpoints.get(key);
    if (!set) {
      set = new EndpointSet();
      desiredEndpoints.set(key, set);
      desiredPorts.set(key, ports);
    }
    const nodeName = podNodeName(pod);
    const node = nodeOf(nodeName);
    // A pod on a Node the cache does not know is left out for now and the sync retried, unless
    // the Service publishes not-ready addresses anyway.
    if (!node && !ctx.spec.publishNotReadyAddresses) {
      errors.push(`skipping Pod ${pod.metadata.name ?? ''} for Service ${svcName}: Node ${nodeName} Not Found`);
      continue;
    }
    const ep = podToEndpoint(pod, node, ctx.svc, ctx.spec, addressType);
    if (ep.addresses.length > 0) set.insert(ep);
  }

  for (const [key, desired] of desiredEndpoints) {
    const plan = reconcileByPortMapping(ctx, existingByPorts.get(key) ?? [], desired, desiredPorts.get(key) ?? [], addressType);
    toCreate.push(...plan.create);
    toUpdate.push(...plan.update);
    toDelete.push(...plan.delete);
  }
  for (const [key, slices] of existingByPorts) if (!desiredEndpoints.has(key)) toDelete.push(...slices);

  // A Service with no endpoints still gets one empty slice, so consumers can tell "no
  // endpoints" from "not processed yet".
  if (existing.length === toDelete.length && toCreate.length < 1) {
    const placeholder = newEndpointSlice(ctx.svc, ctx.spec, [], addressType, ctx.controllerName);
    const only = toDelete[0];
    if (toDelete.length === 1 && only !== undefined && samePlaceholder(only, placeholder)) toDelete.length = 0;
    else toCreate.push(placeholder);
  }
  return reuseDeletedSlices(ctx.svc, { create: toCreate, update: toUpdate, delete: toDelete });
}

/**
 * reconcileByPortMapping: 1. keep desired endpoints where they are, dropping the rest and
 * refreshing changed ones; 2. top up the slices already being rewritten; 3. put what is left in
 * the unchanged slice it fills best, or in new slices.
 */
function reconcileByPortMapping(ctx: Ctx, existing: readonly EndpointSlice[], desired: EndpointSet, ports: readonly EndpointPort[], addressType: string): SlicePlan {
  const byName = new Map<string, EndpointSlice>();
  const unchanged: string[] = [];
  const toUpdate: string[] = [];
  const toDelete: string[] = [];

  for (const slice of existing) {
    const name = slice.metadata.name ?? '';
    byName.set(name, slice);
    const kept: Endpoint[] = [];
    let endpointUpdated = false;
    for (const ep of slice.endpoints) {
      const want = desired.get(ep);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondHash(want, ep)) endpointUpdated = true;
      desired.delete(ep);
    }
    const { labels, changed: labelsChanged } = endpointSliceLabels(slice, ctx.svc, ctx.spec, ctx.controllerName);
    if (endpointUpdated || kept.length !== slice.endpoints.length) {
      if (kept.length === 0) {
        toDelete.push(name);
      } else {
        const copy = structuredClone(slice);
        copy.endpoints = kept;
        copy.metadata.labels = labels;
        byName.set(name, copy);
        toUpdate.push(name);
      }
    } else if (labelsChanged) {
      const copy = structuredClone(slice);
      copy.metadata.labels = labels;
      byName.set(name, copy);
      toUpdate.push(name);
    } else {
      unchanged.push(name);
    }
  }

  if (desired.size > 0 && toUpdate.length > 0) {
    // Fullest first, so endpoints concentrate in few slices.
    const slices = toUpdate.map((n) => byName.get(n)).filter((s): s is EndpointSlice => s !== undefined);
    slices.sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const slice of slices) {
      while (desired.size > 0 && slice.endpoints.length < ctx.max) {
        const ep = desired.pop();
        if (ep) slice.endpoints.push(ep);
      }
    }
  }

  const toCreate: EndpointSlice[] = [];
  while (desired.size > 0) {
    let target: EndpointSlice | undefined;
    if (desired.size < ctx.max && unchanged.length > 0) {
      const candidates = unchanged.map((n) => byName.get(n)).filter((s): s is EndpointSlice => s !== undefined);
      target = sliceToFill(candidates, desired.size, ctx.max);
    }
    if (!target) {
      target = newEndpointSlice(ctx.svc, ctx.spec, ports, addressType, ctx.controllerName);
    } else {
      target = structuredClone(target);
      byName.set(target.metadata.name ?? '', target);
    }
    while (desired.size > 0 && target.endpoints.length < ctx.max) {
      const ep = desired.pop();
      if (ep) target.endpoints.push(ep);
    }
    const name = target.metadata.name;
    if (name !== undefined && name !== '') {
      if (!toUpdate.includes(name)) toUpdate.push(name);
      const i = unchanged.indexOf(name);
      if (i >= 0) unchanged.splice(i, 1);
    } else {
      toCreate.push(target);
    }
  }

  const pick = (names: readonly string[]): EndpointSlice[] => names.map((n) => byName.get(n)).filter((s): s is EndpointSlice => s !== undefined);
  return { create: toCreate, update: pick(toUpdate), delete: pick(toDelete) };
}

/**
 * finalize's first step: a slice about to be created takes the place (and name) of one about
 * to be deleted, turning a create and a delete into one update.
 */
function reuseDeletedSlices(svc: KubeObject, plan: SlicePlan): SlicePlan {
  const create = [...plan.create];
  const update = [...plan.update];
  const del = [...plan.delete];
  for (let i = 0; i < del.length && create.length > 0; ) {
    const old = del[i] as EndpointSlice;
    const fresh = create[create.length - 1] as EndpointSlice;
    if (old.addressType === fresh.addressType && ownedBy(old, svc)) {
      fresh.metadata.name = old.metadata.name ?? '';
      // The stored version, so a write based on a stale cache fails with a conflict and is retried.
      if (old.metadata.resourceVersion !== undefined) fresh.metadata.resourceVersion = old.metadata.resourceVersion;
      create.pop();
      update.push(fresh);
      del.splice(i, 1);
    } else {
      i++;
    }
  }
  return { create, update, delete: del };
}
