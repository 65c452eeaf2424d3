// The two halves of bin/sched. Each is built at start-up (registering its informer handlers,
// so caches are warm on a standby) and acts only while it holds its lease.
export interface Role {
  /** "scheduler" or "controllers". */
  readonly name: string;
  /** The Lease a copy must hold to act: kube-scheduler or kube-controller-manager. */
  readonly leaseName: string;
  /** Acts until the signal aborts (leadership lost or shutdown). */
  run(signal: AbortSignal): Promise<void>;
}
