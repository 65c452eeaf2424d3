// kube-controller-manager's EndpointSlice controller: for each Service with a selector, the
// discovery.k8s.io/v1 EndpointSlices listing the pods it selects. Services, pods and the
// controller's own slices enqueue the Service's key; sync(key) reconciles from the caches.
// Slices of a deleted Service are left to the garbage collector (they carry an owner reference).
import type { KubeObject } from '../../../../lib/api/object.js';
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import { matchesLabels, selectorFromSet } from '../../../../lib/api/labels.js';
import type { Controller } from '../../../../lib/controller/controller.js';
import { runWorkers } from '../../../../lib/controller/controller.js';
import type { Informer } from '../../../../lib/controller/informer.js';
import { Resources, objectKey, splitKey } from '../../../../lib/controller/resources.js';
import { WorkQueue } from '../../../../lib/controller/work-queue.js';
import type { ControllerDeps } from '../controller-deps.js';
import { aggregateMessage, enqueueServicesOnChange, hasNamespaceTerminatingCause, serviceSpec } from './endpoint-util.js';
import { ENDPOINTSLICE_CONTROLLER_NAME, LABEL_MANAGED_BY, LABEL_SERVICE_NAME, asEndpointSlice } from './endpoint-slice-types.js';
import { EndpointSliceTracker } from './endpoint-slice-tracker.js';
import type { SlicePlan } from './reconciler.js';
import { reconcileEndpointSlices } from './reconciler.js';

export interface EndpointSliceControllerOptions {
  /** --max-endpoints-per-slice (default 100). */
  maxEndpointsPerSlice?: number;
  /** --endpointslice-updates-batch-period: delay before a pod change is synced (default 0). */
  endpointUpdatesBatchPeriodMs?: number;
}

/** A change to a managed slice is synced no sooner than this (endpointSliceChangeMinSyncDelay). */
const SLICE_CHANGE_MIN_SYNC_DELAY_MS = 1000;

/** The cache has not yet seen a write of ours; the sync is retried. */
export class StaleInformerCacheError extends Error {
  override readonly name = 'StaleInformerCacheError';
}

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice-controller';
  readonly queue: WorkQueue;
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly slices: Informer;
  private readonly nodes: Informer;
  private readonly tracker = new EndpointSliceTracker();
  private readonly maxEndpointsPerSlice: number;
  private readonly batchPeriodMs: number;
  private readonly controllerName = ENDPOINTSLICE_CONTROLLER_NAME;

  constructor(
    private readonly deps: ControllerDeps,
    options: EndpointSliceControllerOptions = {},
  ) {
    this.maxEndpointsPerSlice = options.maxEndpointsPerSlice ?? 100;
    if (!Number.isInteger(this.maxEndpointsPerSlice) || this.maxEndpointsPerSlice < 1 || this.maxEndpointsPerSlice > 1000) {
      throw new RangeError(`maxEndpointsPerSlice must be between 1 and 1000, got ${this.maxEndpointsPerSlice}`);
    }
    this.batchPeriodMs = options.endpointUpdatesBatchPeriodMs ?? 0;
    this.queue = new WorkQueue({ clock: deps.clock });
    this.services = deps.informers.for(Resources.services);
    this.pods = deps.informers.for(Resources.pods);
    this.slices = deps.informers.for(Resources.endpointSlices);
    this.nodes = deps.informers.for(Resources.nodes);

    enqueueServicesOnChange(this.services, this.pods, this.queue, this.batchPeriodMs);
    this.slices.addEventHandler({
      onAdd: (slice) => {
        if (this.managedByUs(slice) && this.tracker.shouldSync(slice)) this.queueServiceForSlice(slice);
      },
      onUpdate: (old, slice) => {
        // Labels change without a new generation; a moved service-name label concerns both Services.
        if (old.metadata.labels?.[LABEL_SERVICE_NAME] !== slice.metadata.labels?.[LABEL_SERVICE_NAME]) {
          this.queueServiceForSlice(slice);
          this.queueServiceForSlice(old);
          return;
        }
        if (this.managedByUs(old) !== this.managedByUs(slice) || (this.managedByUs(slice) && this.tracker.shouldSync(slice))) this.queueServiceForSlice(slice);
      },
      onDelete: (slice) => {
        if (this.managedByUs(slice) && this.tracker.has(slice) && !this.tracker.handleDeletion(slice)) this.queueServiceForSlice(slice);
      },
    });
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    await Promise.all([this.services, this.pods, this.slices, this.nodes].map((i) => i.waitForSync(signal)));
    if (signal.aborted) return;
    await runWorkers(this.name, this.queue, (key) => this.sync(key), workers, signal, this.deps.log);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const svc = this.services.cache.getByName(namespace, name);
    if (!svc) {
      // Its slices go with it through their owner references.
      this.tracker.deleteService(namespace, name);
      return;
    }
    const spec = serviceSpec(svc);
    // ExternalName Services get no endpoints; Services without a selector get theirs from whoever manages them.
    if (spec.type === 'ExternalName' || spec.selector === undefined) return;

    const selector = selectorFromSet(spec.selector);
    const pods = this.pods.cache.listNamespace(namespace).filter((p) => matchesLabels(selector, p.metadata.labels));
    const slices = this.slices.cache
      .listNamespace(namespace)
      .filter((s) => s.metadata.labels?.[LABEL_SERVICE_NAME] === name && this.managedByUs(s) && s.metadata.deletionTimestamp === undefined)
      .map(asEndpointSlice);
    if (this.tracker.staleSlices(svc, slices)) throw new StaleInformerCacheError('EndpointSlice informer cache is out of date');

    const result = reconcileEndpointSlices({
      service: svc,
      pods,
      slices,
      node: (n) => this.nodes.cache.getByName('', n),
      maxEndpointsPerSlice: this.maxEndpointsPerSlice,
      controllerName: this.controllerName,
    });
    const errors = [...result.errors];
    const failed = await this.finalize(svc, result);
    if (failed !== undefined) errors.push(failed);
    if (errors.length > 0) {
      const msg = `Error updating Endpoint Slices for Service ${namespace}/${name}: ${aggregateMessage(errors)}`;
      this.deps.recorder.event(svc, 'Warning', 'FailedToUpdateEndpointSlices', msg);
      throw new Error(msg);
    }
  }

  /** Creates, updates and deletes as planned; the first failure's message, if any. */
  private async finalize(svc: KubeObject, plan: SlicePlan): Promise<string | undefined> {
    const namespace = svc.metadata.namespace ?? '';
    const svcName = `${namespace}/${svc.metadata.name ?? ''}`;
    // No new slices for a Service being deleted: the garbage collector would race them.
    if (svc.metadata.deletionTimestamp === undefined) {
      for (const slice of plan.create) {
        try {
          this.tracker.update(await this.deps.client.create(Resources.endpointSlices, slice, { namespace }));
        } catch (err) {
          // Creates in a namespace being deleted keep failing; drop the work.
          if (hasNamespaceTerminatingCause(err)) return undefined;
          return `failed to create EndpointSlice for Service ${svcName}: ${errorText(err)}`;
        }
      }
    }
    for (const slice of plan.update) {
      try {
        this.tracker.update(await this.deps.client.update(Resources.endpointSlices, slice, { namespace }));
      } catch (err) {
        return `failed to update ${slice.metadata.name ?? ''} EndpointSlice for Service ${svcName}: ${errorText(err)}`;
      }
    }
    for (const slice of plan.delete) {
      try {
        await this.deps.client.delete(Resources.endpointSlices, slice.metadata.name ?? '', { namespace });
        this.tracker.expectDeletion(slice);
      } catch (err) {
        if (isApiError(err, 404)) continue;
        return `failed to delete ${slice.metadata.name ?? ''} EndpointSlice for Service ${svcName}: ${errorText(err)}`;
      }
    }
    return undefined;
  }


  private managedByUs(slice: KubeObject): boolean {
    return slice.metadata.labels?.[LABEL_MANAGED_BY] === this.controllerName;
  }

  private queueServiceForSlice(slice: KubeObject): void {
    const service = slice.metadata.labels?.[LABEL_SERVICE_NAME];
    if (service === undefined || service === '') {
      this.deps.log('EndpointSlice has no service-name label', { controller: this.name, slice: objectKey(slice) });
      return;
    }
    this.queue.addAfter(`${slice.metadata.namespace ?? ''}/${service}`, Math.max(SLICE_CHANGE_MIN_SYNC_DELAY_MS, this.batchPeriodMs));
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

