import { describe, expect, it } from 'vitest';
import { runSafetySim } from './testing/safety-sim.js';

// A few hundred short chaos runs (drops, duplicates, delays, partitions, compactions, random
// ticks and proposals), each deterministic by seed. A failure names the seed to replay.
describe('randomized safety', () => {
  for (const nodes of [3, 5]) {
    it(`keeps Raft's safety properties on ${nodes} nodes`, () => {
      let leaders = 0;
      let committed = 0;
      for (let seed = 1; seed <= 150; seed++) {
        const report = runSafetySim({
          seed: seed * 7919 + nodes,
          nodes,
          steps: 400,
          preVote: seed % 2 === 0,
          checkQuorum: seed % 3 !== 0,
        });
        leaders += report.leadersElected;
        committed += report.committedIndex;
      }
      // The runs must actually exercise elections and replication, not idle.
      expect(leaders).toBeGreaterThan(150);
      expect(committed).toBeGreaterThan(150 * 3);
    });
  }
});
