// kube-controller-manager's Endpoints controller: for each Service with a selector, the core/v1
// Endpoints object of the same name, listing its pods' addresses (ready and not ready) per port
// set. Endpoints of a Service that is gone are deleted; Services without a selector keep
// whatever Endpoints their owner writes.
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import { matchesLabels, selectorFromSet } from '../../../../lib/api/labels.js';
import type { Controller } from '../../../../lib/controller/controller.js';
import { runWorkers } from '../../../../lib/controller/controller.js';
import type { Informer } from '../../../../lib/controller/informer.js';
import { Resources, objectKey, splitKey } from '../../../../lib/controller/resources.js';
import { WorkQueue } from '../../../../lib/controller/work-queue.js';
import type { ControllerDeps } from '../controller-deps.js';
import { isPodReady, podNodeName } from '../pod-util.js';
import type { ServiceSpecView } from '../endpointslice/endpoint-util.js';
import {
  CLUSTER_IP_NONE,
  LABEL_HEADLESS,
  enqueueServicesOnChange,
  findPort,
  hasNamespaceTerminatingCause,
  ipFamilyOf,
  isServiceIPSet,
  podHostnameFor,
  podIPs,
  semanticEqual,
  serviceSpec,
  shouldPodBeInEndpoints,
} from '../endpointslice/endpoint-util.js';
import type { EndpointAddress, EndpointSubset, EndpointsPort } from './subsets.js';
import { repackSubsets, truncateSubsets } from './subsets.js';

/** v1.EndpointsOverCapacity. */
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
/** resourcelock.LeaderElectionRecordAnnotationKey: Endpoints used as a leader lock have no Service. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

export interface EndpointsControllerOptions {
  /** --endpoint-updates-batch-period: delay before a pod change is synced (default 0). */
  endpointUpdatesBatchPeriodMs?: number;
}

/** The cached Endpoints is one this controller has already replaced. */
export class StaleEndpointsError extends Error {
  override readonly name = 'StaleEndpointsError';
}

export class EndpointsController implements Controller {
  readonly name = 'endpoints-controller';
  readonly queue: WorkQueue;
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly endpoints: Informer;
  private readonly batchPeriodMs: number;
  /** namespace/name → the resourceVersion our last update replaced (staleEndpointsTracker). */
  private readonly staleVersions = new Map<string, string>();

  constructor(
    private readonly deps: ControllerDeps,
    options: EndpointsControllerOptions = {},
  ) {
    this.batchPeriodMs = options.endpointUpdatesBatchPeriodMs ?? 0;
    this.queue = new WorkQueue({ clock: deps.clock });
    this.services = deps.informers.for(Resources.services);
    this.pods = deps.informers.for(Resources.pods);
    this.endpoints = deps.informers.for(Resources.endpoints);

    enqueueServicesOnChange(this.services, this.pods, this.queue, this.batchPeriodMs);
    this.endpoints.addEventHandler({ onDelete: (ep) => this.queue.add(objectKey(ep)) });
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    await Promise.all([this.services, this.pods, this.endpoints].map((i) => i.waitForSync(signal)));
    if (signal.aborted) return;
    this.checkLeftoverEndpoints();
    await runWorkers(this.name, this.queue, (key) => this.sync(key), workers, signal, this.deps.log);
  }

  /** Queues every Endpoints once, so those whose Service went while we were down get deleted. */
  checkLeftoverEndpoints(): void {
    for (const ep of this.endpoints.cache.list()) {
      if (ep.metadata.annotations?.[LEADER_ANNOTATION] !== undefined) continue;
      this.queue.add(objectKey(ep));
    }
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    // default/kubernetes belongs to the API server, which keeps it pointing at itself.
    if (namespace === 'default' && name === 'kubernetes') return;
    const svc = this.services.cache.getByName(namespace, name);
    if (!svc) {
      try {
        await this.deps.client.delete(Resources.endpoints, name, { namespace });
      } catch (err) {
        if (!isApiError(err, 404)) throw err;
      }
      this.staleVersions.delete(key);
      return;
    }
    const spec = serviceSpec(svc);
    if (spec.type === 'ExternalName' || spec.selector === undefined) return;

    const selector = selectorFromSet(spec.selector);
    const pods = this.pods.cache
      .listNamespace(namespace)
      .filter((p) => matchesLabels(selector, p.metadata.labels))
      .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    const subsets = repackSubsets(desiredSubsets(svc, spec, pods));
    const truncated = truncateSubsets(subsets);
    // Truncation can leave a subset with no addresses, which the API would reject.
    const finalSubsets = subsets.filter((s) => s.addresses !== undefined || s.notReadyAddresses !== undefined);

    const cached = this.endpoints.cache.getByName(namespace, name);
    if (cached && this.staleVersions.get(key) === cached.metadata.resourceVersion) {
      throw new StaleEndpointsError(`endpoints informer cache is out of date, resource version ${cached.metadata.resourceVersion ?? ''} already processed for endpoints ${key}`);
    }
    const serviceLabels = svc.metadata.labels ?? {};
    if (cached) {
      // The headless label is ours, not the Service's; the pods' resourceVersions do not matter.
      const { [LABEL_HEADLESS]: _headless, ...compareLabels } = cached.metadata.labels ?? {};
      const markedTruncated = cached.metadata.annotations?.[ANNOTATION_OVER_CAPACITY] !== undefined;
      if (semanticEqual(withoutTargetVersions(cached.subsets), finalSubsets) && semanticEqual(compareLabels, serviceLabels) && markedTruncated === truncated) return;
    }

    const next: KubeObject = cached ? structuredClone(cached) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
    next.subsets = finalSubsets;
    const labels: Record<string, string> = { ...serviceLabels };
    if (!isServiceIPSet(spec)) labels[LABEL_HEADLESS] = '';
    else delete labels[LABEL_HEADLESS];
    next.metadata.labels = labels;
    const annotations = { ...(next.metadata.annotations ?? {}) };
    if (truncated) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
    else delete annotations[ANNOTATION_OVER_CAPACITY];
    if (Object.keys(annotations).length > 0) next.metadata.annotations = annotations;
    else delete next.metadata.annotations;

    try {
      if (!cached) {
        await this.deps.client.create(Resources.endpoints, next, { namespace });
      } else {
        const updated = await this.deps.client.update(Resources.endpoints, next, { namespace });
        if (updated.metadata.resourceVersion !== cached.metadata.resourceVersion && cached.metadata.resourceVersion !== undefined) {
          this.staleVersions.set(key, cached.metadata.resourceVersion);
        }
      }
    } catch (err) {
      // Creates in a namespace being deleted keep failing; drop the work.
      if (!cached && isApiError(err, 403) && hasNamespaceTerminatingCause(err)) return;
      const reason = err instanceof Error ? err.message : String(err);
      if (!cached) this.deps.recorder.event(next, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${reason}`);
      else this.deps.recorder.event(next, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${reason}`);
      throw err;
    }
  }
}

/** Stored subsets with the targetRefs' resourceVersions dropped, for comparing. */
function withoutTargetVersions(subsets: unknown): unknown {
  if (!Array.isArray(subsets)) return subsets;
  const strip = (addrs: unknown): unknown =>
    Array.isArray(addrs)
      ? addrs.map((a: unknown) => {
          if (!isRecord(a) || !isRecord(a.targetRef)) return a;
          const { resourceVersion: _rv, ...ref } = a.targetRef;
          return { ...a, targetRef: ref };
        })
      : addrs;
  return subsets.map((s: unknown) => (isRecord(s) ? { ...s, addresses: strip(s.addresses), notReadyAddresses: strip(s.notReadyAddresses) } : s));
}

/** podToEndpointAddressForService: the pod's IP of the Service's (first) family. */
function podAddress(spec: ServiceSpecView, pod: KubeObject): EndpointAddress | undefined {
  const ips = podIPs(pod);
  let family: string;
  if (spec.ipFamilies.length > 0) family = spec.ipFamilies[0] ?? 'IPv4';
  else if (isServiceIPSet(spec)) family = ipFamilyOf(spec.clusterIP);
  else family = ipFamilyOf(ips[0] ?? '');
  const ip = ips.find((x) => ipFamilyOf(x) === family);
  if (ip === undefined) return undefined;
  return {
    ip,
    nodeName: podNodeName(pod),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
  };
}

/**
 * One subset per pod and port, ready or not ready (terminating pods only with
 * publishNotReadyAddresses, which also makes every address ready), before repacking.
 */
function desiredSubsets(svc: KubeObject, spec: ServiceSpecView, pods: readonly KubeObject[]): EndpointSubset[] {
  const subsets: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, spec.publishNotReadyAddresses)) continue;
    const addr = podAddress(spec, pod);
    if (!addr) continue;
    const hostname = podHostnameFor(pod, svc);
    if (hostname !== undefined) addr.hostname = hostname;
    const ready = spec.publishNotReadyAddresses || isPodReady(pod);
    const add = (ports: EndpointsPort[]): void => {
      subsets.push(ready ? { addresses: [addr], ports } : { notReadyAddresses: [addr], ports });
    };
    if (spec.ports.length === 0) {
      // A headless Service may have no ports at all.
      if (spec.clusterIP === CLUSTER_IP_NONE) add([]);
      continue;
    }
    for (const sp of spec.ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: EndpointsPort = { port, protocol: sp.protocol };
      if (sp.name !== '') ep.name = sp.name;
      if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
      add([ep]);
    }
  }
  return subsets;
}
