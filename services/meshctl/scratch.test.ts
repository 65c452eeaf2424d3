import { readFileSync } from 'node:fs';
import { it, expect } from 'vitest';
import { toGoYaml } from './output/go-yaml.js';
import { goJsonIndent } from './output/go-json.js';
it('scratch', () => {
  const json = readFileSync('/tmp/mc/cm.kubectl.json', 'utf8');
  const obj = JSON.parse(json);
  const mine = toGoYaml(obj);
  const theirs = readFileSync('/tmp/mc/cm.kubectl.yaml', 'utf8');
  const ml = mine.split('\n'), tl = theirs.split('\n');
  for (let i = 0; i < Math.max(ml.length, tl.length); i++) if (ml[i] !== tl[i]) console.log(i, JSON.stringify(ml[i]), JSON.stringify(tl[i]));
  expect(goJsonIndent(obj)).toBe(json + (json.endsWith('\n') ? '' : '\n'));
});
