import { it } from 'vitest';
import { runSafetySim } from './testing/safety-sim.js';
import { InteractionEnv } from './testing/interaction-env.js';

it('debug', () => {
  const orig = InteractionEnv.prototype.processReady;
  // eslint-disable-next-line
  let env: InteractionEnv | undefined;
  InteractionEnv.prototype.processReady = function (this: InteractionEnv, n, q) { env = this; return orig.call(this, n, q); };
  try {
    runSafetySim({ seed: 15590, nodes: 3, steps: 800, preVote: false, checkQuorum: false, membership: true });
  } catch (e) {
    console.log(String(e));
    console.log(env?.handle('raft-state'));
    for (const id of env!.sortedIds()) { console.log(id, env?.handle(`status ${id}`), JSON.stringify(env!.node(id).confState)); console.log(env?.handle(`raft-log ${id}`).split('\n').slice(-4).join('\n')); 
    const r = env!.node(id).rawNode.raft;
    console.log('elapsed', r.electionElapsed, r.randomizedElectionTimeout, 'pendsnap', r.raftLog.hasPendingSnapshot(), r.raftLog.applied, r.raftLog.committed, r.raftLog.firstIndex(), r.raftLog.lastIndex(), 'pendingConf', r.pendingConfIndex, 'promotable', r.promotable());}
    console.log(env?.handle('in-flight'));
  }
});
