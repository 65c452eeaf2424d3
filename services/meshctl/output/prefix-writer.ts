// kubectl describe's PrefixWriter: text at indentation levels of two spaces. The tabbed one
// lays its output out like describe (tabwriter, padding 2); the raw one keeps the tabs, as
// `rollout history --revision` prints a pod template.
import { DESCRIBE_LAYOUT, TabWriter } from './tab-writer.js';

export interface LineWriter {
  /** Writes `text` after `level` indentation steps. */
  write(level: number, text: string): void;
  /** Restarts column alignment below this point (kubectl flushes before the events table). */
  flush(): void;
  toString(): string;
}

export class PrefixWriter implements LineWriter {
  private readonly tw = new TabWriter(DESCRIBE_LAYOUT);

  write(level: number, text: string): void {
    this.tw.write('  '.repeat(level) + text);
  }

  flush(): void {
    this.tw.flush();
  }

  toString(): string {
    return this.tw.take();
  }
}

export class RawPrefixWriter implements LineWriter {
  private text = '';

  write(level: number, text: string): void {
    this.text += '  '.repeat(level) + text;
  }

  flush(): void {}

  toString(): string {
    return this.text;
  }
}
