// Leases as etcd's lessor keeps them. The lease table (ID, granted TTL, attached keys) is
// replicated state changed only by applied entries; expiry times are the leader's alone:
// only the leader revokes (through the log), and a new leader restarts every lease's clock,
// so a lease survives a leader change instead of expiring early.

import type { MvccStore } from '../mvcc/index.js';

export const MAX_LEASE_TTL = 9_000_000_000;

export interface LeaseInfo {
  id: bigint;
  ttl: number;
  keys: Set<string>;
  /** Monotonic ms at which the lease expires; undefined unless this member leads. */
  expiryMs: number | undefined;
}

const keyId = (key: Buffer): string => key.toString('hex');

export class Lessor {
  private readonly leases = new Map<bigint, LeaseInfo>();
  private primary = false;
  /** Bumped whenever the replicated table (IDs, TTLs) changes, so it is persisted only then. */
  tableVersion = 0;

  constructor(readonly minTtl: number) {}

  get isPrimary(): boolean {
    return this.primary;
  }

  lookup(id: bigint): LeaseInfo | undefined {
    return this.leases.get(id);
  }

  ids(): bigint[] {
    return [...this.leases.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Applied LeaseGrant; returns the granted TTL (raised to the minimum, as etcd does). */
  grant(id: bigint, ttl: number, nowMs: number): number {
    const granted = Math.max(ttl, this.minTtl);
    this.tableVersion++;
    this.leases.set(id, {
      id,
      ttl: granted,
      keys: new Set(),
      expiryMs: this.primary ? nowMs + granted * 1000 : undefined,
    });
    return granted;
  }

  /** Applied LeaseRevoke: forgets the lease and returns its keys (hex), for the caller to delete. */
  revoke(id: bigint): Buffer[] | undefined {
    const lease = this.leases.get(id);
    if (!lease) return undefined;
    this.leases.delete(id);
    this.tableVersion++;
    return [...lease.keys].sort().map((k) => Buffer.from(k, 'hex'));
  }

  attach(id: bigint, key: Buffer): void {
    this.leases.get(id)?.keys.add(keyId(key));
  }

  detach(id: bigint, key: Buffer): void {
    this.leases.get(id)?.keys.delete(keyId(key));
  }

  /** KeepAlive on the leader: restarts the lease's clock; -1 when no such lease. */
  renew(id: bigint, nowMs: number): number {
    const lease = this.leases.get(id);
    if (!lease) return -1;
    if (this.primary) lease.expiryMs = nowMs + lease.ttl * 1000;
    return lease.ttl;
  }

  /** Seconds left, rounded up as etcd reports it; -1 when unknown. */
  remainingTtl(id: bigint, nowMs: number): number {
    const lease = this.leases.get(id);
    if (!lease) return -1;
    if (lease.expiryMs === undefined) return lease.ttl;
    return Math.max(0, Math.ceil((lease.expiryMs - nowMs) / 1000));
  }

  /** Becoming leader: every lease gets a full TTL from now (plus the election's worth of slack). */
  promote(nowMs: number, extendMs: number): void {
    this.primary = true;
    for (const lease of this.leases.values()) lease.expiryMs = nowMs + extendMs + lease.ttl * 1000;
  }

  demote(): void {
    this.primary = false;
    for (const lease of this.leases.values()) lease.expiryMs = undefined;
  }

  /** Leases whose time is up (leader only), oldest expiry first. */
  expired(nowMs: number, max: number): bigint[] {
    if (!this.primary) return [];
    const out: LeaseInfo[] = [];
    for (const lease of this.leases.values()) {
      if (lease.expiryMs !== undefined && lease.expiryMs <= nowMs) out.push(lease);
    }
    out.sort((a, b) => (a.expiryMs ?? 0) - (b.expiryMs ?? 0));
    return out.slice(0, max).map((l) => l.id);
  }

  /** The replicated part (IDs and TTLs); keys are rebuilt from the key-value store. */
  toJSON(): { id: string; ttl: number }[] {
    return this.ids().map((id) => ({ id: id.toString(), ttl: this.leases.get(id)?.ttl ?? 0 }));
  }

  /** Rebuilds the table from its replicated part and the keys in the store that name a lease. */
  restore(table: { id: string; ttl: number }[], store: Pick<MvccStore, 'range'>): void {
    this.leases.clear();
    this.tableVersion++;
    for (const { id, ttl } of table) {
      this.leases.set(BigInt(id), { id: BigInt(id), ttl, keys: new Set(), expiryMs: undefined });
    }
    for (const kv of store.range(Buffer.from([0]), Buffer.from([0]), {}).kvs) {
      if (kv.lease !== 0n) this.attach(kv.lease, kv.key);
    }
  }
}
