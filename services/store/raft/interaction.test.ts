import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from './testing/datadriven.js';
import { InteractionEnv } from './testing/interaction-env.js';

// REWRITE=1 regenerates the expected transcripts in testdata/ for review (then diff them).
const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const rewrite = process.env.REWRITE === '1';

describe('interaction scenarios', () => {
  const files = readdirSync(testdata)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  it('has scenario files', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(file, () => {
      const env = new InteractionEnv();
      const result = runScenarioFile(join(testdata, file), (command) => env.handle(command), rewrite);
      for (const b of result.blocks) {
        expect(b.actual, `${file}:${b.line}: ${b.command}`).toBe(b.expected);
      }
    });
  }
});
