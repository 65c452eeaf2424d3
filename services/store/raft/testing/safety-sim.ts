// Randomized (but seeded, hence reproducible) runs of a cluster on a hostile network, checking
// Raft's safety properties after every step and liveness once the network heals.
import { seededRandom } from '../prng.js';
import { StateType } from '../types.js';
import type { Entry, NodeId } from '../types.js';
import { describeEntry } from './describe.js';
import { InteractionEnv } from './interaction-env.js';
import type { HarnessNode } from './interaction-env.js';

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

export class SafetyViolation extends Error {
  constructor(seed: number, step: number, what: string) {
    super(`seed ${seed} step ${step}: ${what}`);
    this.name = 'SafetyViolation';
  }
}

const decoder = new TextDecoder();

function sameEntry(a: Entry, b: Entry): boolean {
  if (a.term !== b.term || a.index !== b.index || a.type !== b.type) return false;
  if (a.data.byteLength !== b.data.byteLength) return false;
  for (let i = 0; i < a.data.byteLength; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/** Entry i of the node's log, or undefined when compacted away. */
function entryAt(n: HarnessNode, i: number): Entry | undefined {
  const log = n.rawNode.raft.raftLog;
  if (i < log.firstIndex() || i > log.lastIndex()) return undefined;
  return log.slice(i, i + 1, Number.POSITIVE_INFINITY)[0];
}

class SafetyChecker {
  /** Leader of each term, once seen. */
  private readonly leaders = new Map<number, NodeId>();
  /** Every entry any node considered committed, by index. */
  readonly committed = new Map<number, Entry>();
  private readonly checkedCommit = new Map<NodeId, number>();
  private readonly wasLeader = new Map<NodeId, number>();
  leadersElected = 0;
  step = 0;

  constructor(
    private readonly env: InteractionEnv,
    private readonly seed: number,
  ) {}

  private fail(what: string): never {
    throw new SafetyViolation(this.seed, this.step, what);
  }

  check(full: boolean): void {
    for (const n of this.env.nodes.values()) {
      const r = n.rawNode.raft;
      // Election safety: at most one leader per term.
      if (r.state === StateType.Leader) {
        const prev = this.leaders.get(r.term);
        if (prev !== undefined && prev !== n.id) this.fail(`two leaders in term ${r.term}: ${prev} and ${n.id}`);
        if (prev === undefined) {
          this.leaders.set(r.term, n.id);
          this.leadersElected++;
        }
        if (this.wasLeader.get(n.id) !== r.term) {
          this.wasLeader.set(n.id, r.term);
          this.checkLeaderCompleteness(n);
        }
      }
      // Committed entries agree everywhere and never change.
      const commit = r.raftLog.committed;
      const from = full ? 1 : (this.checkedCommit.get(n.id) ?? 0) + 1;
      for (let i = from; i <= commit; i++) this.checkCommittedEntry(n, i);
      this.checkedCommit.set(n.id, commit);
      // State machine safety: the applied sequence is the committed sequence.
      this.checkApplied(n);
    }
  }

  private checkCommittedEntry(n: HarnessNode, i: number): void {
    const e = entryAt(n, i);
    if (e === undefined) return;
    const known = this.committed.get(i);
    if (known === undefined) this.committed.set(i, e);
    else if (!sameEntry(known, e)) {
      this.fail(`node ${n.id} has ${describeEntry(e)} at committed index ${i}, expected ${describeEntry(known)}`);
    }
  }

  private checkLeaderCompleteness(n: HarnessNode): void {
    const log = n.rawNode.raft.raftLog;
    for (const [i, e] of this.committed) {
      if (i > log.lastIndex()) this.fail(`new leader ${n.id} (term ${n.rawNode.raft.term}) lacks committed index ${i}`);
      const mine = entryAt(n, i);
      if (mine !== undefined && !sameEntry(mine, e)) {
        this.fail(`new leader ${n.id} has ${describeEntry(mine)} instead of committed ${describeEntry(e)}`);
      }
    }
  }

  private checkApplied(n: HarnessNode): void {
    let prev = 0;
    for (const v of n.applied) {
      if (v.index <= prev) this.fail(`node ${n.id} applied index ${v.index} after ${prev}`);
      prev = v.index;
      const e = this.committed.get(v.index);
      if (e !== undefined && decoder.decode(e.data) !== v.value) {
        this.fail(`node ${n.id} applied ${v.value} at ${v.index}, committed is ${describeEntry(e)}`);
      }
    }
    // Nothing committed and applied may be missing from the state machine.
    const applied = n.rawNode.raft.raftLog.applied;
    const values = new Set(n.applied.map((v) => v.index));
    for (const [i, e] of this.committed) {
      if (i <= applied && e.data.byteLength > 0 && e.type === 0 && !values.has(i)) {
        this.fail(`node ${n.id} applied up to ${applied} but is missing committed entry ${describeEntry(e)}`);
      }
    }
  }

  /** Log matching: entries with equal index and term imply equal prefixes. */
  checkLogMatching(): void {
    const nodes = [...this.env.nodes.values()];
    for (let a = 0; a < nodes.length; a++) {
      for (let b = a + 1; b < nodes.length; b++) {
        const na = nodes[a] as HarnessNode;
        const nb = nodes[b] as HarnessNode;
        const la = na.rawNode.raft.raftLog;
        const lb = nb.rawNode.raft.raftLog;
        const hi = Math.min(la.lastIndex(), lb.lastIndex());
        const lo = Math.max(la.firstIndex(), lb.firstIndex());
        let matched = false;
        for (let i = hi; i >= lo; i--) {
          const ea = entryAt(na, i) as Entry;
          const eb = entryAt(nb, i) as Entry;
          if (!matched && ea.term === eb.term) matched = true;
          if (matched && !sameEntry(ea, eb)) {
            this.fail(`logs of ${na.id} and ${nb.id} match at a later index but differ at ${i}`);
          }
        }
      }
    }
  }
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
  const checker = new SafetyChecker(env, opts.seed);
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
  throw new SafetyViolation(opts.seed, opts.steps, 'cluster did not converge after the network healed');
}
