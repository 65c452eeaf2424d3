import { describe, expect, it } from 'vitest';
import { parseChanges, splitResourcesAndPairs } from './key-value-args.js';

describe('label and annotate arguments', () => {
  it('splits resources from pairs', () => {
    expect(splitResourcesAndPairs(['deploy', 'web', 'a=1', 'b-'], 'label')).toEqual({ resources: ['deploy', 'web'], pairs: ['a=1', 'b-'] });
    expect(() => splitResourcesAndPairs(['deploy', 'a=1', 'web'], 'label')).toThrow('all resources must be specified before label changes: web');
  });

  it('parses sets and removals, checking label values', () => {
    expect(parseChanges(['a=1', 'b=', 'c-'], 'label')).toEqual({ set: [['a', '1'], ['b', '']], remove: ['c'] });
    expect(() => parseChanges(['a=bad value'], 'label')).toThrow(/^invalid label value: "a=bad value": /);
    expect(parseChanges(['note=any value at all'], 'annotation').set).toEqual([['note', 'any value at all']]);
    expect(() => parseChanges(['a=1', 'a-'], 'label')).toThrow('can not both modify and remove a label in the same command');
  });
});
