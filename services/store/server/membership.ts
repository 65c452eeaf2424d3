// The cluster's member list as the state machine knows it: changed only by applied Raft
// entries (conf changes, attribute updates), so every member holds the same list.
import type { MemberId } from './member-id.js';

export interface Member {
  id: MemberId;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

/** What a conf change entry's context carries: the member, and the proposer's request ID. */
export interface ConfChangeContext {
  requestId: string;
  member: Member;
}

export function encodeConfChangeContext(ctx: ConfChangeContext): Uint8Array {
  return Buffer.from(JSON.stringify(ctx));
}

export function decodeConfChangeContext(data: Uint8Array): ConfChangeContext {
  return JSON.parse(Buffer.from(data).toString('utf8')) as ConfChangeContext;
}

export class Membership {
  private readonly members = new Map<MemberId, Member>();
  private readonly removed = new Set<MemberId>();
  /** Bumped on every change, so the list is persisted only when it changed. */
  version = 0;

  constructor(readonly clusterId: MemberId) {}

  list(): Member[] {
    return [...this.members.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: MemberId): Member | undefined {
    return this.members.get(id);
  }

  isRemoved(id: MemberId): boolean {
    return this.removed.has(id);
  }

  add(member: Member): void {
    this.version++;
    const existing = this.members.get(member.id);
    // A member's name and client URLs come from its own attribute update; keep them.
    this.members.set(member.id, existing ? { ...existing, peerUrls: member.peerUrls, isLearner: member.isLearner } : { ...member });
  }

  promote(id: MemberId): void {
    this.version++;
    const m = this.members.get(id);
    if (m) m.isLearner = false;
  }

  remove(id: MemberId): void {
    this.version++;
    this.members.delete(id);
    this.removed.add(id);
  }

  setAttributes(id: MemberId, name: string, clientUrls: string[]): void {
    this.version++;
    const m = this.members.get(id);
    if (m) {
      m.name = name;
      m.clientUrls = [...clientUrls];
    }
  }

  setPeerUrls(id: MemberId, peerUrls: string[]): void {
    this.version++;
    const m = this.members.get(id);
    if (m) m.peerUrls = [...peerUrls];
  }

  peerUrlInUse(url: string): boolean {
    return this.list().some((m) => m.peerUrls.includes(url));
  }

  toJSON(): { clusterId: MemberId; members: Member[]; removed: MemberId[] } {
    return { clusterId: this.clusterId, members: this.list(), removed: [...this.removed].sort() };
  }

  static fromJSON(json: { clusterId: MemberId; members: Member[]; removed: MemberId[] }): Membership {
    const m = new Membership(json.clusterId);
    for (const member of json.members) m.members.set(member.id, { ...member });
    for (const id of json.removed) m.removed.add(id);
    return m;
  }
}
