// Kubernetes' UIDTrackingControllerExpectations: what a controller expects its informer to show
// before it trusts the cache again. After creating n pods it expects n adds; after deleting pods
// it expects those pods (by namespace/name) to disappear. Until the informer has reported them,
// or five minutes have passed, sync must not create or delete more, or a lagging watch would
// make it act twice.
import type { Clock } from '../../../../lib/controller/clock.js';

/** ExpectationsTimeout: a dropped watch event cannot keep a controller asleep for longer. */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  setAt: number;
}

export class ControllerExpectations {
  private readonly expectations = new Map<string, Expectation>();
  /** Pod keys whose deletion is still expected, per controller key. */
  private readonly pendingDeletes = new Map<string, Set<string>>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS,
  ) {}

  /** True when nothing is expected any more, the expectations expired, or none were ever set. */
  satisfied(controllerKey: string): boolean {
    const e = this.expectations.get(controllerKey);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.setAt > this.timeoutMs;
  }

  /** Replaces the expectations with `adds` creations (SetExpectations(adds, 0)). */
  expectCreations(controllerKey: string, adds: number): void {
    this.expectations.set(controllerKey, { add: adds, del: 0, setAt: this.clock.now() });
  }

  /** Replaces the expectations with the deletion of exactly these pods. */
  expectDeletions(controllerKey: string, podKeys: readonly string[]): void {
    const keys = new Set(podKeys);
    this.pendingDeletes.set(controllerKey, keys);
    this.expectations.set(controllerKey, { add: 0, del: keys.size, setAt: this.clock.now() });
  }

  creationObserved(controllerKey: string): void {
    const e = this.expectations.get(controllerKey);
    if (e) e.add--;
  }

  /** Counts a pod's deletion once, however many times it is reported (terminating, then deleted). */
  deletionObserved(controllerKey: string, podKey: string): void {
    const keys = this.pendingDeletes.get(controllerKey);
    if (!keys?.has(podKey)) return;
    keys.delete(podKey);
    const e = this.expectations.get(controllerKey);
    if (e) e.del--;
  }

  delete(controllerKey: string): void {
    this.expectations.delete(controllerKey);
    this.pendingDeletes.delete(controllerKey);
  }

  /** Pending adds and deletes, for tests and debugging. */
  get(controllerKey: string): { add: number; del: number } | undefined {
    const e = this.expectations.get(controllerKey);
    return e ? { add: e.add, del: e.del } : undefined;
  }
}
