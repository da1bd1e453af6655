import { Box, Text } from "ink";
import type { HelpRow } from "../src/screen/keymap.js";
import { padTo, truncate } from "./text.js";
import { type Theme, toneColor } from "./theme.js";

export interface HelpOverlayProps {
  rows: readonly HelpRow[];
  width: number;
  height: number;
  /** Lines scrolled past (help.scrollUp/Down). */
  offset?: number;
  theme: Theme;
}

export interface HelpLine {
  kind: "section" | "row";
  text: string;
  danger: boolean;
}

/** Section headings and one line per binding: "  f        Flatten+lock (y/N)". */
export function helpLines(rows: readonly HelpRow[]): HelpLine[] {
  const keyWidth = Math.min(15, Math.max(0, ...rows.map((r) => [...r.keys].length)) + 2);
  const out: HelpLine[] = [];
  let section = "";
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      out.push({ kind: "section", text: section, danger: false });
    }
    out.push({
      kind: "row",
      text: `  ${padTo(r.keys, keyWidth)}${r.label}${r.danger ? " (y/N)" : ""}`,
      danger: r.danger,
    });
  }
  return out;
}

/** Two columns from 80 wide so the whole list fits 80×24 with little or no scrolling. */
export function HelpOverlay({ rows, width, height, offset = 0, theme }: HelpOverlayProps) {
  const lines = helpLines(rows);
  const columns = width >= 80 ? 2 : 1;
  const colWidth = Math.floor((width - (columns - 1) * 2) / columns);
  const perColumn = Math.max(1, height - 1);
  const capacity = perColumn * columns;
  const start = Math.max(0, Math.min(offset, Math.max(0, lines.length - capacity)));
  const visible = lines.slice(start, start + capacity);
  const more = start + capacity < lines.length;
  const title = `Keys  ·  Esc/?/q close${start > 0 || more ? "  ·  ↑/↓ scroll" : ""}${more ? "  (more below)" : ""}`;
  const cols = Array.from({ length: columns }, (_, c) => visible.slice(c * perColumn, (c + 1) * perColumn));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold inverse wrap="truncate">
        {padTo(` ${title}`, width)}
      </Text>
      <Box flexDirection="row" height={perColumn}>
        {cols.map((col, c) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
          <Box key={c} flexDirection="column" width={colWidth} marginRight={c < columns - 1 ? 2 : 0}>
            {col.map((l, i) => (
              <Text
                // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional within a column
                key={i}
                wrap="truncate"
                bold={l.kind === "section"}
                underline={l.kind === "section"}
                color={toneColor(theme, l.danger ? "bad" : l.kind === "section" ? "accent" : undefined)}
              >
                {truncate(l.text, colWidth)}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
