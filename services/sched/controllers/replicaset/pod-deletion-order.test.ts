import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../lib/api/object.js';
import { newPod } from '../workload/test-objects.js';
import type { RankedPod } from './pod-deletion-order.js';
import { compareForDeletion, podsToDelete, rankByRelatedPodsOnSameNode } from './pod-deletion-order.js';

const T = Date.parse('2026-01-01T00:00:00Z');

function ranked(pod: KubeObject, rank = 0): RankedPod {
  return { pod, rank };
}

describe('compareForDeletion (ActivePodsWithRanks)', () => {
  // Each row: the pod that must be deleted first, then the one to keep.
  const cases: Array<{ name: string; first: RankedPod; second: RankedPod }> = [
    {
      name: 'unassigned before assigned',
      first: ranked(newPod('a', { phase: 'Pending' })),
      second: ranked(newPod('b', { phase: 'Pending', nodeName: 'n1' })),
    },
    {
      name: 'Pending before Unknown',
      first: ranked(newPod('a', { phase: 'Pending', nodeName: 'n1' })),
      second: ranked(newPod('b', { phase: 'Unknown', nodeName: 'n1' })),
    },
    {
      name: 'Unknown before Running',
      first: ranked(newPod('a', { phase: 'Unknown', nodeName: 'n1' })),
      second: ranked(newPod('b', { phase: 'Running', nodeName: 'n1' })),
    },
    {
      name: 'not ready before ready',
      first: ranked(newPod('a', { nodeName: 'n1', created: T - 1000 })),
      second: ranked(newPod('b', { nodeName: 'n1', readySince: T - 10, created: T })),
    },
    {
      name: 'lower pod-deletion-cost before higher',
      first: ranked(newPod('a', { nodeName: 'n1', readySince: T - 9999, deletionCost: -5 })),
      second: ranked(newPod('b', { nodeName: 'n1', readySince: T - 10, deletionCost: 10 })),
    },
    {
      name: 'more co-located related pods before fewer',
      first: ranked(newPod('a', { nodeName: 'n1', readySince: T - 9999 }), 3),
      second: ranked(newPod('b', { nodeName: 'n2', readySince: T - 10 }), 1),
    },
    {
      name: 'ready more recently before ready for longer',
      first: ranked(newPod('a', { nodeName: 'n1', readySince: T - 10, restarts: 0 })),
      second: ranked(newPod('b', { nodeName: 'n1', readySince: T - 9999, restarts: 5 })),
    },
    {
      name: 'more restarts before fewer',
      first: ranked(newPod('a', { nodeName: 'n1', restarts: 4, created: T - 9999 })),
      second: ranked(newPod('b', { nodeName: 'n1', restarts: 1, created: T })),
    },
    {
      name: 'created more recently before older',
      first: ranked(newPod('a', { nodeName: 'n1', created: T })),
      second: ranked(newPod('b', { nodeName: 'n1', created: T - 1000 })),
    },
    {
      name: 'no creation time before any creation time',
      first: ranked(newPod('a', { nodeName: 'n1' })),
      second: ranked(newPod('b', { nodeName: 'n1', created: T })),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(compareForDeletion(c.first, c.second)).toBeLessThan(0);
      expect(compareForDeletion(c.second, c.first)).toBeGreaterThan(0);
    });
  }

  it('treats identical pods as equal', () => {
    const p = newPod('a', { nodeName: 'n1', readySince: T, created: T });
    expect(compareForDeletion(ranked(p), ranked(structuredClone(p)))).toBe(0);
  });
});

describe('podsToDelete', () => {
  it('sorts a mixed list and takes the first ones', () => {
    const pods = [
      newPod('ready-old', { nodeName: 'n1', readySince: T - 100_000, created: T - 200_000 }),
      newPod('running-not-ready', { nodeName: 'n1', created: T - 200_000 }),
      newPod('ready-new', { nodeName: 'n2', readySince: T - 1_000, created: T - 200_000 }),
      newPod('pending-unassigned', { phase: 'Pending' }),
      newPod('pending-assigned', { phase: 'Pending', nodeName: 'n3' }),
    ];
    expect(podsToDelete(pods, [], 4).map((p) => p.metadata.name)).toEqual(['pending-unassigned', 'pending-assigned', 'running-not-ready', 'ready-new']);
  });

  it('prefers pods doubled up on a node with related pods', () => {
    const a = newPod('alone', { nodeName: 'n1', readySince: T - 1000 });
    const b = newPod('crowded', { nodeName: 'n2', readySince: T - 99_000 });
    const related = [a, b, newPod('sibling-1', { nodeName: 'n2' }), newPod('sibling-2', { nodeName: 'n2' })];
    expect(rankByRelatedPodsOnSameNode([a, b], related).map((r) => r.rank)).toEqual([1, 3]);
    expect(podsToDelete([a, b], related, 1).map((p) => p.metadata.name)).toEqual(['crowded']);
  });

  it('returns every pod when deleting all of them', () => {
    const pods = [newPod('a'), newPod('b')];
    expect(podsToDelete(pods, [], 5)).toHaveLength(2);
  });
});
