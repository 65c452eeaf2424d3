// Validation of every write with field paths (422 Invalid), after defaulting.
import { Errors } from '../../../lib/api/status-error.js';
import { kindKey } from '../registry/resources.js';
import { validateCreate, validateUpdate } from '../validation/index.js';
import type { AdmissionAttributes, ValidatingPlugin } from './types.js';

export class Validation implements ValidatingPlugin {
  readonly name = 'Validation';

  handles(a: AdmissionAttributes): boolean {
    return (a.operation === 'CREATE' || a.operation === 'UPDATE') && a.object !== undefined;
  }

  validate(a: AdmissionAttributes): void {
    const obj = a.object;
    if (!obj) return;
    const key = kindKey(a.resource.group, a.resource.kind);
    const errs = a.operation === 'CREATE' || !a.oldObject ? validateCreate(key, obj) : validateUpdate(key, obj, a.oldObject);
    if (errs.length > 0) throw Errors.invalid({ group: a.resource.group, kind: a.resource.kind }, obj.metadata.name ?? a.name, errs);
  }
}
