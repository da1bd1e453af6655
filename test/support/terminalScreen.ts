/**
 * A terminal's screen for tests: feed it the bytes a program wrote to its pseudo-terminal and
 * read back the rows, as a terminal emulator would show them. It understands what Ink writes
 * (text, CR, LF, cursor up / next line / column, erase line, erase lines) and ignores styles and
 * modes. Every character is taken as one cell wide, as the console's glyphs are.
 *
 * Two behaviours of real terminals are kept because drawing code gets them wrong:
 * - a line feed on the bottom row scrolls the screen (counted in `scrolled`);
 * - after a character in the last column the cursor stays on that cell until the next character
 *   (pending wrap), so an erase to the end of the line then erases that last character.
 */
export class TerminalScreen {
  private readonly cells: string[][];
  private row = 0;
  private col = 0;
  private pendingWrap = false;
  /** Lines pushed off the top by a line feed on the bottom row. */
  scrolled = 0;

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    this.cells = Array.from({ length: rows }, () => this.blankRow());
  }

  /** The rows as text, trailing blanks trimmed. */
  lines(): string[] {
    return this.cells.map((cells) => cells.join("").trimEnd());
  }

  write(text: string): void {
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === "\u001b") {
        i = this.escape(text, i);
        continue;
      }
      i += 1;
      if (ch === "\r") this.moveTo(this.row, 0);
      else if (ch === "\n") this.lineFeed();
      else if (ch === "\u0007" || ch === "\b" || ch === "\t") continue;
      else this.put(ch);
    }
  }

  private put(ch: string): void {
    if (this.pendingWrap) {
      this.col = 0;
      this.lineFeed();
    }
    this.cells[this.row]![this.col] = ch;
    if (this.col === this.columns - 1) this.pendingWrap = true;
    else this.col += 1;
  }

  private lineFeed(): void {
    this.pendingWrap = false;
    if (this.row < this.rows - 1) {
      this.row += 1;
      return;
    }
    this.cells.shift();
    this.cells.push(this.blankRow());
    this.scrolled += 1;
  }

  private moveTo(row: number, col: number): void {
    this.row = Math.min(Math.max(row, 0), this.rows - 1);
    this.col = Math.min(Math.max(col, 0), this.columns - 1);
    this.pendingWrap = false;
  }

  /** One escape sequence starting at `start`; returns the index after it. */
  private escape(text: string, start: number): number {
    const kind = text[start + 1];
    if (kind === "]") {
      // OSC: up to BEL or ESC \.
      const bel = text.indexOf("\u0007", start);
      const st = text.indexOf("\u001b\\", start);
      const ends = [bel === -1 ? Infinity : bel + 1, st === -1 ? Infinity : st + 2];
      return Math.min(text.length, ...ends);
    }
    if (kind !== "[") return start + 2;
    let end = start + 2;
    while (end < text.length && !/[@-~]/.test(text[end]!)) end += 1;
    const params = text.slice(start + 2, end);
    this.csi(params, text[end] ?? "");
    return end + 1;
  }

  private csi(params: string, final: string): void {
    if (params.startsWith("?") || params.startsWith(">") || params.startsWith("=")) return; // modes
    const n = params === "" ? undefined : Number(params.split(";")[0]);
    switch (final) {
      case "A":
        this.moveTo(this.row - (n || 1), this.col);
        return;
      case "B":
        this.moveTo(this.row + (n || 1), this.col);
        return;
      case "E":
        this.moveTo(this.row + (n || 1), 0);
        return;
      case "F":
        this.moveTo(this.row - (n || 1), 0);
        return;
      case "G":
        this.moveTo(this.row, (n || 1) - 1);
        return;
      case "H": {
        const [r = 1, c = 1] = params.split(";").map((p) => Number(p) || 1);
        this.moveTo(r - 1, c - 1);
        return;
      }
      case "K":
        this.eraseInLine(n ?? 0);
        return;
      case "J":
        if ((n ?? 0) >= 2) for (let r = 0; r < this.rows; r++) this.cells[r] = this.blankRow();
        return;
      default:
        return; // SGR (m) and anything else leave the cells as they are
    }
  }

  /** 0: from the cursor (its own cell included) to the end; 1: from the start to it; 2: all. */
  private eraseInLine(mode: number): void {
    const cells = this.cells[this.row]!;
    const [from, to] =
      mode === 0 ? [this.col, this.columns] : mode === 1 ? [0, this.col + 1] : [0, this.columns];
    for (let c = from; c < to; c++) cells[c] = " ";
    this.pendingWrap = false;
  }

  private blankRow(): string[] {
    return Array.from({ length: this.columns }, () => " ");
  }
}
