// How long a crashed component waits before it starts again: the initial delay, doubled per
// consecutive crash, capped at the maximum; a run long enough to count as healthy starts the
// sequence over (as kubelet's CrashLoopBackOff does, on a shorter scale).

export interface RestartBackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** A run at least this long before the exit resets the back-off. */
  resetAfterMs: number;
}

/** A component that ran this long before it exited is considered healthy: its next restart waits only the initial delay. */
export const DEFAULT_RESET_AFTER_MS = 10_000;

/** The delay before restart number `consecutive + 1` of an uninterrupted crash sequence (consecutive counts from 0). */
export function restartDelayMs(policy: Pick<RestartBackoffPolicy, 'initialMs' | 'maxMs'>, consecutive: number): number {
  let d = Math.min(policy.initialMs, policy.maxMs);
  for (let i = 0; i < consecutive && d < policy.maxMs; i++) d = Math.min(policy.maxMs, d * 2);
  return d;
}

/** One component's back-off state. */
export class RestartBackoff {
  private consecutive = 0;

  constructor(private readonly policy: RestartBackoffPolicy) {}

  /** Records an exit after a run of `ranMs` and returns the delay before the next start. */
  next(ranMs: number): number {
    if (ranMs >= this.policy.resetAfterMs) this.consecutive = 0;
    const d = restartDelayMs(this.policy, this.consecutive);
    this.consecutive++;
    return d;
  }
}
