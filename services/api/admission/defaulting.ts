// Defaulting of every write, as Kubernetes' defaulters do it (before validation).
import { applyDefaults } from '../defaults/index.js';
import { kindKey } from '../registry/resources.js';
import type { AdmissionAttributes, MutatingPlugin } from './types.js';

export class Defaulting implements MutatingPlugin {
  readonly name = 'Defaulting';

  handles(a: AdmissionAttributes): boolean {
    return (a.operation === 'CREATE' || a.operation === 'UPDATE') && a.object !== undefined;
  }

  admit(a: AdmissionAttributes): void {
    if (a.object) applyDefaults(kindKey(a.resource.group, a.resource.kind), a.object);
  }
}
