// Randomized (but seeded, hence reproducible) runs of a cluster on a hostile network, checking
// Raft's safety properties after every step and liveness once the network heals.
import { seededRandom } from '../prng.js';
import { StateType } from '../types.js';
import { InteractionEnv } from './interaction-env.js';
import type { HarnessNode } from './interaction-env.js';
import { SafetyChecker, SafetyViolation } from './safety-checker.js';

export interface SimOptions {
  seed: number;
  nodes: number;
  steps: number;
  preVote: boolean;
  checkQuorum: boolean;
}

export interface SimReport {
  leadersElected: number;
  committedIndex: number;
  proposals: number;
}

/** Runs one seeded chaos run, throwing SafetyViolation on the first broken property. */
export function runSafetySim(opts: SimOptions): SimReport {
  const rnd = seededRandom(opts.seed);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const env = new InteractionEnv(opts.seed);
  const ids = Array.from({ length: opts.nodes }, (_, i) => String(i + 1));
  env.handle(
    `add-nodes ${opts.nodes} voters=(${ids.join(',')}) index=1 prevote=${String(opts.preVote)} ` +
      `checkquorum=${String(opts.checkQuorum)} max-inflight=4 max-size-per-msg=64 election-tick=5`,
  );
  const checker = new SafetyChecker(env, `seed ${opts.seed}`);
  const nodeAt = (): HarnessNode => env.node(ids[pick(ids.length)]);
  let proposals = 0;

  const deliverOne = (): void => {
    const count = env.network.deliverableCount();
    if (count === 0) return;
    const m = env.network.takeAt(pick(count));
    env.network.endRound();
    if (m === undefined) return;
    if (!env.network.canTalk(m.from, m.to)) {
      env.reportLostSnapshot(m);
      return;
    }
    const target = env.nodes.get(m.to);
    if (target !== undefined) env.transmit(target, m);
  };
  const propose = (n: HarnessNode): void => {
    try {
      n.rawNode.propose(new TextEncoder().encode(`s${opts.seed}-${proposals++}`));
    } catch (err) {
      if (!(err instanceof Error && err.name === 'ProposalDroppedError')) throw err;
    }
  };

  // Relative weights of the chaos actions. Message handling must outpace ticks or elections
  // would duel forever; faults are frequent enough to hit most code paths in a few hundred steps.
  const actions: [number, () => void][] = [
    [15, () => nodeAt().rawNode.tick()],
    [35, deliverOne],
    [
      25,
      () => {
        const n = nodeAt();
        if (n.rawNode.hasReady()) env.processReady(n, true);
      },
    ],
    [10, () => propose(nodeAt())],
    [
      4,
      () => {
        // Lost in transit.
        const count = env.network.deliverableCount();
        const lost = count > 0 ? env.network.takeAt(pick(count)) : undefined;
        if (lost !== undefined) env.reportLostSnapshot(lost);
      },
    ],
    [
      2,
      () => {
        const count = env.network.deliverableCount();
        if (count > 0) env.network.duplicateAt(pick(count));
      },
    ],
    [2, () => env.network.delay({ to: new Set([nodeAt().id]) }, 1 + pick(5))],
    [
      2,
      () => {
        if (env.network.isPartitioned()) {
          env.network.heal();
          return;
        }
        const shuffled = [...ids].sort(() => rnd() - 0.5);
        const cut = 1 + pick(ids.length - 1);
        env.network.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
      },
    ],
    [
      3,
      () => {
        const n = nodeAt();
        const applied = n.rawNode.status().applied;
        if (applied > n.storage.snapshot().metadata.index && applied <= n.storage.lastIndex()) {
          env.handle(`compact ${n.id} ${applied}`);
        }
      },
    ],
    [2, () => nodeAt().rawNode.campaign()],
  ];
  const totalWeight = actions.reduce((sum, [w]) => sum + w, 0);

  for (let step = 0; step < opts.steps; step++) {
    checker.step = step;
    let roll = rnd() * totalWeight;
    for (const [weight, act] of actions) {
      roll -= weight;
      if (roll < 0) {
        act();
        break;
      }
    }
    checker.check(step % 25 === 0);
  }

  // Liveness: with a healed network and every message delivered, the cluster must elect a
  // leader and commit a new proposal everywhere within a bounded number of ticks.
  env.network.heal();
  const target = `final-${opts.seed}`;
  let proposedInTerm = -1;
  for (let round = 0; round < 300; round++) {
    for (const id of ids) env.node(id).rawNode.tick();
    for (let inner = 0; inner < 50; inner++) {
      let busy = false;
      for (const id of ids) {
        const n = env.node(id);
        if (n.rawNode.hasReady()) {
          env.processReady(n, true);
          busy = true;
        }
      }
      for (const m of env.network.take({})) {
        busy = true;
        const target = env.nodes.get(m.to);
        if (target !== undefined) env.transmit(target, m);
      }
      env.network.endRound();
      checker.check(false);
      if (!busy) break;
    }
    const leader = ids.map((id) => env.node(id)).find((n) => n.rawNode.raft.state === StateType.Leader);
    // (Re-)propose whenever a new leader appears: a proposal may be lost with a leader change.
    if (leader !== undefined && leader.rawNode.raft.term !== proposedInTerm) {
      leader.rawNode.propose(new TextEncoder().encode(target));
      proposedInTerm = leader.rawNode.raft.term;
    }
    if (ids.every((id) => env.node(id).applied.some((v) => v.value === target))) {
      checker.check(true);
      checker.checkLogMatching();
      return {
        leadersElected: checker.leadersElected,
        committedIndex: Math.max(...[...checker.committed.keys()], 0),
        proposals,
      };
    }
  }
  throw new SafetyViolation(`seed ${opts.seed} step ${opts.steps}: cluster did not converge after the network healed`);
}
