import { messageTypeName } from '../message.js';
import type { Message, NodeId } from '../types.js';

/** Selects in-flight messages; unset fields match anything. */
export interface MessageFilter {
  to?: ReadonlySet<NodeId>;
  from?: ReadonlySet<NodeId>;
  /** Message type name as printed, e.g. "MsgApp". */
  type?: string;
  /** Also select messages crossing the partition, regardless of the other fields. */
  crossingPartition?: boolean;
}

function matchesFields(m: Message, f: MessageFilter): boolean {
  if (f.to !== undefined && !f.to.has(m.to)) return false;
  if (f.from !== undefined && !f.from.has(m.from)) return false;
  if (f.type !== undefined && messageTypeName(m.type) !== f.type) return false;
  return true;
}

interface InFlight {
  msg: Message;
  /** Delivery rounds this message still sits out (delay). */
  hold: number;
}

/**
 * A simulated network on logical time: messages wait in one ordered queue until a test delivers,
 * drops, delays (holds for N delivery rounds), reorders or duplicates them. A partition drops
 * messages between groups at delivery time, as a real partition would lose them in transit.
 */
export class SimNetwork {
  private queue: InFlight[] = [];
  private groups: NodeId[][] | undefined;

  send(m: Message): void {
    this.queue.push({ msg: m, hold: 0 });
  }

  /** Messages in flight, in send order (held ones included). */
  inFlight(): Message[] {
    return this.queue.map((f) => f.msg);
  }

  deliverableCount(): number {
    return this.queue.filter((f) => f.hold === 0).length;
  }

  /** Nodes in different groups cannot talk; nodes in no group are isolated. */
  partition(groups: NodeId[][]): void {
    this.groups = groups.map((g) => [...g]);
  }

  heal(): void {
    this.groups = undefined;
  }

  isPartitioned(): boolean {
    return this.groups !== undefined;
  }

  canTalk(from: NodeId, to: NodeId): boolean {
    if (this.groups === undefined) return true;
    return this.groups.some((g) => g.includes(from) && g.includes(to));
  }

  private matches(m: Message, f: MessageFilter): boolean {
    if (f.crossingPartition === true && !this.canTalk(m.from, m.to)) return true;
    return matchesFields(m, f);
  }

  /** Removes and returns the deliverable messages matching f, in send order. */
  take(f: MessageFilter): Message[] {
    const out: Message[] = [];
    this.queue = this.queue.filter((inflight) => {
      if (inflight.hold > 0 || !this.matches(inflight.msg, f)) return true;
      out.push(inflight.msg);
      return false;
    });
    return out;
  }

  /** Removes and returns the deliverable message at position i among deliverable ones. */
  takeAt(i: number): Message | undefined {
    let seen = 0;
    for (let k = 0; k < this.queue.length; k++) {
      const inflight = this.queue[k] as InFlight;
      if (inflight.hold > 0) continue;
      if (seen === i) {
        this.queue.splice(k, 1);
        return inflight.msg;
      }
      seen++;
    }
    return undefined;
  }

  /** Copies the deliverable message at position i to the end of the queue (duplicate delivery). */
  duplicateAt(i: number): void {
    const m = this.deliverable()[i];
    if (m !== undefined) this.queue.push({ msg: m, hold: 0 });
  }

  deliverable(): Message[] {
    return this.queue.filter((f) => f.hold === 0).map((f) => f.msg);
  }

  /** Holds the matching messages for `rounds` delivery rounds; returns them. */
  delay(f: MessageFilter, rounds: number): Message[] {
    const out: Message[] = [];
    for (const inflight of this.queue) {
      if (!this.matches(inflight.msg, f)) continue;
      inflight.hold = Math.max(inflight.hold, rounds);
      out.push(inflight.msg);
    }
    return out;
  }

  /** Reverses the relative order of the matching messages; returns them in their new order. */
  reorder(f: MessageFilter): Message[] {
    const positions: number[] = [];
    this.queue.forEach((inflight, i) => {
      if (this.matches(inflight.msg, f)) positions.push(i);
    });
    const picked = positions.map((i) => this.queue[i] as InFlight).reverse();
    positions.forEach((pos, k) => {
      this.queue[pos] = picked[k] as InFlight;
    });
    return picked.map((p) => p.msg);
  }

  /** One delivery round passed: held messages come closer to release. */
  endRound(): void {
    for (const inflight of this.queue) if (inflight.hold > 0) inflight.hold--;
  }

  clear(): void {
    this.queue = [];
  }
}
