import { describe, expect, it } from 'vitest';
import { decodeConfChange, encodeConfChange } from './conf-change.js';
import { applySingleChange } from './conf-changer.js';
import { MalformedConfChangeError } from './errors.js';
import { ProgressTracker } from './progress-tracker.js';
import { ConfChangeType } from './types.js';
import type { ConfChange } from './types.js';

describe('conf change encoding', () => {
  const samples: ConfChange[] = [
    { type: ConfChangeType.AddNode, nodeId: '8e9e05c52164694d', context: new TextEncoder().encode('{"name":"a"}') },
    { type: ConfChangeType.RemoveNode, nodeId: '2', context: new Uint8Array() },
    { type: ConfChangeType.AddLearnerNode, nodeId: 'ünïcode', context: new Uint8Array([0, 255, 1]) },
  ];
  for (const cc of samples) {
    it(`round-trips ${cc.nodeId}`, () => {
      expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
    });
  }

  it('decodes from a view into a larger buffer', () => {
    const enc = encodeConfChange(samples[0] as ConfChange);
    const big = new Uint8Array(enc.byteLength + 10);
    big.set(enc, 5);
    expect(decodeConfChange(big.subarray(5, 5 + enc.byteLength))).toEqual(samples[0]);
  });

  it('rejects malformed input', () => {
    const good = encodeConfChange(samples[0] as ConfChange);
    expect(() => decodeConfChange(new Uint8Array(3))).toThrow(MalformedConfChangeError);
    expect(() => decodeConfChange(good.subarray(0, good.byteLength - 1))).toThrow(MalformedConfChangeError);
    const badVersion = good.slice();
    badVersion[0] = 9;
    expect(() => decodeConfChange(badVersion)).toThrow(MalformedConfChangeError);
    const badType = good.slice();
    badType[1] = 7;
    expect(() => decodeConfChange(badType)).toThrow(MalformedConfChangeError);
  });
});

describe('applySingleChange', () => {
  const cc = (type: ConfChangeType, nodeId: string): ConfChange => ({ type, nodeId, context: new Uint8Array() });

  it('adds voters and learners, promotes, demotes and removes', () => {
    const trk = new ProgressTracker(8);
    expect(applySingleChange(trk, cc(ConfChangeType.AddNode, '1'), 5)).toBe(true);
    expect(applySingleChange(trk, cc(ConfChangeType.AddLearnerNode, '2'), 5)).toBe(true);
    expect(trk.confState()).toEqual({ voters: ['1'], learners: ['2'] });
    expect(trk.progress.get('2')?.next).toBe(5);
    expect(trk.progress.get('2')?.recentActive).toBe(true);
    trk.progress.get('2')?.maybeUpdate(4);
    expect(applySingleChange(trk, cc(ConfChangeType.AddNode, '2'), 9)).toBe(true);
    expect(trk.confState()).toEqual({ voters: ['1', '2'], learners: [] });
    expect(trk.progress.get('2')?.match).toBe(4);
    expect(applySingleChange(trk, cc(ConfChangeType.AddLearnerNode, '1'), 9)).toBe(true);
    expect(trk.confState()).toEqual({ voters: ['2'], learners: ['1'] });
    expect(applySingleChange(trk, cc(ConfChangeType.RemoveNode, '1'), 9)).toBe(true);
    expect(trk.confState()).toEqual({ voters: ['2'], learners: [] });
    expect(trk.progress.has('1')).toBe(false);
  });

  it('is idempotent for repeated additions', () => {
    const trk = new ProgressTracker(8);
    applySingleChange(trk, cc(ConfChangeType.AddNode, '1'), 1);
    const pr = trk.progress.get('1');
    applySingleChange(trk, cc(ConfChangeType.AddNode, '1'), 7);
    expect(trk.progress.get('1')).toBe(pr);
  });

  it('refuses to remove or demote the last voter', () => {
    const trk = new ProgressTracker(8);
    applySingleChange(trk, cc(ConfChangeType.AddNode, '1'), 1);
    expect(applySingleChange(trk, cc(ConfChangeType.RemoveNode, '1'), 1)).toBe(false);
    expect(applySingleChange(trk, cc(ConfChangeType.AddLearnerNode, '1'), 1)).toBe(false);
    expect(trk.confState()).toEqual({ voters: ['1'], learners: [] });
  });
});
