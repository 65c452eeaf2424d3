// bin/<service> must start Node with the flags the test launchers use, or tests and benches
// would measure a differently tuned process than the one users run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot } from '../../test/support/store-cluster.js';
import { SERVICE_NODE_FLAGS } from './service-node-flags.js';

describe('SERVICE_NODE_FLAGS', () => {
  for (const [service, flags] of Object.entries(SERVICE_NODE_FLAGS)) {
    it(`bin/${service} runs node with ${flags.join(' ')}`, () => {
      const script = readFileSync(path.join(findRepoRoot(), 'bin', service), 'utf8');
      const exec = script.split('\n').find((line) => line.startsWith('exec node '));
      expect(exec, `bin/${service} has an "exec node" line`).toBeDefined();
      const args = (exec as string).slice('exec node '.length).split(/\s+/);
      const nodeFlags = args.slice(0, args.findIndex((a) => !a.startsWith('--')));
      expect(nodeFlags).toEqual([...flags]);
    });
  }
});
