// Owners the API server said do not exist, so dependents naming them need no further lookup
// (Kubernetes' ReferenceCache, an LRU). A uid is never reused, so absent stays absent.

export class AbsentOwnerCache {
  private readonly uids = new Map<string, true>();

  constructor(private readonly capacity = 500) {}

  add(uid: string): void {
    this.uids.delete(uid);
    this.uids.set(uid, true);
    if (this.uids.size > this.capacity) {
      const oldest = this.uids.keys().next();
      if (oldest.done !== true) this.uids.delete(oldest.value);
    }
  }

  has(uid: string): boolean {
    if (!this.uids.has(uid)) return false;
    // Recently used: keep it longest.
    this.uids.delete(uid);
    this.uids.set(uid, true);
    return true;
  }

  get size(): number {
    return this.uids.size;
  }
}
