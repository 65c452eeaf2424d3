// Randomized (but seeded, hence reproducible) runs of a cluster on a hostile network, checking
// Raft's safety properties after every step and liveness once the network heals.
import { ProposalDroppedError } from '../errors.js';
import { seededRandom } from '../../../../lib/prng.js';
import { raftOf } from '../raw-node.js';
import { ConfChangeType, StateType } from '../types.js';
import type { ConfChange, NodeId } from '../types.js';
import { InteractionEnv } from './interaction-env.js';
import type { HarnessNode } from './interaction-env.js';
import { SafetyChecker, SafetyViolation } from './safety-checker.js';

export interface SimOptions {
  seed: number;
  /** Initial voters. */
  nodes: number;
  steps: number;
  preVote: boolean;
  checkQuorum: boolean;
  /** Also add (as learners), promote, demote and remove members at random. */
  membership?: boolean;
}

export interface SimReport {
  leadersElected: number;
  committedIndex: number;
  proposals: number;
  confChanges: number;
  readsAnswered: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function ignoreDropped(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (err instanceof ProposalDroppedError) return false;
    throw err;
  }
}

/** Runs one seeded chaos run, throwing SafetyViolation on the first broken property. */
export function runSafetySim(opts: SimOptions): SimReport {
  const rnd = seededRandom(opts.seed);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const env = new InteractionEnv(opts.seed);
  const voters = Array.from({ length: opts.nodes }, (_, i) => String(i + 1));
  env.handle(
    `add-nodes ${opts.nodes} voters=(${voters.join(',')}) index=1 prevote=${String(opts.preVote)} ` +
      `checkquorum=${String(opts.checkQuorum)} max-inflight=4 max-size-per-msg=64 election-tick=5`,
  );
  // Spare nodes start empty and join only through conf changes.
  const spares = opts.membership === true ? 2 : 0;
  if (spares > 0) {
    env.handle(
      `add-nodes ${spares} prevote=${String(opts.preVote)} checkquorum=${String(opts.checkQuorum)} ` +
        `max-inflight=4 max-size-per-msg=64 election-tick=5`,
    );
  }
  const ids = env.sortedIds();
  const checker = new SafetyChecker(env, `seed ${opts.seed}`);
  // Removed nodes keep running (they must not disturb the others); their ids never return.
  // Shutting a removed node down is the server's business, and only safe once the others know
  // the removal committed, so the simulation does not do it.
  const removed = new Set<NodeId>();
  const nodeAt = (): HarnessNode => env.node(ids[pick(ids.length)]);
  let proposals = 0;
  let confChanges = 0;

  // Ids ever seen in a configuration; one missing from some node's configuration afterwards may
  // have been removed and is never added again (conservatively, as a stale view looks the same).
  const everMember = new Set<NodeId>(voters);
  const isMember = (n: HarnessNode, id: NodeId): boolean =>
    n.confState.voters.includes(id) || n.confState.learners.includes(id);
  // Linearizable reads: a ReadState must not be older than any commit that had happened, on any
  // node, when the read was requested (a write acknowledged by then must be visible).
  const commitAtRequest = new Map<string, number>();
  const seenReadStates = new Map<NodeId, number>();
  let reads = 0;
  let readsAnswered = 0;
  const requestRead = (): void => {
    const n = nodeAt();
    const ctx = `r${reads++}`;
    commitAtRequest.set(ctx, Math.max(...ids.map((id) => raftOf(env.node(id).rawNode).raftLog.committed)));
    n.rawNode.readIndex(encoder.encode(ctx));
  };
  const checkReadStates = (n: HarnessNode): void => {
    for (const rs of n.readStates.slice(seenReadStates.get(n.id) ?? 0)) {
      const ctx = decoder.decode(rs.requestCtx);
      const floor = commitAtRequest.get(ctx);
      if (floor === undefined) throw new SafetyViolation(`seed ${opts.seed}: unknown read ${ctx} answered`);
      if (rs.index < floor) {
        throw new SafetyViolation(`seed ${opts.seed}: read ${ctx} got index ${rs.index} < commit ${floor} at request`);
      }
      readsAnswered++;
    }
    seenReadStates.set(n.id, n.readStates.length);
  };
  const processReady = (n: HarnessNode): void => {
    env.processReady(n, true);
    checkReadStates(n);
    for (const id of [...n.confState.voters, ...n.confState.learners]) everMember.add(id);
    for (const id of everMember) if (!isMember(n, id)) removed.add(id);
  };
  const transmit = (m: Parameters<InteractionEnv['transmit']>[1]): void => {
    const target = env.nodes.get(m.to);
    if (target === undefined || !env.network.canTalk(m.from, m.to)) {
      env.reportLostSnapshot(m);
      return;
    }
    env.transmit(target, m);
  };
  const deliverOne = (): void => {
    const count = env.network.deliverableCount();
    if (count === 0) return;
    const m = env.network.takeAt(pick(count));
    env.network.endRound();
    if (m !== undefined) transmit(m);
  };
  const propose = (n: HarnessNode): void => {
    ignoreDropped(() => n.rawNode.propose(encoder.encode(`s${opts.seed}-${proposals++}`)));
  };
  const proposeConfChange = (): void => {
    const proposer = nodeAt();
    const target = ids[pick(ids.length)] as NodeId;
    const cs = proposer.confState;
    let type: ConfChangeType;
    if (cs.voters.includes(target)) {
      if (cs.voters.length <= 1) return;
      type = rnd() < 0.3 ? ConfChangeType.AddLearnerNode : ConfChangeType.RemoveNode;
    } else if (cs.learners.includes(target)) {
      type = rnd() < 0.7 ? ConfChangeType.AddNode : ConfChangeType.RemoveNode;
    } else if (!removed.has(target)) {
      type = ConfChangeType.AddLearnerNode;
    } else {
      return;
    }
    const cc: ConfChange = { type, nodeId: target, context: new Uint8Array(0) };
    if (ignoreDropped(() => proposer.rawNode.proposeConfChange(cc))) confChanges++;
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
        if (n.rawNode.hasReady()) processReady(n);
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
    [3, requestRead],
  ];
  if (opts.membership === true) actions.push([3, proposeConfChange]);
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
  // leader and commit a new proposal on every member within a bounded number of ticks.
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
          processReady(n);
          busy = true;
        }
      }
      for (const m of env.network.take({})) {
        busy = true;
        transmit(m);
      }
      env.network.endRound();
      checker.check(false);
      if (!busy) break;
    }
    // The leader of the newest term: a removed node that never learned of its removal may still
    // believe it leads an older term (nobody talks to it any more).
    const leader = ids
      .map((id) => env.node(id))
      .filter((n) => raftOf(n.rawNode).state === StateType.Leader)
      .sort((a, b) => raftOf(b.rawNode).term - raftOf(a.rawNode).term)[0];
    if (leader === undefined) continue;
    // (Re-)propose whenever a new leader appears: a proposal may be lost with a leader change.
    if (raftOf(leader.rawNode).term !== proposedInTerm) {
      ignoreDropped(() => leader.rawNode.propose(encoder.encode(target)));
      proposedInTerm = raftOf(leader.rawNode).term;
    }
    const cs = leader.rawNode.status().config;
    const members = [...cs.voters, ...cs.learners];
    if (members.every((id) => env.node(id).applied.some((v) => v.value === target))) {
      checker.check(true);
      checker.checkLogMatching();
      return {
        leadersElected: checker.leadersElected,
        committedIndex: Math.max(...[...checker.committed.keys()], 0),
        proposals,
        confChanges,
        readsAnswered,
      };
    }
  }
  throw new SafetyViolation(`seed ${opts.seed}: cluster did not converge after the network healed`);
}
