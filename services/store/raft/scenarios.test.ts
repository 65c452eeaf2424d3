import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProgressState } from './progress.js';
import { raftOf } from './raw-node.js';
import { parseScenario } from './testing/datadriven.js';
import { InteractionEnv } from './testing/interaction-env.js';
import { SafetyChecker } from './testing/safety-checker.js';
import { StateType } from './types.js';
import type { Entry } from './types.js';

// Explicit assertions about the scenarios in testdata/, independent of their transcripts: they
// still fail on a regression after REWRITE=1 regenerated the transcripts. Every scenario is also
// checked for Raft's safety properties after each command.

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const decoder = new TextDecoder();

interface Hook {
  /** Runs after the n-th (default first) occurrence of this exact command. */
  after: string;
  occurrence?: number;
  check: (env: InteractionEnv) => void;
}

function replay(file: string, hooks: Hook[] = [], each?: (env: InteractionEnv) => void): InteractionEnv {
  const env = new InteractionEnv();
  const checker = new SafetyChecker(env, file);
  const seen = new Map<string, number>();
  const ran = new Set<Hook>();
  for (const block of parseScenario(readFileSync(join(testdata, file), 'utf8'))) {
    env.handle(block.command);
    const count = (seen.get(block.command) ?? 0) + 1;
    seen.set(block.command, count);
    checker.step = `line ${block.line} (${block.command})`;
    checker.check(true);
    each?.(env);
    for (const h of hooks) {
      if (h.after === block.command && (h.occurrence ?? 1) === count) {
        h.check(env);
        ran.add(h);
      }
    }
  }
  expect(ran.size, `hooks that ran in ${file}`).toBe(hooks.length);
  return env;
}

const raft = (env: InteractionEnv, id: string) => raftOf(env.node(id).rawNode);
const term = (env: InteractionEnv, id: string): number => raft(env, id).term;
const state = (env: InteractionEnv, id: string): number => raft(env, id).state;
const commit = (env: InteractionEnv, id: string): number => raft(env, id).raftLog.committed;
const values = (env: InteractionEnv, id: string): string[] => env.node(id).applied.map((v) => v.value);
const leaders = (env: InteractionEnv): string[] =>
  env.sortedIds().filter((id) => state(env, id) === StateType.Leader);

/** Entry at index from the node's log (persisted or not). */
function entry(env: InteractionEnv, id: string, index: number): { term: number; value: string } | undefined {
  const log = raft(env, id).raftLog;
  if (index < log.firstIndex() || index > log.lastIndex()) return undefined;
  const e = log.slice(index, index + 1, Number.POSITIVE_INFINITY)[0] as Entry;
  return { term: e.term, value: decoder.decode(e.data) };
}

describe('scenario assertions', () => {
  it('election: the up-to-date rule keeps a lagging node from winning', () => {
    let everLeaderInTerm2 = false;
    const env = replay('election.txt', [], (e) => {
      if (leaders(e).some((id) => term(e, id) === 2)) everLeaderInTerm2 = true;
    });
    // 3 campaigned for term 2 with a stale log: nobody won term 2.
    expect(everLeaderInTerm2).toBe(false);
    expect(leaders(env)).toEqual(['2']);
    expect(term(env, '2')).toBe(3);
    for (const id of ['1', '2', '3']) expect(values(env, id)).toEqual(['v1', 'v2']);
  });

  it('split vote: nobody wins term 1, the first to time out wins term 2', () => {
    let leaderInTerm1 = false;
    const env = replay(
      'election-split-vote.txt',
      [
        {
          after: 'stabilize',
          check: (e) => {
            expect(leaders(e)).toEqual([]);
            for (const id of ['1', '2', '3']) expect(term(e, id)).toBe(1);
          },
        },
      ],
      (e) => {
        if (leaders(e).some((id) => term(e, id) === 1)) leaderInTerm1 = true;
      },
    );
    expect(leaderInTerm1).toBe(false);
    expect(leaders(env)).toHaveLength(1);
    for (const id of ['1', '2', '3']) expect(term(env, id)).toBe(2);
  });

  it('prevote: the rejoining node never changes any term nor deposes the leader', () => {
    let maxTerm = 0;
    let leaderAlways1 = true;
    const env = replay(
      'prevote.txt',
      [
        {
          after: 'tick-election 3',
          occurrence: 2,
          check: (e) => {
            expect(state(e, '3')).toBe(StateType.PreCandidate);
            expect(term(e, '3')).toBe(1);
          },
        },
      ],
      (e) => {
        for (const id of ['1', '2', '3']) maxTerm = Math.max(maxTerm, term(e, id));
        if (e.sortedIds().length === 3 && term(e, '1') >= 1 && leaders(e).join() !== '1') leaderAlways1 = false;
      },
    );
    expect(maxTerm).toBe(1);
    expect(leaderAlways1).toBe(true);
    expect(values(env, '3')).toEqual(['v1']);
  });

  it('checkquorum: lease ignores votes, an isolated leader steps down, the majority re-elects', () => {
    replay('checkquorum.txt', [
      {
        after: 'campaign 3',
        check: (e) => expect(state(e, '3')).toBe(StateType.Candidate),
      },
      {
        // 1 and 2 ignored 3's vote request without adopting its term.
        after: 'raft-state',
        occurrence: 1,
        check: (e) => {
          expect(term(e, '1')).toBe(1);
          expect(term(e, '2')).toBe(1);
          expect(leaders(e)).toEqual(['1']);
        },
      },
      {
        after: 'tick-election 2',
        occurrence: 1,
        check: (e) => expect(state(e, '2')).toBe(StateType.Leader),
      },
      {
        after: 'tick-election 2',
        occurrence: 2,
        check: (e) => {
          expect(state(e, '2')).toBe(StateType.Follower);
          expect(term(e, '2')).toBe(2);
        },
      },
      {
        after: 'run-ticks 5 1 3',
        check: (e) => {
          expect(leaders(e)).toEqual(['1']);
          expect(term(e, '1')).toBe(3);
          expect(term(e, '2')).toBe(2);
        },
      },
      {
        after: 'run-ticks 1',
        check: (e) => {
          for (const id of ['1', '2', '3']) expect(term(e, id)).toBe(3);
          expect(raft(e, '2').lead).toBe('1');
        },
      },
    ]);
  });

  it('log divergence: conflicting uncommitted entries of an old term are replaced', () => {
    const env = replay('log-divergence.txt', [
      {
        after: 'raft-log 1',
        occurrence: 1,
        check: (e) => {
          expect([4, 5, 6, 7, 8].map((i) => entry(e, '1', i))).toEqual(
            ['a', 'b', 'c', 'd', 'e'].map((value) => ({ term: 1, value })),
          );
          expect(commit(e, '1')).toBe(3);
        },
      },
    ]);
    const expected = [
      { term: 2, value: '' },
      { term: 2, value: 'x' },
      { term: 2, value: 'y' },
      { term: 3, value: '' },
    ];
    for (const id of ['1', '2', '3']) {
      expect([4, 5, 6, 7].map((i) => entry(env, id, i))).toEqual(expected);
      expect(raft(env, id).raftLog.lastIndex()).toBe(7);
      expect(values(env, id)).toEqual(['x', 'y']);
    }
  });

  it('figure 8: an old-term entry on a majority is not committed and may be overwritten', () => {
    const env = replay('figure8.txt', [
      {
        after: 'status 1',
        check: (e) => {
          // "a" (term 1, index 3) is on 1, 2 and 3, a majority of five...
          for (const id of ['1', '2', '3']) expect(entry(e, id, 3)).toEqual({ term: 1, value: 'a' });
          // ...but the term-3 leader does not count replicas for it.
          expect(term(e, '1')).toBe(3);
          expect(commit(e, '1')).toBe(2);
        },
      },
    ]);
    for (const id of ['2', '3', '4', '5']) {
      expect(entry(env, id, 3)).toEqual({ term: 2, value: '' });
      expect(commit(env, id)).toBe(4);
    }
    for (const id of env.sortedIds()) expect(values(env, id)).not.toContain('a');
  });

  it('figure 8: the old-term entry commits once an own-term entry is on a majority', () => {
    const env = replay('figure8-commit.txt', [
      {
        after: 'status 1',
        check: (e) => expect(commit(e, '1')).toBe(2),
      },
      {
        after: 'stabilize 1 2 3',
        check: (e) => {
          expect(commit(e, '1')).toBe(4);
          for (const id of ['1', '2', '3']) expect(values(e, id)).toEqual(['a']);
        },
      },
    ]);
    // 5 cannot become leader without the committed entries.
    expect(state(env, '5')).not.toBe(StateType.Leader);
    expect(entry(env, '5', 3)).toEqual({ term: 2, value: '' });
  });

  it('snapshot: a follower behind the compacted log is restored from a snapshot', () => {
    const env = replay('snapshot.txt', [
      {
        after: 'status 1',
        occurrence: 1,
        check: (e) => expect(e.node('1').rawNode.status().progress.get('3')?.state).toBe(ProgressState.Snapshot),
      },
    ]);
    const n3 = env.node('3');
    expect(n3.storage.snapshot().metadata.index).toBe(6);
    expect(n3.storage.firstIndex()).toBe(7);
    expect(values(env, '3')).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
    expect(env.node('1').rawNode.status().progress.get('3')).toMatchObject({
      state: ProgressState.Replicate,
      match: 8,
    });
  });

  it('leader transfer: normal, to a lagging follower, and aborted', () => {
    const env = replay('leader-transfer.txt', [
      {
        after: 'transfer-leadership from=1 to=2',
        check: (e) => expect(leaders(e)).toEqual(['1']),
      },
      {
        after: 'raft-state',
        occurrence: 1,
        check: (e) => {
          expect(leaders(e)).toEqual(['2']);
          expect(term(e, '2')).toBe(2);
        },
      },
      {
        after: 'propose 2 v2',
        check: (e) => expect(e.node('2').rawNode.status().leadTransferee).toBe('3'),
      },
      {
        after: 'raft-state',
        occurrence: 2,
        check: (e) => {
          expect(leaders(e)).toEqual(['3']);
          expect(term(e, '3')).toBe(3);
        },
      },
      {
        after: 'tick-election 3',
        check: (e) => {
          expect(leaders(e)).toEqual(['3']);
          expect(e.node('3').rawNode.status().leadTransferee).toBe('');
        },
      },
    ]);
    // v2 was dropped during the transfer, the first v3 too; the second v3 committed.
    for (const id of ['1', '2', '3']) expect(values(env, id)).toEqual(['v1', 'v3']);
  });

  it('add member: learner catches up without voting, then is promoted', () => {
    let learnerCampaigned = false;
    const env = replay(
      'add-member.txt',
      [
        {
          after: 'raft-state',
          occurrence: 1,
          check: (e) => {
            expect(e.node('1').rawNode.status().config).toEqual({ voters: ['1', '2', '3'], learners: ['4'] });
            expect(raft(e, '4').isLearner).toBe(true);
            expect(values(e, '4')).toEqual(['v1']);
          },
        },
        {
          // Committed with 1 and 2 (3 cut off): the learner's acknowledgement is not needed.
          after: 'propose 1 v2',
          check: (e) => expect(commit(e, '1')).toBe(5),
        },
        {
          after: 'raft-state',
          occurrence: 3,
          check: (e) => {
            for (const id of ['1', '2', '3', '4']) {
              expect(e.node(id).confState).toEqual({ voters: ['1', '2', '3', '4'], learners: [] });
            }
            // The second conf change (remove 3) was turned into an empty entry.
            expect(entry(e, '1', 8)).toEqual({ term: 1, value: '' });
            expect(raft(e, '1').raftLog.slice(8, 9, 1e9)[0]?.type).toBe(0);
          },
        },
        {
          // Four voters: 1 and 2 alone do not commit v3 (index 9).
          after: 'status 1',
          occurrence: 3,
          check: (e) => expect(commit(e, '1')).toBe(8),
        },
      ],
      (e) => {
        if (!e.nodes.has('4')) return;
        if (raft(e, '4').isLearner && state(e, '4') !== StateType.Follower) learnerCampaigned = true;
      },
    );
    expect(learnerCampaigned).toBe(false);
    for (const id of ['1', '2', '3', '4']) expect(values(env, id)).toEqual(['v1', 'v2', 'v3']);
  });

  it('remove member: removed nodes stop participating, removing the leader hands over', () => {
    let removedCampaigned = false;
    const env = replay(
      'remove-member.txt',
      [
        {
          after: 'status 1',
          check: (e) => {
            expect([...e.node('1').rawNode.status().progress.keys()]).toEqual(['1', '2', '3']);
            expect(e.node('4').rawNode.status().config.voters).toEqual(['1', '2', '3']);
          },
        },
        {
          after: 'propose-conf-change 1 remove=1',
          check: (e) => expect(leaders(e)).toEqual(['1']),
        },
        {
          // The removed leader handed over to 2 without waiting for an election timeout.
          after: 'raft-state',
          occurrence: 2,
          check: (e) => {
            expect(state(e, '2')).toBe(StateType.Leader);
            expect(term(e, '2')).toBe(2);
            expect(raft(e, '1').trk.voters.has('1')).toBe(false);
            for (const id of ['1', '2', '3']) expect(e.node(id).confState.voters).toEqual(['2', '3']);
          },
        },
        {
          after: 'raft-state',
          occurrence: 3,
          check: (e) => expect(state(e, '1')).toBe(StateType.Follower),
        },
      ],
      (e) => {
        // Removed nodes never campaign, and 1 never leads again after its removal.
        for (const id of ['1', '4']) {
          const st = state(e, id);
          const removed = !raft(e, id).trk.voters.has(id);
          if (removed && (st === StateType.Candidate || st === StateType.PreCandidate)) removedCampaigned = true;
        }
        if (state(e, '1') === StateType.Leader && term(e, '1') > 1) removedCampaigned = true;
      },
    );
    expect(removedCampaigned).toBe(false);
    expect(leaders(env)).toEqual(['2']);
    expect(values(env, '4')).toEqual([]);
    expect(values(env, '2')).toEqual(['v1', 'v2']);
    expect(values(env, '3')).toEqual(['v1', 'v2']);
  });

  it('read index: answered only after a quorum confirms, on leader and follower', () => {
    const env = replay('read-index.txt', [
      {
        // The heartbeat round went out and 2 answered, but the leader has not received it.
        after: 'process-ready 2',
        occurrence: 1,
        check: (e) => expect(e.node('1').readStates).toEqual([]),
      },
      {
        after: 'process-ready 1',
        occurrence: 3,
        check: (e) => {
          expect(e.node('1').readStates.map((rs) => [rs.index, decoder.decode(rs.requestCtx)])).toEqual([[4, 'r1']]);
        },
      },
      {
        // New leader 3 with its own-term entry not yet committed: no answer.
        after: 'process-ready 3',
        occurrence: 2,
        check: (e) => {
          expect(commit(e, '3')).toBe(4);
          expect(e.node('3').readStates).toEqual([]);
        },
      },
    ]);
    expect(env.node('2').readStates.map((rs) => [rs.index, decoder.decode(rs.requestCtx)])).toEqual([[4, 'r2']]);
    expect(env.node('3').readStates.map((rs) => [rs.index, decoder.decode(rs.requestCtx)])).toEqual([[5, 'r3']]);
  });

  it('read index: lease-based and single-voter reads answer without a heartbeat round', () => {
    const env = replay('read-index-lease.txt', [
      {
        after: 'process-ready 1',
        check: (e) => expect(e.node('1').readStates.map((rs) => rs.index)).toEqual([3]),
      },
    ]);
    expect(env.node('3').readStates.map((rs) => rs.index)).toEqual([3]);
    const single = replay('read-index-single-voter.txt');
    expect(single.node('1').readStates.map((rs) => rs.index)).toEqual([3]);
  });

  it('network faults: reordered and delayed messages still converge', () => {
    const env = replay('network-faults.txt');
    for (const id of ['1', '2', '3']) expect(values(env, id)).toEqual(['a', 'b', 'c']);
  });
});
