import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../lib/controller/clock.js';
import { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './expectations.js';
import { slowStartBatch } from './slow-start-batch.js';

describe('ControllerExpectations', () => {
  it('is satisfied without expectations, and once every creation was observed', () => {
    const exp = new ControllerExpectations(new FakeClock());
    expect(exp.satisfied('ns/rs')).toBe(true);
    exp.expectCreations('ns/rs', 2);
    expect(exp.satisfied('ns/rs')).toBe(false);
    exp.creationObserved('ns/rs');
    expect(exp.satisfied('ns/rs')).toBe(false);
    exp.creationObserved('ns/rs');
    expect(exp.satisfied('ns/rs')).toBe(true);
  });

  it('counts each expected deletion once and ignores unexpected pods', () => {
    const exp = new ControllerExpectations(new FakeClock());
    exp.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
    exp.deletionObserved('ns/rs', 'ns/a');
    exp.deletionObserved('ns/rs', 'ns/a'); // terminating, then deleted: still one
    exp.deletionObserved('ns/rs', 'ns/zzz');
    expect(exp.get('ns/rs')).toEqual({ add: 0, del: 1 });
    exp.deletionObserved('ns/rs', 'ns/b');
    expect(exp.satisfied('ns/rs')).toBe(true);
  });

  it('expires after five minutes', () => {
    const clock = new FakeClock();
    const exp = new ControllerExpectations(clock);
    exp.expectCreations('ns/rs', 1);
    clock.advance(EXPECTATIONS_TIMEOUT_MS);
    expect(exp.satisfied('ns/rs')).toBe(false);
    clock.advance(1);
    expect(exp.satisfied('ns/rs')).toBe(true);
  });

  it('starts clean after delete', () => {
    const exp = new ControllerExpectations(new FakeClock());
    exp.expectCreations('ns/rs', 3);
    exp.delete('ns/rs');
    expect(exp.satisfied('ns/rs')).toBe(true);
    expect(exp.get('ns/rs')).toBeUndefined();
  });
});

describe('slowStartBatch', () => {
  it('runs batches of 1, 2, 4, ... until done', async () => {
    let inFlight = 0;
    const batches: number[] = [];
    let calls = 0;
    const r = await slowStartBatch(10, 1, async () => {
      calls++;
      inFlight++;
      batches.push(inFlight);
      await Promise.resolve();
      inFlight--;
    });
    expect(r).toEqual({ successes: 10 });
    expect(calls).toBe(10);
    expect(Math.max(...batches)).toBe(4); // 1 + 2 + 4 + 3
  });

  it('stops after a batch with a failure', async () => {
    let calls = 0;
    const r = await slowStartBatch(10, 1, async () => {
      calls++;
      if (calls === 4) throw new Error('quota');
    });
    expect(calls).toBe(7); // 1, 2, then the batch of 4 that fails
    expect(r.successes).toBe(6);
    expect(r.error).toBeInstanceOf(Error);
  });
});
