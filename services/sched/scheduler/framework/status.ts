// framework.Status: what every extension point returns. A coded result with the reasons a
// node or pod was turned down, in Kubernetes' words; the reasons are what FailedScheduling
// events count.

export const Code = {
  Success: 'Success',
  /** Something went wrong; the pod is retried after backoff. */
  Error: 'Error',
  /** The node does not fit now, but could (e.g. once other pods are gone). */
  Unschedulable: 'Unschedulable',
  /** The node cannot fit the pod whatever happens to other pods (preemption would not help). */
  UnschedulableAndUnresolvable: 'UnschedulableAndUnresolvable',
  /** The plugin has nothing to do for this pod; its later extension points are skipped. */
  Skip: 'Skip',
} as const;

export type StatusCode = (typeof Code)[keyof typeof Code];

export interface Status {
  readonly code: StatusCode;
  readonly reasons: readonly string[];
  /** Set on Error statuses. */
  readonly error?: Error;
  /** The plugin that returned it, filled in by the framework where it matters. */
  readonly plugin?: string;
}

const NO_REASONS: readonly string[] = Object.freeze([]);

export const SUCCESS: Status = Object.freeze({ code: Code.Success, reasons: NO_REASONS });
export const SKIP: Status = Object.freeze({ code: Code.Skip, reasons: NO_REASONS });

export function newStatus(code: StatusCode, ...reasons: string[]): Status {
  return Object.freeze({ code, reasons: Object.freeze(reasons) });
}

export function unschedulable(...reasons: string[]): Status {
  return newStatus(Code.Unschedulable, ...reasons);
}

export function unresolvable(...reasons: string[]): Status {
  return newStatus(Code.UnschedulableAndUnresolvable, ...reasons);
}

/** framework.AsStatus: an Error status carrying err, whose message is the reason. */
export function asStatus(err: unknown): Status {
  const error = err instanceof Error ? err : new Error(String(err));
  return Object.freeze({ code: Code.Error, reasons: Object.freeze([error.message]), error });
}

export function withPlugin(s: Status, plugin: string): Status {
  return s.plugin === plugin ? s : Object.freeze({ ...s, plugin });
}

export function isSuccess(s: Status): boolean {
  return s.code === Code.Success;
}

/** Unschedulable or UnschedulableAndUnresolvable. */
export function isRejected(s: Status): boolean {
  return s.code === Code.Unschedulable || s.code === Code.UnschedulableAndUnresolvable;
}

/** Status.Message(): the reasons joined by ", ". */
export function statusMessage(s: Status): string {
  return s.reasons.join(', ');
}
