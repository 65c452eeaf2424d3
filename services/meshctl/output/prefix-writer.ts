// kubectl describe's PrefixWriter: text at indentation levels of two spaces, into a tab
// writer laid out like describe's (padding 2).
import { DESCRIBE_LAYOUT, TabWriter } from './tab-writer.js';

export class PrefixWriter {
  private readonly tw = new TabWriter(DESCRIBE_LAYOUT);

  /** Writes `text` after `level` indentation steps. */
  write(level: number, text: string): void {
    this.tw.write('  '.repeat(level) + text);
  }

  /** Forces alignment to restart below this point (kubectl flushes before tables of events). */
  flush(): void {
    this.tw.flush();
  }

  toString(): string {
    return this.tw.take();
  }
}
