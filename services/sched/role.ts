// The two halves of bin/sched. Each is built at start-up (registering its informer handlers,
// so caches are warm on a standby) and acts only while it holds its lease.
import type { ControllerClient } from '../../lib/controller/client.js';

export interface Role {
  /** "scheduler" or "controllers". */
  readonly name: string;
  /** The Lease a copy must hold to act: kube-scheduler or kube-controller-manager. */
  readonly leaseName: string;
  /** The credentials the half acts (and holds its lease) with. */
  readonly client: ControllerClient;
  /** Acts until the signal aborts (leadership lost or shutdown). */
  run(signal: AbortSignal): Promise<void>;
}
