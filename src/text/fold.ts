/**
 * Lines folded at spaces to a terminal's width, each continuation indented 4 past its line's own
 * indent: the terminal's own wrap cut `mimik status` and `mimik log` lines mid-word at column 80,
 * flush left under the account names. A word longer than the room is left whole (a path): the
 * terminal wraps it.
 */
export function fitLines(lines: readonly string[], width: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const indent = line.length - line.trimStart().length;
    const hang = " ".repeat(Math.min(indent + 4, Math.max(0, width - 20)));
    let current = line.slice(0, indent);
    let gap = "";
    let empty = true;
    // Each word with the spaces after it, so the double spaces between a row's columns stay.
    for (const [, word = "", spaces = ""] of line.slice(indent).matchAll(/(\S+)(\s*)/g)) {
      if (empty) current += word;
      else if (current.length + gap.length + word.length <= width) current += gap + word;
      else {
        out.push(current);
        current = hang + word;
      }
      empty = false;
      gap = spaces;
    }
    out.push(current);
  }
  return out;
}

/** The width to fold a command's output to: a terminal's, or none (a pipe keeps one line per thing). */
export function terminalColumns(stdout: unknown, isTTY: boolean): number | undefined {
  const columns = (stdout as { columns?: unknown }).columns;
  return isTTY && typeof columns === "number" && columns > 0 ? columns : undefined;
}
