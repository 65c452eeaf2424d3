import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/api/object.js';
import { conditionMet, parseWaitFor } from './wait-condition.js';

const obj = (generation: number, status: Record<string, unknown>): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', generation }, status });

describe('wait conditions', () => {
  it('parses --for', () => {
    expect(parseWaitFor('delete')).toEqual({ kind: 'delete' });
    expect(parseWaitFor('condition=Available')).toEqual({ kind: 'condition', type: 'Available', status: 'true' });
    expect(parseWaitFor('condition=Ready=False')).toEqual({ kind: 'condition', type: 'Ready', status: 'False' });
    expect(parseWaitFor("jsonpath={.status.phase}=Running")).toEqual({ kind: 'jsonpath', path: ['status', 'phase'], value: 'Running' });
    expect(() => parseWaitFor('foo')).toThrow('unrecognized condition: "foo"');
    expect(() => parseWaitFor(undefined)).toThrow('unrecognized condition: ""');
  });

  it('matches conditions case-insensitively and only once observed', () => {
    const available = { conditions: [{ type: 'Available', status: 'True' }], observedGeneration: 2 };
    expect(conditionMet(obj(2, available), parseWaitFor('condition=available'))).toBe(true);
    expect(conditionMet(obj(3, available), parseWaitFor('condition=Available'))).toBe(false);
    expect(conditionMet(obj(2, available), parseWaitFor('condition=Available=false'))).toBe(false);
    expect(conditionMet(obj(2, {}), parseWaitFor('condition=Available'))).toBe(false);
  });

  it('compares jsonpath values', () => {
    const pod = obj(1, { phase: 'Running', containerStatuses: [{ ready: true }] });
    expect(conditionMet(pod, parseWaitFor('jsonpath={.status.phase}=Running'))).toBe(true);
    expect(conditionMet(pod, parseWaitFor('jsonpath={.status.containerStatuses[0].ready}=true'))).toBe(true);
    expect(conditionMet(pod, parseWaitFor('jsonpath={.status.phase}=Pending'))).toBe(false);
  });
});
