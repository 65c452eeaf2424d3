// errors.HasStatusCause: whether an API error carries a cause of the given type, e.g. a create
// refused because its namespace is terminating (then retrying is pointless).
import { isApiError } from '../../../../lib/api/kube-client/api-error.js';

export const NAMESPACE_TERMINATING_CAUSE = 'NamespaceTerminating';

export function hasStatusCause(err: unknown, causeType: string): boolean {
  if (!isApiError(err)) return false;
  return (err.details?.causes ?? []).some((c) => c.reason === causeType);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
