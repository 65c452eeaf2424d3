// kube-controller-manager's ServiceAccount controller: every active namespace has a
// ServiceAccount named "default" (created with the namespace, recreated if deleted). Keys are
// namespace names.
import type { KubeObject } from '../../../../lib/api/object.js';
import { isRecord } from '../../../../lib/api/object.js';
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';
import type { Controller } from '../../../../lib/controller/controller.js';
import { runWorkers } from '../../../../lib/controller/controller.js';
import type { Informer } from '../../../../lib/controller/informer.js';
import { Resources } from '../../../../lib/controller/resources.js';
import { WorkQueue } from '../../../../lib/controller/work-queue.js';
import type { ControllerDeps } from '../controller-deps.js';
import { aggregateMessage, hasNamespaceTerminatingCause } from '../endpointslice/endpoint-util.js';

export interface ServiceAccountsControllerOptions {
  /** The ServiceAccounts every namespace gets (default: just "default"). */
  serviceAccounts?: readonly string[];
}

export class ServiceAccountsController implements Controller {
  readonly name = 'serviceaccount-controller';
  readonly queue: WorkQueue;
  private readonly namespaces: Informer;
  private readonly serviceAccounts: Informer;
  private readonly toEnsure: readonly string[];

  constructor(
    private readonly deps: ControllerDeps,
    options: ServiceAccountsControllerOptions = {},
  ) {
    this.toEnsure = options.serviceAccounts ?? ['default'];
    this.queue = new WorkQueue({ clock: deps.clock });
    this.namespaces = deps.informers.for(Resources.namespaces);
    this.serviceAccounts = deps.informers.for(Resources.serviceAccounts);
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.queue.add(ns.metadata.name ?? ''),
      onUpdate: (_old, ns) => this.queue.add(ns.metadata.name ?? ''),
    });
    this.serviceAccounts.addEventHandler({
      onDelete: (sa) => this.queue.add(sa.metadata.namespace ?? ''),
    });
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    await Promise.all([this.namespaces.waitForSync(signal), this.serviceAccounts.waitForSync(signal)]);
    if (signal.aborted) return;
    await runWorkers(this.name, this.queue, (key) => this.sync(key), workers, signal, this.deps.log);
  }

  /** syncNamespace: key is the namespace name. */
  async sync(key: string): Promise<void> {
    const ns = this.namespaces.cache.getByName('', key);
    if (!ns) return;
    // Nothing new in a namespace that is not Active (being terminated).
    if (namespacePhase(ns) !== 'Active') return;
    const failures: string[] = [];
    for (const name of this.toEnsure) {
      if (this.serviceAccounts.cache.getByName(key, name)) continue;
      const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: key } };
      try {
        await this.deps.client.create(Resources.serviceAccounts, sa, { namespace: key });
      } catch (err) {
        if (isApiError(err, 409) || hasNamespaceTerminatingCause(err)) continue;
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
    if (failures.length > 0) throw new Error(aggregateMessage(failures));
  }
}

function namespacePhase(ns: KubeObject): string {
  return isRecord(ns.status) && typeof ns.status.phase === 'string' ? ns.status.phase : '';
}
