import { Inflights } from './inflights.js';

/**
 * How the leader replicates to a follower:
 * - probe: the follower's log position is unknown; send one MsgApp and wait for its answer.
 * - replicate: the follower accepts; stream MsgApps optimistically, bounded by Inflights.
 * - snapshot: the follower needs a snapshot; send nothing until it is reported done.
 */
export const ProgressState = { Probe: 'probe', Replicate: 'replicate', Snapshot: 'snapshot' } as const;
export type ProgressState = (typeof ProgressState)[keyof typeof ProgressState];

/** The leader's view of one follower (or learner). */
export class Progress {
  /** Highest index known to be replicated on the follower. */
  match: number;
  /** Next index to send. Invariant: match < next. */
  next: number;
  state: ProgressState = ProgressState.Probe;
  /** Index of the snapshot in flight, while in snapshot state. */
  pendingSnapshot = 0;
  /** Heard from since the last CheckQuorum (always true for the leader itself). */
  recentActive: boolean;
  /** Probe: a MsgApp is out, wait. Replicate: Inflights saturated. Cleared by any answer. */
  msgAppFlowPaused = false;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(opts: {
    match?: number;
    next: number;
    maxInflight: number;
    isLearner?: boolean;
    recentActive?: boolean;
  }) {
    this.match = opts.match ?? 0;
    this.next = opts.next;
    this.inflights = new Inflights(opts.maxInflight);
    this.isLearner = opts.isLearner ?? false;
    this.recentActive = opts.recentActive ?? false;
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === ProgressState.Snapshot) {
      // The snapshot covers everything up to pendingSnapshot, so probe right after it.
      const pendingSnapshot = this.pendingSnapshot;
      this.resetState(ProgressState.Probe);
      this.next = Math.max(this.match + 1, pendingSnapshot + 1);
    } else {
      this.resetState(ProgressState.Probe);
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState(ProgressState.Replicate);
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState(ProgressState.Snapshot);
    this.pendingSnapshot = snapshotIndex;
  }

  /** Bookkeeping after sending a MsgApp with `entries` entries starting at nextIndex. */
  updateOnEntriesSend(entries: number, nextIndex: number): void {
    if (this.state === ProgressState.Replicate) {
      if (entries > 0) {
        const last = nextIndex + entries - 1;
        this.optimisticUpdate(last);
        this.inflights.add(last);
      }
      // A message that fills the window acts as a probe: wait for acknowledgements.
      this.msgAppFlowPaused = this.inflights.full();
    } else if (this.state === ProgressState.Probe) {
      if (entries > 0) this.msgAppFlowPaused = true;
    }
  }

  /** The follower acknowledged up to n. Returns false for a stale (already known) acknowledgement. */
  maybeUpdate(n: number): boolean {
    if (n <= this.match) return false;
    this.match = n;
    this.next = Math.max(this.next, n + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /** Assumes the follower will accept everything up to n (pipelining). */
  optimisticUpdate(n: number): void {
    this.next = n + 1;
  }

  /**
   * The follower rejected a MsgApp at index `rejected`; matchHint is where its log may match.
   * Returns false when the rejection is stale (answers an older probe) and must be ignored.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === ProgressState.Replicate) {
      // Anything at or below match was accepted before: this is an outdated rejection.
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    // In probe state only the answer to the last probe (index next-1) counts.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /** Whether sending a MsgApp to this follower must wait. */
  isPaused(): boolean {
    switch (this.state) {
      case ProgressState.Probe:
      case ProgressState.Replicate:
        return this.msgAppFlowPaused;
      case ProgressState.Snapshot:
        return true;
    }
  }

  toString(): string {
    let s = `${this.state} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += ' learner';
    if (this.isPaused()) s += ' paused';
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += ' inactive';
    if (this.inflights.length() > 0) s += ` inflight=${this.inflights.length()}`;
    if (this.inflights.full()) s += '[full]';
    return s;
  }
}
