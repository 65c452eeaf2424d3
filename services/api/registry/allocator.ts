// ClusterIP and NodePort allocation. Each allocated value is one key in the store, created
// only if absent (like Kubernetes' IPAddress objects), so two API servers can never hand out
// the same value; a repair pass after start reconciles keys with the Services that own them.
import type { EtcdStorage } from '../storage/etcd-storage.js';

export interface AllocationOwner {
  namespace: string;
  name: string;
}

export class RangeFullError extends Error {
  override readonly name = 'RangeFullError';
}

export class AlreadyAllocatedError extends Error {
  override readonly name = 'AlreadyAllocatedError';
}

/** A range of values (IPv4 addresses as numbers, or ports) handed out one key at a time. */
export class KeyAllocator {
  constructor(
    private readonly storage: EtcdStorage,
    /** e.g. "/registry/ranges/serviceips/" */
    readonly prefix: string,
    private readonly first: number,
    private readonly last: number,
    private readonly format: (n: number) => string,
    private readonly reserved: ReadonlySet<number> = new Set(),
  ) {}

  get size(): number {
    return this.last - this.first + 1;
  }

  contains(n: number): boolean {
    return n >= this.first && n <= this.last;
  }

  /** Claims exactly n; throws AlreadyAllocatedError if another owner holds it. */
  async allocate(n: number, owner: AllocationOwner): Promise<void> {
    const res = await this.storage.create(this.prefix + this.format(n), Buffer.from(JSON.stringify(owner)));
    if (!res.ok) {
      const cur = await this.storage.get(this.prefix + this.format(n));
      if (cur && sameOwner(cur.value, owner)) return;
      throw new AlreadyAllocatedError(`provided value ${this.format(n)} is already allocated`);
    }
  }

  /** Claims some free value, starting from a random point of the range. */
  async allocateNext(owner: AllocationOwner): Promise<number> {
    const taken = new Set((await this.storage.list(this.prefix)).items.map((i) => i.key.slice(this.prefix.length)));
    const start = Math.floor(Math.random() * this.size);
    for (let i = 0; i < this.size; i++) {
      const n = this.first + ((start + i) % this.size);
      if (this.reserved.has(n) || taken.has(this.format(n))) continue;
      const res = await this.storage.create(this.prefix + this.format(n), Buffer.from(JSON.stringify(owner)));
      if (res.ok) return n;
    }
    throw new RangeFullError('range is full');
  }

  async release(n: number): Promise<void> {
    await this.storage.delete(this.prefix + this.format(n), 0);
  }

  /** Every allocated key with its owner. */
  async allocated(): Promise<{ value: string; owner: AllocationOwner | undefined; revision: number }[]> {
    const page = await this.storage.list(this.prefix);
    return page.items.map((i) => ({ value: i.key.slice(this.prefix.length), owner: parseOwner(i.value), revision: i.modRevision }));
  }

  async releaseValue(value: string): Promise<void> {
    await this.storage.delete(this.prefix + value, 0);
  }
}

function parseOwner(b: Buffer): AllocationOwner | undefined {
  try {
    const v: unknown = JSON.parse(b.toString('utf8'));
    if (typeof v === 'object' && v !== null && 'namespace' in v && 'name' in v && typeof v.namespace === 'string' && typeof v.name === 'string') {
      return { namespace: v.namespace, name: v.name };
    }
  } catch {
    // not ours
  }
  return undefined;
}

function sameOwner(b: Buffer, owner: AllocationOwner): boolean {
  const o = parseOwner(b);
  return o !== undefined && o.namespace === owner.namespace && o.name === owner.name;
}

export function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The usable addresses of a CIDR: network and broadcast addresses excluded. */
export function cidrRange(cidr: string): { first: number; last: number; network: number } {
  const [ip, bitsText] = cidr.split('/');
  const base = ipv4ToNumber(ip ?? '');
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 8 || bits > 30) throw new Error(`invalid IPv4 CIDR ${cidr}`);
  const size = 2 ** (32 - bits);
  const network = base - (base % size);
  return { first: network + 1, last: network + size - 2, network };
}
