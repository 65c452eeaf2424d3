import type { Message, NodeId } from './types.js';

export const ReadOnlyOption = { Safe: 'safe', LeaseBased: 'lease-based' } as const;
export type ReadOnlyOption = (typeof ReadOnlyOption)[keyof typeof ReadOnlyOption];

/** A ReadIndex request waiting for a quorum to confirm the leader is still the leader. */
export interface ReadIndexStatus {
  req: Message;
  /** The leader's commit index when the request arrived: safe to read once applied. */
  index: number;
  acks: Set<NodeId>;
}

function contextKey(ctx: Uint8Array): string {
  let s = '';
  for (const b of ctx) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * Pending ReadIndex requests on the leader, keyed by their context, in arrival order. A heartbeat
 * round carries the newest context; a quorum of acks for it confirms every earlier request too.
 */
export class ReadOnly {
  readonly option: ReadOnlyOption;
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  constructor(option: ReadOnlyOption) {
    this.option = option;
  }

  /** Queues a request read at `index`; a repeated context is ignored (already pending). */
  addRequest(index: number, req: Message): void {
    const key = contextKey(req.context);
    if (this.pending.has(key)) return;
    this.pending.set(key, { req, index, acks: new Set() });
    this.queue.push(key);
  }

  /** Records a heartbeat ack carrying ctx; returns who acknowledged it so far, if it is pending. */
  recvAck(id: NodeId, ctx: Uint8Array): ReadonlySet<NodeId> | undefined {
    const rs = this.pending.get(contextKey(ctx));
    if (rs === undefined) return undefined;
    rs.acks.add(id);
    return rs.acks;
  }

  /** Releases the request with ctx and all requests queued before it, oldest first. */
  advance(ctx: Uint8Array): ReadIndexStatus[] {
    const key = contextKey(ctx);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const released = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const out: ReadIndexStatus[] = [];
    for (const k of released) {
      const rs = this.pending.get(k);
      if (rs !== undefined) out.push(rs);
      this.pending.delete(k);
    }
    return out;
  }

  /** Context of the newest pending request: heartbeats carry it so acks confirm everything queued. */
  lastPendingRequestCtx(): Uint8Array {
    const key = this.queue[this.queue.length - 1];
    if (key === undefined) return new Uint8Array(0);
    return (this.pending.get(key) as ReadIndexStatus).req.context;
  }

  pendingCount(): number {
    return this.queue.length;
  }
}
