import { it } from 'vitest';
import { runSafetySim } from './testing/safety-sim.js';
import { InteractionEnv } from './testing/interaction-env.js';
import { RawNode } from './raw-node.js';

it('trace', () => {
  const orig = InteractionEnv.prototype.processReady;
  let env: InteractionEnv | undefined;
  InteractionEnv.prototype.processReady = function (this: InteractionEnv, n, q) { env = this; return orig.call(this, n, q); };
  let ticks = 0;
  const origTick = RawNode.prototype.tick;
  RawNode.prototype.tick = function (this: RawNode) { ticks++; if (ticks % 10 === 0 && env) console.log(ticks, env.handle('raft-state').replace(/\n/g, ' | '), env.network.inFlight().length, env.network.isPartitioned()); return origTick.call(this); };
  runSafetySim({ seed: 12345, nodes: 3, steps: 600, preVote: false, checkQuorum: false });
});
