import { describe, expect, it } from 'vitest';
import type { ApplyConflict } from './conflict-error.js';
import { conflictError, conflictMessage } from './conflict-error.js';
import { fieldPath } from './field-set.js';
import { managerIdentifier, printManager } from './managers.js';

function conflict(manager: string, operation: 'Apply' | 'Update', field: string, extra: Partial<ApplyConflict> = {}): ApplyConflict {
  return { manager, operation, field, path: fieldPath(...field.split('.').filter(Boolean)), ...extra };
}

describe('printManager', () => {
  it.each([
    [{ manager: 'kubectl', operation: 'Apply' as const }, '"kubectl"'],
    [{ manager: 'kubectl-edit', operation: 'Update' as const, apiVersion: 'apps/v1' }, '"kubectl-edit" using apps/v1'],
    [{ manager: 'kcm', operation: 'Update' as const, apiVersion: 'v1', subresource: 'status' }, '"kcm" with subresource "status" using v1'],
  ])('%j prints as %s', (info, text) => {
    expect(printManager(managerIdentifier(info))).toBe(text);
  });

  it('builds identifiers as Go marshals them', () => {
    expect(managerIdentifier({ manager: 'a', operation: 'Update', apiVersion: 'v1', subresource: 'status' })).toBe(
      '{"manager":"a","operation":"Update","apiVersion":"v1","subresource":"status"}',
    );
    // Appliers keep one identity across apiVersions.
    expect(managerIdentifier({ manager: 'a', operation: 'Apply', apiVersion: 'v1' })).toBe('{"manager":"a","operation":"Apply"}');
  });
});

describe('conflictError', () => {
  it('groups several conflicts by manager, managers sorted', () => {
    const conflicts = [
      conflict('zeta', 'Apply', '.data.z'),
      conflict('alpha', 'Update', '.spec.replicas', { apiVersion: 'apps/v1' }),
      conflict('alpha', 'Update', '.spec.paused', { apiVersion: 'apps/v1' }),
    ];
    expect(conflictMessage(conflicts)).toBe(
      'Apply failed with 3 conflicts: conflicts with "alpha" using apps/v1:\n- .spec.replicas\n- .spec.paused\nconflicts with "zeta":\n- .data.z',
    );
    const err = conflictError(conflicts);
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.details?.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "zeta"', field: '.data.z' },
      { reason: 'FieldManagerConflict', message: 'conflict with "alpha" using apps/v1', field: '.spec.replicas' },
      { reason: 'FieldManagerConflict', message: 'conflict with "alpha" using apps/v1', field: '.spec.paused' },
    ]);
  });

  it('names a subresource owner', () => {
    expect(conflictMessage([conflict('kcm', 'Update', '.status.replicas', { apiVersion: 'apps/v1', subresource: 'status' })])).toBe(
      'Apply failed with 1 conflict: conflict with "kcm" with subresource "status" using apps/v1: .status.replicas',
    );
  });
});
