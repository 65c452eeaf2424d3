// Leases for objects that expire (Events, --event-ttl), as kube-apiserver's etcd3 leaseManager
// hands them out: one store lease is shared by the writes of a short window, so a burst of
// Events costs one LeaseGrant rather than one each. A lease is reused while it still outlives
// the requested TTL and expires at most a reuse window later (5% of the TTL, at most 60 s), for
// at most 1000 objects; a new one is granted with the window added to its TTL.
import { Mutex } from '../../../lib/keyed-mutex.js';

export interface LeaseManagerOptions {
  /** Grants a store lease of ttlSeconds and returns its ID (decimal, as the etcd API carries it). */
  grant: (ttlSeconds: number) => Promise<string>;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** The longest reuse window, in seconds (Kubernetes: 60). */
  reuseSeconds?: number;
  /** The reuse window as a fraction of the TTL (Kubernetes: 0.05). */
  reusePercent?: number;
  /** Objects attached to one lease at most (Kubernetes: 1000). */
  maxObjects?: number;
}

export class LeaseManager {
  private prev: { id: string; expiresAt: number; objects: number } | undefined;
  /** One request at a time, grant included (as Kubernetes holds its lock across the grant), so a burst shares one lease. */
  private readonly mutex = new Mutex();
  private readonly reuseSeconds: number;
  private readonly reusePercent: number;
  private readonly maxObjects: number;

  constructor(private readonly opts: LeaseManagerOptions) {
    this.reuseSeconds = opts.reuseSeconds ?? 60;
    this.reusePercent = opts.reusePercent ?? 0.05;
    this.maxObjects = opts.maxObjects ?? 1000;
  }

  /** A lease ID for one object that must live ttlSeconds. */
  lease(ttlSeconds: number): Promise<string> {
    return this.mutex.run(async () => {
      const now = this.opts.now();
      const window = Math.min(Math.floor(ttlSeconds * this.reusePercent), this.reuseSeconds);
      const p = this.prev;
      // Reusable if it outlives the TTL, but not by more than the window.
      if (p && p.objects < this.maxObjects && now + ttlSeconds * 1000 < p.expiresAt && now + (ttlSeconds + window) * 1000 >= p.expiresAt) {
        p.objects++;
        return p.id;
      }
      const ttl = ttlSeconds + window;
      const id = await this.opts.grant(ttl);
      // Counted from before the request: the store's clock started no earlier.
      this.prev = { id, expiresAt: now + ttl * 1000, objects: 1 };
      return id;
    });
  }

  /** Stops handing out lease id (the store said it does not have it: revoked, or expired early). */
  forget(id: string): void {
    if (this.prev?.id === id) this.prev = undefined;
  }
}
