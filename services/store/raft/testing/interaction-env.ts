// A deterministic multi-node Raft environment driven by text commands, in the style of
// etcd-io/raft's "interaction" tests. Nodes use MemoryStorage and talk over a SimNetwork;
// time is logical (ticks) and election timeouts come from seeded PRNGs.
//
// Commands (ids are 1, 2, ... in creation order; lists are written (1,2,3)):
//   add-nodes <n> [voters=(..)] [learners=(..)] [index=<i>] [prevote=true] [checkquorum=true]
//             [read-only=lease-based] [election-tick=3] [heartbeat-tick=1] [max-size-per-msg=<b>]
//             [max-inflight=<n>]   with voters/learners, storage starts from a snapshot at index i
//   campaign <id> | propose <id> <value> | read-index <id> <ctx>
//   propose-conf-change <id> add=<id> [learner] | remove=<id>
//   transfer-leadership from=<id> to=<id>
//   process-ready [ids..]      persist, send, apply (conf changes too), advance
//   deliver-msgs [ids..] [from=(..)] [type=MsgX] [drop=(..)]   one delivery round
//   drop-msgs [to=(..)] [from=(..)] [type=MsgX] | delay [to=..] [from=..] [type=..] rounds=<n>
//   reorder [to=..] [from=..] [type=..]   reverses the matching in-flight messages
//   partition <ids> | <ids> [| ...]   heal   in-flight
//   stabilize [ids..]          process-ready + deliver-msgs until nothing changes
//   tick <id> [n] | tick-heartbeat <id> | tick-election <id> | run-ticks <n> [ids..]
//   compact <id> <index> | restart <id> | report-unreachable <id> <peer>
//   report-snapshot <id> <peer> [failed]
//   raft-state | raft-log <id> | status <id> | app-state [ids..]
import type { Config } from '../config.js';
import { decodeConfChange } from '../conf-change.js';
import { ProposalDroppedError } from '../errors.js';
import { hashSeed, seededRandom } from '../../../../lib/prng.js';
import { RawNode, raftOf } from '../raw-node.js';
import { ReadOnlyOption } from '../read-only.js';
import { MemoryStorage } from '../storage.js';
import { ConfChangeType, EntryType, MessageType, StateType } from '../types.js';
import type { ConfChange, ConfState, Message, NodeId, ReadState } from '../types.js';
import {
  describeConfChange,
  describeConfState,
  describeEntry,
  describeHardState,
  describeMessage,
  describeReady,
  describeSnapshot,
  stateName,
} from './describe.js';
import { SimNetwork } from './sim-network.js';
import type { MessageFilter } from './sim-network.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The replicated state machine of the tests: the applied values with their log index. */
export interface AppliedValue {
  index: number;
  value: string;
}

export function encodeAppState(values: AppliedValue[]): Uint8Array {
  return encoder.encode(JSON.stringify(values));
}

export function decodeAppState(data: Uint8Array): AppliedValue[] {
  if (data.byteLength === 0) return [];
  return JSON.parse(decoder.decode(data)) as AppliedValue[];
}

export interface HarnessNode {
  id: NodeId;
  rawNode: RawNode;
  storage: MemoryStorage;
  config: Config;
  applied: AppliedValue[];
  /** Configuration as applied by the application, with its history for snapshots. */
  confState: ConfState;
  confHistory: { index: number; confState: ConfState }[];
  /** Every ReadState this node has handed out. */
  readStates: ReadState[];
  restarts: number;
}

class CommandArgs {
  readonly pos: string[] = [];
  readonly kv = new Map<string, string>();

  constructor(text: string) {
    // Lists may be written "(1, 2, 3)": drop the spaces inside parentheses before splitting.
    const normalized = text.replace(/\(([^)]*)\)/g, (_m, inner: string) => `(${inner.replace(/\s+/g, '')})`);
    for (const tok of normalized.split(/\s+/).filter((t) => t.length > 0)) {
      const eq = tok.indexOf('=');
      if (eq > 0) this.kv.set(tok.slice(0, eq), tok.slice(eq + 1));
      else this.pos.push(tok);
    }
  }

  has(key: string): boolean {
    return this.kv.has(key) || this.pos.includes(key);
  }

  int(key: string, dflt?: number): number {
    const v = this.kv.get(key);
    if (v === undefined) {
      if (dflt === undefined) throw new Error(`missing ${key}=`);
      return dflt;
    }
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`${key}=${v} is not an integer`);
    return n;
  }

  list(key: string): string[] | undefined {
    const v = this.kv.get(key);
    return v === undefined ? undefined : parseList(v);
  }

  posInt(i: number): number {
    const v = this.pos[i];
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n)) throw new Error(`argument ${i + 1} must be an integer`);
    return n;
  }
}

function parseList(v: string): string[] {
  const inner = v.startsWith('(') && v.endsWith(')') ? v.slice(1, -1) : v;
  return inner.split(',').filter((s) => s.length > 0);
}

export class InteractionEnv {
  readonly nodes = new Map<NodeId, HarnessNode>();
  readonly network = new SimNetwork();
  private readonly seed: number;
  private out: string[] = [];
  private readonly handlers: Record<string, (a: CommandArgs) => void>;

  constructor(seed = 1) {
    this.seed = seed;
    this.handlers = {
      'add-nodes': (a) => this.handleAddNodes(a),
      campaign: (a) => this.node(a.pos[0]).rawNode.campaign(),
      propose: (a) => this.handlePropose(a),
      'propose-conf-change': (a) => this.handleProposeConfChange(a),
      'process-ready': (a) => this.handleProcessReady(a),
      'deliver-msgs': (a) => this.handleDeliverMsgs(a),
      'drop-msgs': (a) => this.handleDropMsgs(a),
      delay: (a) => this.handleDelay(a),
      reorder: (a) => this.handleReorder(a),
      stabilize: (a) => this.stabilize(this.idsOrAll(a.pos)),
      partition: (a) => this.handlePartition(a),
      heal: () => this.network.heal(),
      tick: (a) => this.handleTick(a),
      'tick-heartbeat': (a) => this.handleTickHeartbeat(a),
      'tick-election': (a) => this.handleTickElection(a),
      'run-ticks': (a) => this.handleRunTicks(a),
      'transfer-leadership': (a) => this.node(a.kv.get('from')).rawNode.transferLeader(this.node(a.kv.get('to')).id),
      'read-index': (a) => this.node(a.pos[0]).rawNode.readIndex(encoder.encode(a.pos[1] ?? '')),
      compact: (a) => this.handleCompact(a),
      restart: (a) => this.handleRestart(a),
      'report-unreachable': (a) => this.node(a.pos[0]).rawNode.reportUnreachable(this.node(a.pos[1]).id),
      'report-snapshot': (a) => this.node(a.pos[0]).rawNode.reportSnapshot(this.node(a.pos[1]).id, a.has('failed')),
      'raft-state': () => this.handleRaftState(),
      'raft-log': (a) => this.handleRaftLog(a),
      status: (a) => this.handleStatus(a),
      'app-state': (a) => this.handleAppState(a),
      'in-flight': () => this.handleInFlight(),
    };
  }

  /** Runs one command line and returns its transcript ("ok" when it prints nothing). */
  handle(line: string): string {
    const trimmed = line.trim();
    const sp = trimmed.search(/\s/);
    const cmd = sp < 0 ? trimmed : trimmed.slice(0, sp);
    const handler = this.handlers[cmd];
    this.out = [];
    if (handler === undefined) throw new Error(`unknown command: ${cmd}`);
    try {
      handler(new CommandArgs(sp < 0 ? '' : trimmed.slice(sp + 1)));
    } catch (err) {
      if (!(err instanceof ProposalDroppedError)) throw err;
      this.out.push(`error: ${err.message}`);
    }
    const text = this.out.join('\n');
    return text.length === 0 ? 'ok' : text;
  }

  /** Runs several command lines, returning the combined transcript. */
  run(...lines: string[]): string {
    return lines.map((l) => this.handle(l)).join('\n');
  }

  node(id: string | undefined): HarnessNode {
    const n = id === undefined ? undefined : this.nodes.get(id);
    if (n === undefined) throw new Error(`no such node: ${String(id)}`);
    return n;
  }

  sortedIds(): NodeId[] {
    return [...this.nodes.keys()].sort((a, b) => Number(a) - Number(b));
  }

  private idsOrAll(ids: string[]): NodeId[] {
    return ids.length > 0 ? ids.map((id) => this.node(id).id) : this.sortedIds();
  }

  private print(line: string): void {
    this.out.push(line);
  }

  // ---- nodes ----

  private handleAddNodes(a: CommandArgs): void {
    const count = a.posInt(0);
    const voters = a.list('voters');
    const learners = a.list('learners');
    const index = a.int('index', 1);
    const readOnly = a.kv.get('read-only') === 'lease-based' ? ReadOnlyOption.LeaseBased : ReadOnlyOption.Safe;
    for (let k = 0; k < count; k++) {
      const id = String(this.nodes.size + 1);
      const storage = new MemoryStorage();
      let confState: ConfState = { voters: [], learners: [] };
      let applied = 0;
      if (voters !== undefined || learners !== undefined) {
        // Start from a snapshot holding the initial membership, like a bootstrapped cluster
        // whose first entries were compacted.
        confState = { voters: voters ?? [], learners: learners ?? [] };
        storage.applySnapshot({ metadata: { index, term: 1, confState }, data: encodeAppState([]) });
        applied = index;
      }
      const config: Config = {
        id,
        electionTick: a.int('election-tick', 3),
        heartbeatTick: a.int('heartbeat-tick', 1),
        storage,
        applied,
        maxSizePerMsg: a.int('max-size-per-msg', 1024 * 1024),
        maxInflightMsgs: a.int('max-inflight', 256),
        checkQuorum: a.kv.get('checkquorum') === 'true',
        preVote: a.kv.get('prevote') === 'true',
        readOnlyOption: readOnly,
        random: seededRandom(hashSeed(`${this.seed}/${id}`)),
      };
      this.nodes.set(id, {
        id,
        rawNode: new RawNode(config),
        storage,
        config,
        applied: [],
        confState,
        confHistory: [{ index: applied, confState }],
        readStates: [],
        restarts: 0,
      });
    }
  }

  // ---- proposals ----

  private handlePropose(a: CommandArgs): void {
    this.node(a.pos[0]).rawNode.propose(encoder.encode(a.pos[1] ?? ''));
  }

  private handleProposeConfChange(a: CommandArgs): void {
    const n = this.node(a.pos[0]);
    let cc: ConfChange;
    const add = a.kv.get('add');
    const remove = a.kv.get('remove');
    if (add !== undefined) {
      cc = {
        type: a.has('learner') ? ConfChangeType.AddLearnerNode : ConfChangeType.AddNode,
        nodeId: add,
        context: new Uint8Array(0),
      };
    } else if (remove !== undefined) {
      cc = { type: ConfChangeType.RemoveNode, nodeId: remove, context: new Uint8Array(0) };
    } else {
      throw new Error('propose-conf-change needs add=<id> [learner] or remove=<id>');
    }
    n.rawNode.proposeConfChange(cc);
  }

  // ---- Ready handling ----

  private handleProcessReady(a: CommandArgs): void {
    for (const id of this.idsOrAll(a.pos)) {
      const n = this.node(id);
      if (n.rawNode.hasReady()) this.processReady(n);
    }
  }

  /** Persist, send, apply, advance: the driver loop of the Ready contract. */
  processReady(n: HarnessNode, quiet = false): void {
    const rd = n.rawNode.ready();
    if (!quiet) {
      this.print(`> ${n.id} handling Ready`);
      for (const l of describeReady(rd)) this.print(`  ${l}`);
    }
    if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
    if (rd.snapshot !== undefined) {
      n.storage.applySnapshot(rd.snapshot);
      n.applied = decodeAppState(rd.snapshot.data);
      n.confState = rd.snapshot.metadata.confState;
      n.confHistory = [{ index: rd.snapshot.metadata.index, confState: n.confState }];
    }
    n.storage.append(rd.entries);
    for (const m of rd.messages) this.network.send(m);
    for (const e of rd.committedEntries) {
      if (e.type === EntryType.ConfChange) {
        const cc = decodeConfChange(e.data);
        n.confState = n.rawNode.applyConfChange(cc);
        n.confHistory.push({ index: e.index, confState: n.confState });
        if (!quiet) this.print(`  applied ${describeConfChange(cc)}: ${describeConfState(n.confState)}`);
      } else if (e.data.byteLength > 0) {
        n.applied.push({ index: e.index, value: decoder.decode(e.data) });
      }
    }
    n.readStates.push(...rd.readStates);
    n.rawNode.advance(rd);
  }

  // ---- network ----

  private filterFrom(a: CommandArgs): MessageFilter {
    const f: MessageFilter = {};
    const from = a.list('from');
    if (from !== undefined) f.from = new Set(from);
    const to = a.list('to');
    if (to !== undefined) f.to = new Set(to);
    const type = a.kv.get('type');
    if (type !== undefined) f.type = type;
    return f;
  }

  private handleDeliverMsgs(a: CommandArgs): void {
    const f = this.filterFrom(a);
    const drop = new Set(a.list('drop') ?? []);
    if (a.pos.length > 0) {
      // Positional ids select recipients to deliver to; drop= recipients are selected too.
      f.to = new Set([...a.pos.map((id) => this.node(id).id), ...drop]);
    }
    this.deliver(f, drop);
  }

  /** Delivers (or drops) the matching deliverable messages; one delivery round. Returns the count. */
  deliver(f: MessageFilter, drop: ReadonlySet<NodeId> = new Set()): number {
    // The partition loses every message crossing it, whoever it is addressed to.
    const msgs = this.network.take({ ...f, crossingPartition: true });
    const byRecipient = new Map<NodeId, Message[]>();
    for (const m of msgs) {
      const list = byRecipient.get(m.to) ?? [];
      list.push(m);
      byRecipient.set(m.to, list);
    }
    for (const to of [...byRecipient.keys()].sort((x, y) => Number(x) - Number(y))) {
      this.print(`> ${to} receiving messages`);
      for (const m of byRecipient.get(to) ?? []) {
        const target = this.nodes.get(to);
        if (drop.has(to)) {
          this.print(`  dropped: ${describeMessage(m)}`);
          this.reportLostSnapshot(m);
        } else if (!this.network.canTalk(m.from, m.to)) {
          this.print(`  dropped (partition): ${describeMessage(m)}`);
          this.reportLostSnapshot(m);
        } else if (target === undefined) {
          this.print(`  dropped (no such node): ${describeMessage(m)}`);
          this.reportLostSnapshot(m);
        } else {
          this.print(`  ${describeMessage(m)}`);
          this.transmit(target, m);
        }
      }
    }
    this.network.endRound();
    return msgs.length;
  }

  private handleDropMsgs(a: CommandArgs): void {
    for (const m of this.network.take(this.filterFrom(a))) {
      this.print(`dropped: ${describeMessage(m)}`);
      this.reportLostSnapshot(m);
    }
  }

  /**
   * Hands m to its recipient. Like a real transport, a delivered snapshot is reported to the
   * sender as done (it then waits for the follower's MsgAppResp).
   */
  transmit(target: HarnessNode, m: Message): void {
    target.rawNode.step(m);
    if (m.type === MessageType.Snap) this.nodes.get(m.from)?.rawNode.reportSnapshot(m.to, false);
  }

  /** Like a real transport, tell the sender when a snapshot did not make it, so it retries. */
  reportLostSnapshot(m: Message): void {
    if (m.type !== MessageType.Snap) return;
    this.nodes.get(m.from)?.rawNode.reportSnapshot(m.to, true);
  }

  private handleDelay(a: CommandArgs): void {
    const rounds = a.int('rounds');
    for (const m of this.network.delay(this.filterFrom(a), rounds)) {
      this.print(`held for ${rounds} rounds: ${describeMessage(m)}`);
    }
  }

  private handleReorder(a: CommandArgs): void {
    for (const m of this.network.reorder(this.filterFrom(a))) this.print(`now in flight: ${describeMessage(m)}`);
  }

  private handleInFlight(): void {
    for (const m of this.network.inFlight()) this.print(describeMessage(m));
  }

  private handlePartition(a: CommandArgs): void {
    const groups: NodeId[][] = [[]];
    for (const tok of a.pos) {
      if (tok === '|') groups.push([]);
      else (groups[groups.length - 1] as NodeId[]).push(this.node(tok).id);
    }
    this.network.partition(groups);
  }

  /** Processes Readies and delivers messages among ids until nothing is left to do. */
  stabilize(ids: NodeId[]): void {
    const targets = new Set(ids);
    for (let round = 0; ; round++) {
      if (round > 1000) throw new Error('stabilize did not converge');
      let progressed = false;
      for (const id of ids) {
        const n = this.node(id);
        if (n.rawNode.hasReady()) {
          this.processReady(n);
          progressed = true;
        }
      }
      if (this.deliver({ to: targets }) > 0) progressed = true;
      if (!progressed) return;
    }
  }

  // ---- time ----

  /** tick <id> [n]: n (default 1) ticks of one node. */
  private handleTick(a: CommandArgs): void {
    const n = this.node(a.pos[0]);
    const count = a.pos.length > 1 ? a.posInt(1) : 1;
    for (let i = 0; i < count; i++) n.rawNode.tick();
  }

  private handleTickHeartbeat(a: CommandArgs): void {
    const n = this.node(a.pos[0]);
    for (let i = 0; i < n.config.heartbeatTick; i++) n.rawNode.tick();
  }

  /**
   * Ticks the node exactly until its election timer fires: a follower or candidate campaigns
   * (randomized timeout), a leader runs its CheckQuorum / transfer-timeout round.
   */
  private handleTickElection(a: CommandArgs): void {
    const n = this.node(a.pos[0]);
    const r = raftOf(n.rawNode);
    const timeout = r.state === StateType.Leader ? r.electionTimeout : r.randomizedElectionTimeout;
    const ticks = Math.max(1, timeout - r.electionElapsed);
    for (let i = 0; i < ticks; i++) n.rawNode.tick();
  }

  /** Real-time-like progression: each round ticks every node once, then stabilizes. */
  private handleRunTicks(a: CommandArgs): void {
    const rounds = a.posInt(0);
    const ids = this.idsOrAll(a.pos.slice(1));
    for (let k = 1; k <= rounds; k++) {
      for (const id of ids) this.node(id).rawNode.tick();
      const before = this.out.length;
      this.stabilize(ids);
      if (this.out.length > before) this.out.splice(before, 0, `> tick ${k}`);
    }
  }

  // ---- storage ----

  private handleCompact(a: CommandArgs): void {
    const n = this.node(a.pos[0]);
    const index = a.posInt(1);
    if (index > n.rawNode.status().applied) throw new Error(`cannot compact ${index}: not applied yet`);
    let confState = n.confHistory[0]?.confState ?? { voters: [], learners: [] };
    for (const h of n.confHistory) if (h.index <= index) confState = h.confState;
    const data = encodeAppState(n.applied.filter((v) => v.index <= index));
    const snap = n.storage.createSnapshot(index, confState, data);
    n.storage.compact(index);
    this.print(`${n.id}: snapshot ${describeSnapshot(snap)}; first index now ${n.storage.firstIndex()}`);
  }

  /**
   * Crash and restart: the node loses everything not persisted (including a Ready not yet
   * handled) and comes back from its storage. The state machine survives up to the applied index.
   */
  private handleRestart(a: CommandArgs): void {
    const n = this.node(a.pos[0]);
    n.restarts++;
    const config: Config = {
      ...n.config,
      applied: n.rawNode.status().applied,
      random: seededRandom(hashSeed(`${this.seed}/${n.id}/restart-${n.restarts}`)),
    };
    n.config = config;
    n.rawNode = new RawNode(config);
    const hs = n.storage.initialState().hardState;
    this.print(`${n.id}: restarted at ${describeHardState(hs)} last index ${n.storage.lastIndex()}`);
  }

  // ---- inspection ----

  private handleRaftState(): void {
    for (const id of this.sortedIds()) {
      const r = raftOf(this.node(id).rawNode);
      const role = r.trk.voters.has(id) ? 'Voter' : r.trk.learners.has(id) ? 'Learner' : 'Non-member';
      this.print(`${id}: ${stateName(r.state)} (${role}) Term:${r.term} Lead:${r.lead === '' ? '0' : r.lead}`);
    }
  }

  private handleRaftLog(a: CommandArgs): void {
    const n = this.node(a.pos[0]);
    const first = n.storage.firstIndex();
    const last = n.storage.lastIndex();
    if (last < first) {
      this.print(`log is empty: first index=${first}, last index=${last}`);
      return;
    }
    for (const e of n.storage.entries(first, last + 1, Number.POSITIVE_INFINITY)) this.print(describeEntry(e));
  }

  private handleStatus(a: CommandArgs): void {
    const n = this.node(a.pos[0]);
    const st = n.rawNode.status();
    const lead = st.softState.lead === '' ? '0' : st.softState.lead;
    this.print(
      `${describeHardState(st.hardState)} Applied:${st.applied} Lead:${lead} ${stateName(st.softState.raftState)}` +
        (st.leadTransferee === '' ? '' : ` LeadTransferee:${st.leadTransferee}`),
    );
    this.print(`Config ${describeConfState(st.config)}`);
    for (const [id, pr] of st.progress) {
      let line = `${id}: ${pr.state} match=${pr.match} next=${pr.next}`;
      if (pr.isLearner) line += ' learner';
      if (!pr.recentActive) line += ' inactive';
      this.print(line);
    }
  }

  private handleAppState(a: CommandArgs): void {
    for (const id of this.idsOrAll(a.pos)) {
      const n = this.node(id);
      this.print(`${id}: applied=${n.rawNode.status().applied} values=[${n.applied.map((v) => v.value).join(' ')}]`);
    }
  }

}
