import { describe, expect, it } from 'vitest';
import { finalizersForDeletion } from './resource-store.js';

describe('finalizersForDeletion (the garbage collector finalizers a delete leaves)', () => {
  it.each([
    ['no policy, no finalizers: background', [], {}, []],
    ['Background drops orphan', ['orphan'], { propagationPolicy: 'Background' }, []],
    ['Orphan adds orphan', [], { propagationPolicy: 'Orphan' }, ['orphan']],
    ['Foreground adds foregroundDeletion', ['example.com/keep'], { propagationPolicy: 'Foreground' }, ['example.com/keep', 'foregroundDeletion']],
    ['Foreground replaces orphan', ['orphan'], { propagationPolicy: 'Foreground' }, ['foregroundDeletion']],
    ['no policy keeps an existing orphan', ['orphan'], {}, ['orphan']],
    ['no policy keeps an existing foregroundDeletion', ['foregroundDeletion'], {}, ['foregroundDeletion']],
    ['orphanDependents=true is Orphan', [], { orphanDependents: true }, ['orphan']],
    ['orphanDependents=false is Background', ['orphan'], { orphanDependents: false }, []],
  ])('%s', (_name, current, opts, expected) => {
    expect(finalizersForDeletion(current, opts)).toEqual(expected);
  });
});
