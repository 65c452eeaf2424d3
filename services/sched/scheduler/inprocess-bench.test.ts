// The in-process scheduling benchmark (bench/lib/sched-inprocess.ts), small: every pod gets
// bound and the pods spread evenly. No timing assertions; the full-size run is the benchmark's.
import { describe, expect, it } from 'vitest';
import { runInProcessSchedulingBench } from '../../../bench/lib/sched-inprocess.js';

describe('in-process scheduling benchmark', () => {
  it('binds 500 pods over 200 nodes, two or three per node', async () => {
    const r = await runInProcessSchedulingBench({ nodes: 200, pods: 500, seed: 3 });
    const perNode = [...r.podsPerNode.values()];
    expect(perNode.reduce((a, b) => a + b, 0)).toBe(500);
    expect(r.podsPerNode.size).toBe(200);
    expect([Math.min(...perNode), Math.max(...perNode)]).toEqual([2, 3]);
    expect([r.nodes, r.pods]).toEqual([200, 500]);
    expect(r.podsPerSecond).toBeGreaterThan(0);
    expect(r.attemptP99Ms).toBeGreaterThanOrEqual(r.attemptP50Ms);
    expect(Number.isFinite(r.e2eP99Ms)).toBe(true);
  });
});
