import { describe, expect, it } from 'vitest';
import { KeyedMutex, Mutex } from './keyed-mutex.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('Mutex', () => {
  it('runs one task at a time in call order, surviving failures', async () => {
    const m = new Mutex();
    const log: string[] = [];
    const task = (name: string, fail = false) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([m.run(task('a')), m.run(task('b', true)), m.run(task('c'))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('KeyedMutex', () => {
  it('serialises one key, lets different keys overlap, and forgets idle keys', async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    const all = Promise.all([m.run('x', task('x1')), m.run('x', task('x2')), m.run('y', task('y1'))]);
    expect(m.busy('x')).toBe(true);
    expect(m.keys().sort()).toEqual(['x', 'y']);
    await all;
    expect(log.indexOf('end x1')).toBeLessThan(log.indexOf('start x2'));
    expect(log.indexOf('start y1')).toBeLessThan(log.indexOf('end x1'));
    await tick();
    expect(m.busy('x')).toBe(false);
    expect(m.keys()).toEqual([]);
  });
});
