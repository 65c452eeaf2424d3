// Raft's safety properties, checked against the nodes of an InteractionEnv.
import { raftOf } from '../raw-node.js';
import { StateType } from '../types.js';
import type { Entry, NodeId } from '../types.js';
import { describeEntry } from './describe.js';
import type { HarnessNode, InteractionEnv } from './interaction-env.js';

export class SafetyViolation extends Error {
  constructor(what: string) {
    super(what);
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
  const log = raftOf(n.rawNode).raftLog;
  if (i < log.firstIndex() || i > log.lastIndex()) return undefined;
  return log.slice(i, i + 1, Number.POSITIVE_INFINITY)[0];
}

/**
 * Checks Raft's safety properties over all nodes of an InteractionEnv; call check() after every
 * step. Violations throw SafetyViolation.
 */
export class SafetyChecker {
  /** Leader of each term, once seen. */
  private readonly leaders = new Map<number, NodeId>();
  /** Every entry any node considered committed, by index. */
  readonly committed = new Map<number, Entry>();
  private readonly checkedCommit = new Map<NodeId, number>();
  private readonly wasLeader = new Map<NodeId, number>();
  leadersElected = 0;
  /** Position in the run, for messages. */
  step: number | string = 0;

  constructor(
    private readonly env: InteractionEnv,
    private readonly label: string,
  ) {}

  private fail(what: string): never {
    throw new SafetyViolation(`${this.label} step ${this.step}: ${what}`);
  }

  check(full: boolean): void {
    for (const n of this.env.nodes.values()) {
      const r = raftOf(n.rawNode);
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
    const log = raftOf(n.rawNode).raftLog;
    for (const [i, e] of this.committed) {
      if (i > log.lastIndex()) {
        this.fail(`new leader ${n.id} (term ${raftOf(n.rawNode).term}) lacks committed index ${i}`);
      }
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
    const applied = raftOf(n.rawNode).raftLog.applied;
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
        const la = raftOf(na.rawNode).raftLog;
        const lb = raftOf(nb.rawNode).raftLog;
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

