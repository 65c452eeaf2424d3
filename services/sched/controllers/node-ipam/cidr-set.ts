// cidrset.CidrSet: the node-sized blocks of one cluster CIDR, as a bitmap of used blocks.
// Allocation goes round the range from just after the last block handed out, so a block that
// was just released is not handed out again until every other block has had its turn.
import type { Cidr } from './cidr.js';
import { addressBits, formatCidr, lastAddress, maskOf, overlaps } from './cidr.js';

/** ErrCIDRRangeNoCIDRsRemaining. */
export class CidrRangeFullError extends Error {
  override readonly name = 'CidrRangeFullError';
  constructor() {
    super('CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range');
  }
}

/** A CIDR given to occupy or release that does not belong to this set. */
export class CidrOutOfRangeError extends Error {
  override readonly name = 'CidrOutOfRangeError';
}

/** More blocks than a bitmap should hold (Kubernetes allows 16 bits of difference for IPv6). */
const MAX_MASK_DIFF = { 4: 24, 6: 16 } as const;

export class CidrSet {
  private readonly used: Uint8Array;
  private readonly maxCidrs: number;
  private allocated = 0;
  private nextCandidate = 0;

  constructor(
    readonly clusterCidr: Cidr,
    readonly nodeMaskSize: number,
  ) {
    const diff = nodeMaskSize - clusterCidr.prefix;
    if (diff < 0 || nodeMaskSize > addressBits(clusterCidr.family)) {
      throw new CidrOutOfRangeError(`node CIDR mask size ${nodeMaskSize} must be at least the cluster CIDR mask size ${clusterCidr.prefix} and at most ${addressBits(clusterCidr.family)}`);
    }
    if (diff > MAX_MASK_DIFF[clusterCidr.family]) throw new CidrOutOfRangeError('New CIDR set failed; the node CIDR size is too big');
    this.maxCidrs = 2 ** diff;
    this.used = new Uint8Array(this.maxCidrs);
  }

  get size(): number {
    return this.maxCidrs;
  }

  get usedCount(): number {
    return this.allocated;
  }

  private block(index: number): Cidr {
    const shift = BigInt(addressBits(this.clusterCidr.family) - this.nodeMaskSize);
    return { family: this.clusterCidr.family, ip: this.clusterCidr.ip | (BigInt(index) << shift), prefix: this.nodeMaskSize };
  }

  /** AllocateNext: the next free block, marked used. */
  allocateNext(): Cidr {
    if (this.allocated === this.maxCidrs) throw new CidrRangeFullError();
    let candidate = this.nextCandidate;
    for (let i = 0; i < this.maxCidrs && this.used[candidate] === 1; i++) candidate = (candidate + 1) % this.maxCidrs;
    this.nextCandidate = (candidate + 1) % this.maxCidrs;
    this.used[candidate] = 1;
    this.allocated++;
    return this.block(candidate);
  }

  private indexOf(ip: bigint): number {
    const shift = BigInt(addressBits(this.clusterCidr.family) - this.nodeMaskSize);
    const index = (this.clusterCidr.ip ^ ip) >> shift;
    if (index >= BigInt(this.maxCidrs)) throw new CidrOutOfRangeError(`CIDR: ${formatCidr({ ...this.clusterCidr, ip, prefix: this.nodeMaskSize })} is out of the range of CIDR allocator`);
    return Number(index);
  }

  /** The block indexes a CIDR covers (all of them when it contains the whole cluster CIDR). */
  private range(cidr: Cidr): [number, number] {
    if (!overlaps(this.clusterCidr, cidr)) throw new CidrOutOfRangeError(`cidr ${formatCidr(cidr)} is out the range of cluster cidr ${formatCidr(this.clusterCidr)}`);
    if (this.clusterCidr.prefix >= cidr.prefix) return [0, this.maxCidrs - 1];
    const nodeMask = maskOf(this.nodeMaskSize, addressBits(cidr.family));
    return [this.indexOf(cidr.ip & nodeMask), this.indexOf(lastAddress(cidr) & nodeMask)];
  }

  /** Occupy: marks a CIDR's blocks used (fine if they already are). */
  occupy(cidr: Cidr): void {
    const [begin, end] = this.range(cidr);
    for (let i = begin; i <= end; i++) {
      if (this.used[i] === 1) continue;
      this.used[i] = 1;
      this.allocated++;
    }
  }

  /** Release: marks a CIDR's blocks free. */
  release(cidr: Cidr): void {
    const [begin, end] = this.range(cidr);
    for (let i = begin; i <= end; i++) {
      if (this.used[i] !== 1) continue;
      this.used[i] = 0;
      this.allocated--;
    }
  }
}
