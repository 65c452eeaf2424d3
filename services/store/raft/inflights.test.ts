import { describe, expect, it } from 'vitest';
import { Inflights } from './inflights.js';

describe('Inflights', () => {
  it('fills up to its size', () => {
    const in1 = new Inflights(3);
    in1.add(1);
    in1.add(2);
    expect(in1.full()).toBe(false);
    in1.add(3);
    expect(in1.full()).toBe(true);
    expect(() => in1.add(4)).toThrow();
  });

  it('frees acknowledged messages and wraps around the ring', () => {
    const inf = new Inflights(4);
    for (let i = 1; i <= 4; i++) inf.add(i * 10);
    inf.freeLE(25);
    expect(inf.toArray()).toEqual([30, 40]);
    inf.add(50);
    inf.add(60);
    expect(inf.full()).toBe(true);
    expect(inf.toArray()).toEqual([30, 40, 50, 60]);
    inf.freeLE(55);
    expect(inf.toArray()).toEqual([60]);
    inf.add(70);
    inf.add(80);
    inf.add(90);
    expect(inf.toArray()).toEqual([60, 70, 80, 90]);
    inf.freeLE(5); // older than everything: no-op
    expect(inf.length()).toBe(4);
    inf.freeLE(100);
    expect(inf.length()).toBe(0);
    expect(inf.full()).toBe(false);
  });

  it('reset empties it', () => {
    const inf = new Inflights(2);
    inf.add(1);
    inf.add(2);
    inf.reset();
    expect(inf.length()).toBe(0);
    inf.add(3);
    expect(inf.toArray()).toEqual([3]);
  });

  it('rejects a non-positive size', () => {
    expect(() => new Inflights(0)).toThrow();
  });
});
