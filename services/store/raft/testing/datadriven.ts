// Scenario files: blocks of "command\n----\nexpected output", separated by blank lines; lines
// starting with # before a command are comments. Outputs never contain blank lines.
import { readFileSync, writeFileSync } from 'node:fs';

export interface ScenarioBlock {
  /** 1-based line of the command. */
  line: number;
  comments: string[];
  command: string;
  expected: string;
}

export function parseScenario(text: string): ScenarioBlock[] {
  const lines = text.split('\n');
  const blocks: ScenarioBlock[] = [];
  let comments: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.startsWith('#')) {
      comments.push(line);
      i++;
      continue;
    }
    const command = line;
    const commandLine = i + 1;
    i++;
    if (lines[i] !== '----') throw new Error(`line ${commandLine + 1}: expected ---- after command "${command}"`);
    i++;
    const out: string[] = [];
    while (i < lines.length && (lines[i] as string).trim() !== '') {
      out.push(lines[i] as string);
      i++;
    }
    blocks.push({ line: commandLine, comments, command, expected: out.join('\n') });
    comments = [];
  }
  return blocks;
}

export function formatScenario(blocks: { comments: string[]; command: string; expected: string }[]): string {
  return blocks.map((b) => [...b.comments, b.command, '----', b.expected].join('\n')).join('\n\n') + '\n';
}

export interface ScenarioResult {
  blocks: (ScenarioBlock & { actual: string })[];
}

/** Runs every block through handle(); with rewrite, stores the actual outputs as expected. */
export function runScenarioFile(path: string, handle: (command: string) => string, rewrite: boolean): ScenarioResult {
  const blocks = parseScenario(readFileSync(path, 'utf8'));
  const results = blocks.map((b) => ({ ...b, actual: handle(b.command) }));
  if (rewrite) writeFileSync(path, formatScenario(results.map((r) => ({ ...r, expected: r.actual }))));
  return { blocks: results };
}
