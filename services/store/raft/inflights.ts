import { RaftInvariantError } from './errors.js';

/**
 * The last indexes of the MsgApps sent to one follower and not yet acknowledged, oldest first.
 * Bounding their count is the flow control of pipelined replication: when full, the leader stops
 * sending until acknowledgements free slots.
 */
export class Inflights {
  private readonly size: number;
  // Ring buffer: `count` items starting at `start`; grown lazily since most followers stay idle.
  private buffer: number[] = [];
  private start = 0;
  private count = 0;

  constructor(size: number) {
    if (size <= 0) throw new RaftInvariantError(`inflights size must be positive, got ${size}`);
    this.size = size;
  }

  /** Records a MsgApp whose last entry is index; indexes must be added in increasing order. */
  add(index: number): void {
    if (this.full()) throw new RaftInvariantError('cannot add into a full inflights');
    let next = this.start + this.count;
    if (next >= this.size) next -= this.size;
    if (next >= this.buffer.length) this.buffer.push(index);
    else this.buffer[next] = index;
    this.count++;
  }

  /** Frees the messages whose last index is <= to (acknowledged). */
  freeLE(to: number): void {
    if (this.count === 0 || to < (this.buffer[this.start] as number)) return;
    let idx = this.start;
    let i = 0;
    for (; i < this.count; i++) {
      if (to < (this.buffer[idx] as number)) break;
      idx++;
      if (idx >= this.size) idx -= this.size;
    }
    this.count -= i;
    this.start = idx;
    if (this.count === 0) this.start = 0;
  }

  full(): boolean {
    return this.count === this.size;
  }

  /** Number of messages in flight. */
  length(): number {
    return this.count;
  }

  reset(): void {
    this.count = 0;
    this.start = 0;
  }

  /** Snapshot of the tracked indexes, oldest first (for tests and debugging). */
  toArray(): number[] {
    const out: number[] = [];
    let idx = this.start;
    for (let i = 0; i < this.count; i++) {
      out.push(this.buffer[idx] as number);
      idx++;
      if (idx >= this.size) idx -= this.size;
    }
    return out;
  }
}
