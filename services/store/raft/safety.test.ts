import { describe, expect, it } from 'vitest';
import { runSafetySim } from './testing/safety-sim.js';
import type { SimReport } from './testing/safety-sim.js';

// A few hundred short chaos runs (drops, duplicates, delays, partitions, compactions, random
// ticks, campaigns and proposals), each deterministic by its seed; a failure names the seed.
// Every step checks election safety, leader completeness, agreement of committed entries and
// of applied state, and that ReadIndex answers are never older than a commit that preceded the
// request (linearizable reads); the end of each run checks log matching and that the healed
// cluster makes progress again. PreVote and CheckQuorum vary with the seed.
function runMany(runs: number, nodes: number, membership: boolean): SimReport {
  const total: SimReport = { leadersElected: 0, committedIndex: 0, proposals: 0, confChanges: 0, readsAnswered: 0 };
  for (let run = 1; run <= runs; run++) {
    const report = runSafetySim({
      seed: run * 7919 + nodes * 31 + (membership ? 1 : 0),
      nodes,
      steps: 800,
      preVote: run % 2 === 0,
      checkQuorum: run % 3 !== 0,
      membership,
    });
    total.leadersElected += report.leadersElected;
    total.committedIndex += report.committedIndex;
    total.proposals += report.proposals;
    total.confChanges += report.confChanges;
    total.readsAnswered += report.readsAnswered;
  }
  return total;
}

describe('randomized safety', () => {
  for (const nodes of [3, 5]) {
    it(`keeps Raft's safety properties on ${nodes} nodes`, () => {
      const runs = 150;
      const total = runMany(runs, nodes, false);
      // The runs must exercise elections and replication, not idle.
      expect(total.leadersElected).toBeGreaterThan(runs * 2);
      expect(total.committedIndex).toBeGreaterThan(runs * 10);
      expect(total.readsAnswered).toBeGreaterThan(runs);
    });
  }

  it('keeps them while members are added, promoted, demoted and removed', () => {
    const runs = 100;
    const total = runMany(runs, 3, true);
    expect(total.leadersElected).toBeGreaterThan(runs * 2);
    expect(total.confChanges).toBeGreaterThan(runs * 3);
  });
});
