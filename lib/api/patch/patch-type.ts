// The PATCH content types kube-apiserver accepts (k8s.io/apimachinery/pkg/types.PatchType).

export const PatchType = {
  /** RFC 6902 JSON Patch: a list of operations. */
  JSONPatch: 'application/json-patch+json',
  /** RFC 7386 JSON Merge Patch. */
  MergePatch: 'application/merge-patch+json',
  /** Kubernetes strategic merge patch (built-in kinds only; custom resources answer 415). */
  StrategicMergePatch: 'application/strategic-merge-patch+json',
  /** Server-side apply (not implemented by this library). */
  ApplyPatch: 'application/apply-patch+yaml',
} as const;

export type PatchType = (typeof PatchType)[keyof typeof PatchType];

const ALL: readonly string[] = Object.values(PatchType);

export function isPatchType(contentType: string): contentType is PatchType {
  return ALL.includes(contentType);
}
