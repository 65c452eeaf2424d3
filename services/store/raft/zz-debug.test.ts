import { it } from 'vitest';
import { runSafetySim } from './testing/safety-sim.js';
import { InteractionEnv } from './testing/interaction-env.js';

it('debug', () => {
  const orig = InteractionEnv.prototype.processReady;
  let env: InteractionEnv | undefined;
  InteractionEnv.prototype.processReady = function (this: InteractionEnv, n, q) { env = this; return orig.call(this, n, q); };
  try {
    runSafetySim({ seed: 617685, nodes: 3, steps: 400, preVote: true, checkQuorum: false });
  } catch (e) {
    console.log(String(e));
    console.log(env?.handle('raft-state'));
    for (const id of ['1','2','3']) { console.log(env?.handle(`status ${id}`)); console.log(env?.handle(`raft-log ${id}`).split('\n').slice(-3).join('\n')); }
    console.log(env?.handle('in-flight'));
    const r = env!.node('1').rawNode.raft;
    console.log(r.electionElapsed, r.randomizedElectionTimeout, r.raftLog.hasPendingSnapshot(), r.raftLog.applied, r.raftLog.committed);
  }
});
