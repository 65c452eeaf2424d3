// Pod admission that kube-apiserver does through plugins rather than defaulting: the
// ServiceAccount plugin (serviceAccountName "default") and DefaultTolerationSeconds (pods
// tolerate not-ready and unreachable nodes for a while before eviction).
import { isRecord } from '../../../lib/api/object.js';
import type { AdmissionAttributes, MutatingPlugin } from './types.js';

function isPodCreate(a: AdmissionAttributes): boolean {
  return a.resource.group === '' && a.resource.kind === 'Pod' && a.operation === 'CREATE' && a.subresource === '';
}

export class ServiceAccountAdmission implements MutatingPlugin {
  readonly name = 'ServiceAccount';

  handles(a: AdmissionAttributes): boolean {
    return isPodCreate(a);
  }

  admit(a: AdmissionAttributes): void {
    const spec = a.object && isRecord(a.object.spec) ? a.object.spec : undefined;
    if (!spec) return;
    const name = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName : typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '' ? spec.serviceAccount : 'default';
    spec.serviceAccountName = name;
    spec.serviceAccount = name;
  }
}

export class DefaultTolerationSeconds implements MutatingPlugin {
  readonly name = 'DefaultTolerationSeconds';

  constructor(
    private readonly notReadySeconds: number,
    private readonly unreachableSeconds: number,
  ) {}

  handles(a: AdmissionAttributes): boolean {
    return isPodCreate(a);
  }

  admit(a: AdmissionAttributes): void {
    const spec = a.object && isRecord(a.object.spec) ? a.object.spec : undefined;
    if (!spec) return;
    const tolerations = Array.isArray(spec.tolerations) ? spec.tolerations : [];
    const has = (key: string): boolean =>
      tolerations.some((t) => isRecord(t) && ((t.key === key && (t.effect === 'NoExecute' || t.effect === undefined || t.effect === '')) || (t.operator === 'Exists' && (t.key === undefined || t.key === ''))));
    const add: Record<string, unknown>[] = [];
    if (!has('node.kubernetes.io/not-ready')) add.push({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: this.notReadySeconds });
    if (!has('node.kubernetes.io/unreachable')) add.push({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: this.unreachableSeconds });
    if (add.length > 0) spec.tolerations = [...tolerations, ...add];
  }
}
