// NamespaceLifecycle, as in kube-apiserver: nothing is created in a namespace that does not
// exist or is being deleted, and the system namespaces cannot be deleted.
import { Errors, StatusError } from '../../../lib/api/status-error.js';
import type { AdmissionAttributes, ValidatingPlugin } from './types.js';

export type NamespacePhase = 'Active' | 'Terminating' | 'Missing';

export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'] as const;

export class NamespaceLifecycle implements ValidatingPlugin {
  readonly name = 'NamespaceLifecycle';

  constructor(private readonly phaseOf: (namespace: string) => Promise<NamespacePhase>) {}

  handles(a: AdmissionAttributes): boolean {
    if (a.resource.group === '' && a.resource.kind === 'Namespace') return a.operation === 'DELETE';
    return a.resource.namespaced && a.operation === 'CREATE';
  }

  async validate(a: AdmissionAttributes): Promise<void> {
    if (a.resource.kind === 'Namespace') {
      if ((IMMORTAL_NAMESPACES as readonly string[]).includes(a.name)) {
        throw Errors.forbidden({ group: '', resource: 'namespaces' }, a.name, 'this namespace may not be deleted');
      }
      return;
    }
    const phase = await this.phaseOf(a.namespace);
    if (phase === 'Missing') throw Errors.notFound({ group: '', resource: 'namespaces' }, a.namespace);
    if (phase === 'Terminating' && !(a.resource.group === '' && a.resource.kind === 'Event')) {
      const what = `${a.resource.group === '' ? a.resource.resource : `${a.resource.resource}.${a.resource.group}`}${a.name ? ` "${a.name}"` : ''}`;
      throw new StatusError(403, 'Forbidden', `${what} is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`, {
        name: a.name,
        kind: a.resource.resource,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }
}
