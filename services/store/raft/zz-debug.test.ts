import { it } from 'vitest';
import { runSafetySim } from './testing/safety-sim.js';

it('many seeds', () => {
  let fails = 0; let leaders = 0; let committed = 0; let runs = 0; let props = 0; let ccs = 0;
  for (const nodes of [3, 5]) for (let seed = 1; seed <= 3000; seed++) {
    for (const steps of [1500]) {
      try {
        const r = runSafetySim({ seed: seed * 131 + nodes + steps, nodes, steps, preVote: seed % 2 === 0, checkQuorum: seed % 3 !== 0, membership: seed % 4 !== 0 });
        leaders += r.leadersElected; committed += r.committedIndex; runs++; props += r.proposals; ccs += r.confChanges;
      } catch (e) { fails++; if (fails < 10) console.log(String(e), nodes, seed%2===0, seed%3!==0, seed%4!==0); }
    }
  }
  console.log({ fails, runs, leaders: leaders / runs, committed: committed / runs, props: props / runs, ccs: ccs/runs });
}, 6000000);
