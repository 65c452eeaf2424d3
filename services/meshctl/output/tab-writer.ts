// Go's text/tabwriter (with liggitt/tabwriter's RememberWidths), which lays out kubectl's
// tables and describe output: tab-terminated cells form columns; a column's width is its
// widest cell plus padding within each block of consecutive lines that have that column; a
// line without tabs ends every block.

export interface TabWriterOptions {
  minWidth: number;
  padding: number;
  /** Keep per-column widths across flushes (kubectl get, so watch rows stay aligned). */
  rememberWidths?: boolean;
}

/** kubectl get: tabwriter.NewWriter(out, 6, 4, 3, ' ', RememberWidths). */
export const TABLE_LAYOUT: TabWriterOptions = { minWidth: 6, padding: 3, rememberWidths: true };
/** kubectl describe: tabwriter.NewWriter(out, 0, 8, 2, ' ', 0). */
export const DESCRIBE_LAYOUT: TabWriterOptions = { minWidth: 0, padding: 2 };

interface Cell {
  text: string;
  width: number;
}

const runeWidth = (s: string): number => [...s].length;

export class TabWriter {
  private lines: Cell[][] = [[]];
  private cell = '';
  private widths: number[] = [];
  private maxWidths: number[] = [];
  private out = '';

  constructor(private readonly opts: TabWriterOptions) {}

  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\t' && ch !== '\n') continue;
      this.cell += text.slice(start, i);
      start = i + 1;
      const line = this.currentLine();
      line.push({ text: this.cell, width: runeWidth(this.cell) });
      this.cell = '';
      if (ch === '\n') {
        const ncells = line.length;
        this.lines.push([]);
        // A line of one cell cannot affect later columns, so everything so far can go out.
        if (ncells === 1) this.flush();
      }
    }
    this.cell += text.slice(start);
  }

  private currentLine(): Cell[] {
    const line = this.lines[this.lines.length - 1];
    if (line) return line;
    const fresh: Cell[] = [];
    this.lines.push(fresh);
    return fresh;
  }

  /** Lays out everything buffered. */
  flush(): void {
    if (this.cell !== '') {
      this.currentLine().push({ text: this.cell, width: runeWidth(this.cell) });
      this.cell = '';
    }
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.widths = [];
  }

  /** Flushes and returns (and forgets) the text produced so far. */
  take(): string {
    this.flush();
    const s = this.out;
    this.out = '';
    return s;
  }

  /** Forgets remembered widths (kubectl does so when the kind being printed changes). */
  resetWidths(): void {
    this.maxWidths = [];
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= (this.lines[i]?.length ?? 0) - 1) continue;
      // This line has a cell in this column: a column block starts here.
      this.writeLines(line0, i);
      line0 = i;
      let width = this.opts.minWidth;
      for (; i < line1; i++) {
        const line = this.lines[i] ?? [];
        if (column >= line.length - 1) break;
        const w = (line[column]?.width ?? 0) + this.opts.padding;
        if (w > width) width = w;
      }
      if (this.opts.rememberWidths) {
        if (this.maxWidths.length < this.widths.length) this.maxWidths.push(...this.widths.slice(this.maxWidths.length));
        const remembered = this.maxWidths[this.widths.length];
        if (remembered === undefined) this.maxWidths.push(width);
        else if (remembered > width) width = remembered;
        else this.maxWidths[this.widths.length] = width;
      }
      this.widths.push(width);
      this.format(line0, i);
      this.widths.pop();
      line0 = i;
      i--;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i] ?? [];
      let text = '';
      for (let j = 0; j < line.length; j++) {
        const c = line[j] as Cell;
        text += c.text;
        const w = this.widths[j];
        if (w !== undefined) text += ' '.repeat(Math.max(0, w - c.width));
      }
      this.out += text;
      // The last buffered line is the unterminated one.
      if (i + 1 < this.lines.length) this.out += '\n';
    }
  }
}

/** Lays out `text` in one go. */
export function tabbed(text: string, opts: TabWriterOptions = DESCRIBE_LAYOUT): string {
  const w = new TabWriter(opts);
  w.write(text);
  return w.take();
}
