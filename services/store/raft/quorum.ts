import type { NodeId } from './types.js';

export const VoteResult = { Pending: 'pending', Lost: 'lost', Won: 'won' } as const;
export type VoteResult = (typeof VoteResult)[keyof typeof VoteResult];

/** Smallest majority of n voters. */
export function quorumSize(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * The highest index acknowledged by a majority of voters (0 with no voters, so nothing commits).
 * Voters missing from `acked` count as having acknowledged nothing.
 */
export function committedIndex(voters: ReadonlySet<NodeId>, acked: (id: NodeId) => number | undefined): number {
  if (voters.size === 0) return 0;
  const indexes: number[] = [];
  for (const id of voters) indexes.push(acked(id) ?? 0);
  indexes.sort((a, b) => b - a);
  return indexes[quorumSize(voters.size) - 1] as number;
}

/**
 * Outcome of a vote among voters: won with a majority of yes, lost once a majority can no longer
 * be reached, pending otherwise. Entries of `votes` for non-voters are ignored. An empty voter
 * set wins, which makes a configuration without voters never stall a quorum check.
 */
export function voteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return VoteResult.Won;
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const q = quorumSize(voters.size);
  if (granted >= q) return VoteResult.Won;
  if (granted + missing >= q) return VoteResult.Pending;
  return VoteResult.Lost;
}
