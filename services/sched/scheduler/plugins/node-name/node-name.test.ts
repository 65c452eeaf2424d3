import { describe, expect, it } from 'vitest';
import { makeNode, makePod, snapshotOf } from '../../testing/fixtures.js';
import { filterResults } from '../../testing/plugin-harness.js';
import { PluginName } from '../names.js';
import { inTreeRegistry } from '../registry.js';
import { NodeName, newNodeName } from './node-name.js';

describe('NodeName', () => {
  it('is registered under its name', () => {
    expect(inTreeRegistry().get(PluginName.NodeName)).toBe(newNodeName);
  });

  const cases = [
    { name: 'no node name: nothing to filter', nodeName: undefined, want: { a: 'Skip', b: 'Skip' } },
    {
      name: 'node name matches one node',
      nodeName: 'a',
      want: { a: 'Success', b: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name" },
    },
    {
      name: 'node name matches none',
      nodeName: 'zz',
      want: {
        a: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name",
        b: "UnschedulableAndUnresolvable: node(s) didn't match the requested node name",
      },
    },
  ];
  it.each(cases)('$name', ({ nodeName, want }) => {
    const snapshot = snapshotOf([makeNode('a'), makeNode('b')]);
    expect(filterResults(new NodeName(), makePod('p', nodeName ? { nodeName } : {}), snapshot)).toEqual(want);
  });
});
