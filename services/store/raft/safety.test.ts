import { describe, expect, it } from 'vitest';
import { runSafetySim } from './testing/safety-sim.js';

// A few hundred short chaos runs (drops, duplicates, delays, partitions, compactions, random
// ticks, campaigns and proposals), each deterministic by its seed; a failure names the seed.
// Every step checks election safety, leader completeness, agreement of committed entries and
// of applied state; the end of each run checks log matching and that a healed cluster makes
// progress again.
describe('randomized safety', () => {
  for (const nodes of [3, 5]) {
    it(`keeps Raft's safety properties on ${nodes} nodes`, () => {
      let leaders = 0;
      let committed = 0;
      const runs = 150;
      for (let run = 1; run <= runs; run++) {
        const report = runSafetySim({
          seed: run * 7919 + nodes,
          nodes,
          steps: 800,
          preVote: run % 2 === 0,
          checkQuorum: run % 3 !== 0,
        });
        leaders += report.leadersElected;
        committed += report.committedIndex;
      }
      // The runs must exercise elections and replication, not idle.
      expect(leaders).toBeGreaterThan(runs * 2);
      expect(committed).toBeGreaterThan(runs * 10);
    });
  }
});
