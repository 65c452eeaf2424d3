// The field manager a write is recorded under when the request names none: kube-apiserver takes
// the User-Agent up to its first "/" (so "kubectl/v1.32.0 (linux/amd64) kubernetes/abc" becomes
// "kubectl"), drops unprintable characters and keeps at most 128 bytes. kubectl itself always
// names its manager: "kubectl-client-side-apply", "kubectl-edit", "kubectl-create", ... and
// "kubectl" for `apply --server-side`.

/** metav1 validation's FieldManagerMaxLength, in bytes of UTF-8. */
export const FIELD_MANAGER_MAX_LENGTH = 128;

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** The manager name derived from a User-Agent header (prefixFromUserAgent). */
export function prefixFromUserAgent(userAgent: string): string {
  const head = userAgent.split('/')[0] ?? '';
  let out = '';
  let bytes = 0;
  for (const ch of head) {
    if (!PRINTABLE.test(ch)) continue;
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/** The ?fieldManager= of a request, or the one derived from its User-Agent (managerOrUserAgent). */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager !== undefined && fieldManager !== '') return fieldManager;
  return prefixFromUserAgent(userAgent ?? '');
}

/** The managers kubectl v1.32 sends with ?fieldManager=, by command. */
export const KUBECTL_FIELD_MANAGERS = {
  serverSideApply: 'kubectl',
  clientSideApply: 'kubectl-client-side-apply',
  create: 'kubectl-create',
  edit: 'kubectl-edit',
  replace: 'kubectl-replace',
  patch: 'kubectl-patch',
  label: 'kubectl-label',
  annotate: 'kubectl-annotate',
  set: 'kubectl-set',
  rollout: 'kubectl-rollout',
  expose: 'kubectl-expose',
  autoscale: 'kubectl-autoscale',
} as const;
