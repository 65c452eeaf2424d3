import { describe, expect, it } from 'vitest';
import { decodeConfChange, encodeConfChange } from './conf-change.js';
import type { Config } from './config.js';
import { BootstrapError, ConfigInvalidError, ProposalDroppedError } from './errors.js';
import { newMessage } from './message.js';
import { seededRandom } from '../../../lib/prng.js';
import { RawNode } from './raw-node.js';
import { MemoryStorage } from './storage.js';
import { ConfChangeType, EntryType, MessageType, StateType } from './types.js';
import type { Ready } from './types.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

function config(id: string, storage: MemoryStorage, extra: Partial<Config> = {}): Config {
  return { id, electionTick: 10, heartbeatTick: 1, storage, random: seededRandom(7), ...extra };
}

/** The driver loop of the Ready contract for a single node: persist, apply, advance. */
function handleReady(node: RawNode, storage: MemoryStorage, applied: string[] = []): Ready {
  const rd = node.ready();
  if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
  if (rd.snapshot !== undefined) storage.applySnapshot(rd.snapshot);
  storage.append(rd.entries);
  for (const e of rd.committedEntries) {
    if (e.type === EntryType.ConfChange) node.applyConfChange(decodeConfChange(e.data));
    else if (e.data.byteLength > 0) applied.push(dec(e.data));
  }
  node.advance(rd);
  return rd;
}

function singleNode(extra: Partial<Config> = {}): { node: RawNode; storage: MemoryStorage; applied: string[] } {
  const storage = new MemoryStorage();
  const node = new RawNode(config('1', storage, extra));
  node.bootstrap([{ id: '1', context: new Uint8Array() }]);
  const applied: string[] = [];
  while (node.hasReady()) handleReady(node, storage, applied);
  return { node, storage, applied };
}

describe('RawNode', () => {
  it('bootstrap appends committed AddNode entries at term 1 for each peer', () => {
    const storage = new MemoryStorage();
    const node = new RawNode(config('1', storage));
    node.bootstrap([
      { id: '1', context: enc('one') },
      { id: '2', context: enc('two') },
    ]);
    expect(node.hasReady()).toBe(true);
    const rd = node.ready();
    expect(rd.hardState).toEqual({ term: 1, vote: '', commit: 2 });
    expect(rd.mustSync).toBe(true);
    expect(rd.entries.map((e) => [e.term, e.index, e.type])).toEqual([
      [1, 1, EntryType.ConfChange],
      [1, 2, EntryType.ConfChange],
    ]);
    expect(rd.committedEntries).toHaveLength(2);
    expect(decodeConfChange((rd.entries[1] as { data: Uint8Array }).data)).toEqual({
      type: ConfChangeType.AddNode,
      nodeId: '2',
      context: enc('two'),
    });
    // Already in effect so that campaign() works before the entries are applied.
    expect(node.status().config).toEqual({ voters: ['1', '2'], learners: [] });
  });

  it('refuses to bootstrap twice or without peers', () => {
    const storage = new MemoryStorage();
    const node = new RawNode(config('1', storage));
    expect(() => node.bootstrap([])).toThrow(BootstrapError);
    node.bootstrap([{ id: '1', context: new Uint8Array() }]);
    handleReady(node, storage);
    expect(() => new RawNode(config('1', storage)).bootstrap([{ id: '1', context: new Uint8Array() }])).toThrow(
      BootstrapError,
    );
  });

  it('a single node elects itself and commits proposals in one Ready', () => {
    const { node, storage, applied } = singleNode();
    node.campaign();
    const rd = handleReady(node, storage, applied);
    expect(rd.softState).toEqual({ lead: '1', raftState: StateType.Leader });
    node.propose(enc('hello'));
    const rd2 = handleReady(node, storage, applied);
    expect(rd2.entries.map((e) => dec(e.data))).toEqual(['hello']);
    expect(rd2.committedEntries.map((e) => dec(e.data))).toEqual(['hello']);
    expect(applied).toEqual(['hello']);
    expect(node.hasReady()).toBe(false);
    expect(node.status()).toMatchObject({ id: '1', applied: 3, hardState: { term: 2, vote: '1', commit: 3 } });
    expect(node.status().progress.get('1')).toMatchObject({ match: 3, next: 4, state: 'replicate' });
  });

  it('drops proposals when no leader is known', () => {
    const storage = new MemoryStorage();
    const node = new RawNode(config('1', storage));
    node.bootstrap([
      { id: '1', context: new Uint8Array() },
      { id: '2', context: new Uint8Array() },
    ]);
    handleReady(node, storage);
    expect(() => node.propose(enc('x'))).toThrow(ProposalDroppedError);
    node.campaign();
    // Candidate: still no leader.
    expect(() => node.propose(enc('x'))).toThrow(ProposalDroppedError);
  });

  it('forwards proposals to the known leader', () => {
    const storage = new MemoryStorage();
    const node = new RawNode(config('2', storage));
    node.bootstrap([
      { id: '1', context: new Uint8Array() },
      { id: '2', context: new Uint8Array() },
    ]);
    handleReady(node, storage);
    node.step(newMessage({ type: MessageType.Heartbeat, from: '1', to: '2', term: 3, commit: 0 }));
    node.propose(enc('fwd'));
    const rd = node.ready();
    const prop = rd.messages.find((m) => m.type === MessageType.Prop);
    expect(prop).toMatchObject({ to: '1', from: '2', term: 0 });
    expect(dec((prop?.entries[0] as { data: Uint8Array }).data)).toBe('fwd');
  });

  it('proposeBatch appends the entries together and forwards them in one MsgProp', () => {
    const { node, storage, applied } = singleNode();
    node.campaign();
    handleReady(node, storage, applied);
    node.proposeBatch([enc('a'), enc('b'), enc('c')]);
    const rd = handleReady(node, storage, applied);
    expect(rd.entries.map((e) => [dec(e.data), e.index])).toEqual([
      ['a', 3],
      ['b', 4],
      ['c', 5],
    ]);
    expect(applied).toEqual(['a', 'b', 'c']);

    const fstore = new MemoryStorage();
    const follower = new RawNode(config('2', fstore));
    follower.bootstrap([
      { id: '1', context: new Uint8Array() },
      { id: '2', context: new Uint8Array() },
    ]);
    handleReady(follower, fstore);
    expect(() => follower.proposeBatch([enc('x'), enc('y')])).toThrow(ProposalDroppedError); // no leader: all or none
    follower.step(newMessage({ type: MessageType.Heartbeat, from: '1', to: '2', term: 3, commit: 0 }));
    follower.proposeBatch([enc('x'), enc('y')]);
    const props = follower.ready().messages.filter((m) => m.type === MessageType.Prop);
    expect(props).toHaveLength(1);
    expect(props[0]?.entries.map((e) => dec(e.data))).toEqual(['x', 'y']);
  });

  it('ignores local message types and unknown responders from the network', () => {
    const { node } = singleNode();
    node.step(newMessage({ type: MessageType.Hup, from: '9', to: '1' }));
    node.step(newMessage({ type: MessageType.Beat, from: '9', to: '1' }));
    node.step(newMessage({ type: MessageType.AppResp, from: '9', to: '1', term: 5, index: 1 }));
    expect(node.status().softState.raftState).toBe(StateType.Follower);
    expect(node.status().hardState.term).toBe(1);
  });

  it('a single voter answers ReadIndex right away', () => {
    const { node, storage } = singleNode();
    node.campaign();
    handleReady(node, storage);
    node.readIndex(enc('ctx'));
    const rd = node.ready();
    expect(rd.readStates.map((rs) => [rs.index, dec(rs.requestCtx)])).toEqual([[2, 'ctx']]);
  });

  it('paginates committed entries by maxCommittedSizePerReady', () => {
    const { node, storage } = singleNode({ maxCommittedSizePerReady: 1 });
    node.campaign();
    handleReady(node, storage);
    for (const v of ['a', 'b', 'c']) node.propose(enc(v));
    const applied: string[] = [];
    let readies = 0;
    while (node.hasReady()) {
      handleReady(node, storage, applied);
      readies++;
    }
    expect(applied).toEqual(['a', 'b', 'c']);
    expect(readies).toBe(3);
  });

  it('restarts from storage, re-applying only what was not applied', () => {
    const { node, storage, applied } = singleNode();
    node.campaign();
    handleReady(node, storage, applied);
    node.propose(enc('a'));
    handleReady(node, storage, applied);
    // Without `applied`, every committed entry comes out again (the bootstrap conf change too).
    const fromScratch = new RawNode(config('1', storage));
    expect(fromScratch.status().hardState).toEqual(node.status().hardState);
    expect(fromScratch.ready().committedEntries.map((e) => [e.type, dec(e.data)])).toEqual([
      [EntryType.ConfChange, expect.any(String)],
      [EntryType.Normal, ''],
      [EntryType.Normal, 'a'],
    ]);
    // With a snapshot of the applied state (holding the ConfState) and `applied`, nothing does.
    storage.createSnapshot(node.status().applied, node.status().config, enc('state'));
    const restarted = new RawNode(config('1', storage, { applied: node.status().applied }));
    expect(restarted.status().config).toEqual({ voters: ['1'], learners: [] });
    expect(restarted.hasReady()).toBe(false);
  });

  it('keeps at most one conf change pending', () => {
    const { node, storage } = singleNode();
    node.campaign();
    handleReady(node, storage);
    node.proposeConfChange({ type: ConfChangeType.AddLearnerNode, nodeId: '2', context: new Uint8Array() });
    node.proposeConfChange({ type: ConfChangeType.AddLearnerNode, nodeId: '3', context: new Uint8Array() });
    const rd = node.ready();
    expect(rd.entries.map((e) => e.type)).toEqual([EntryType.ConfChange, EntryType.Normal]);
    expect((rd.entries[1] as { data: Uint8Array }).data.byteLength).toBe(0);
    storage.append(rd.entries);
    for (const e of rd.committedEntries) {
      if (e.type === EntryType.ConfChange) node.applyConfChange(decodeConfChange(e.data));
    }
    node.advance(rd);
    expect(node.status().config).toEqual({ voters: ['1'], learners: ['2'] });
    // Applied: the next one is accepted.
    node.proposeConfChange({ type: ConfChangeType.AddLearnerNode, nodeId: '3', context: new Uint8Array() });
    expect(node.ready().entries.map((e) => e.type)).toEqual([EntryType.ConfChange]);
  });

  it('refuses proposals during a leadership transfer', () => {
    const storage = new MemoryStorage();
    const node = new RawNode(config('1', storage));
    node.bootstrap([
      { id: '1', context: new Uint8Array() },
      { id: '2', context: new Uint8Array() },
    ]);
    handleReady(node, storage);
    node.campaign();
    handleReady(node, storage);
    node.step(newMessage({ type: MessageType.VoteResp, from: '2', to: '1', term: 2 }));
    expect(node.status().softState.raftState).toBe(StateType.Leader);
    node.transferLeader('2');
    expect(node.status().leadTransferee).toBe('2');
    expect(() => node.propose(enc('x'))).toThrow(ProposalDroppedError);
  });

  it('applyConfChange of a learner as AddNode promotes it; removing self is allowed', () => {
    const { node } = singleNode();
    expect(node.applyConfChange({ type: ConfChangeType.AddLearnerNode, nodeId: '2', context: new Uint8Array() })).toEqual({
      voters: ['1'],
      learners: ['2'],
    });
    expect(node.applyConfChange({ type: ConfChangeType.AddNode, nodeId: '2', context: new Uint8Array() })).toEqual({
      voters: ['1', '2'],
      learners: [],
    });
    expect(node.applyConfChange({ type: ConfChangeType.RemoveNode, nodeId: '1', context: new Uint8Array() })).toEqual({
      voters: ['2'],
      learners: [],
    });
  });

  it('encodes conf changes that proposeConfChange puts in the log', () => {
    const { node, storage } = singleNode();
    node.campaign();
    handleReady(node, storage);
    const cc = { type: ConfChangeType.AddNode, nodeId: 'abc', context: enc('{"peerURLs":[]}') };
    node.proposeConfChange(cc);
    const e = node.ready().entries[0];
    expect(e?.data).toEqual(encodeConfChange(cc));
  });

  it('validates its config', () => {
    const storage = new MemoryStorage();
    expect(() => new RawNode(config('', storage))).toThrow(ConfigInvalidError);
    expect(() => new RawNode(config('1', storage, { heartbeatTick: 0 }))).toThrow(ConfigInvalidError);
    expect(() => new RawNode(config('1', storage, { electionTick: 1 }))).toThrow(ConfigInvalidError);
    expect(() => new RawNode(config('1', storage, { maxInflightMsgs: 0 }))).toThrow(ConfigInvalidError);
    expect(() => new RawNode(config('1', storage, { readOnlyOption: 'lease-based' }))).toThrow(ConfigInvalidError);
    expect(() => new RawNode(config('1', storage, { readOnlyOption: 'lease-based', checkQuorum: true }))).not.toThrow();
  });

  it('campaigns after a randomized election timeout in [electionTick, 2*electionTick)', () => {
    for (const r of [0, 0.5, 0.999]) {
      const storage = new MemoryStorage();
      const node = new RawNode(config('1', storage, { random: () => r }));
      node.bootstrap([
        { id: '1', context: new Uint8Array() },
        { id: '2', context: new Uint8Array() },
      ]);
      handleReady(node, storage);
      let ticks = 0;
      while (node.status().softState.raftState === StateType.Follower) {
        node.tick();
        ticks++;
      }
      expect(ticks).toBe(10 + Math.floor(r * 10));
    }
  });
});
