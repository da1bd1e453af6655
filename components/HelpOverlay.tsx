import { Box, Text } from "ink";
import { type HelpRow, helpLines } from "../src/screen/keymap.js";
import { helpPage } from "../src/screen/layout.js";
import { padTo, textWidth, truncate } from "./text.js";
import { type Theme, toneColor } from "./theme.js";

export interface HelpOverlayProps {
  rows: readonly HelpRow[];
  width: number;
  height: number;
  /** Lines scrolled past (help.scrollUp/Down). */
  offset?: number;
  theme: Theme;
}

interface HelpText {
  kind: "section" | "row";
  text: string;
  danger: boolean;
}

/**
 * The key column's width. One long key ("n/N/Esc/Enter") set it for every row once, and at 80
 * columns "Flatten+lock group (y/N)" lost its "(y/N)": a longer key now takes its own room.
 */
const KEY_WIDTH = 9;

/** Section headings and one line per binding: "  f        Flatten+lock (y/N)". */
export function helpTexts(rows: readonly HelpRow[]): HelpText[] {
  const keyWidth = Math.min(KEY_WIDTH, Math.max(0, ...rows.map((r) => textWidth(r.keys))) + 2);
  const keys = (k: string) =>
    textWidth(k) < keyWidth ? padTo(k, keyWidth) : `${truncate(k, 2 * keyWidth)} `;
  return helpLines(rows).map((l) =>
    l.kind === "section"
      ? { kind: "section", text: l.section, danger: false }
      : {
          kind: "row",
          text: `  ${keys(l.row.keys)}${l.row.label}${l.row.danger ? " (y/N)" : ""}`,
          danger: l.row.danger,
        },
  );
}

/** Columns side by side (helpPage) so the whole list fits 80×24 with little or no scrolling. */
export function HelpOverlay({ rows, width, height, offset = 0, theme }: HelpOverlayProps) {
  const lines = helpTexts(rows);
  const { columns, perColumn, capacity } = helpPage(width, height);
  const colWidth = Math.floor((width - (columns - 1) * 2) / columns);
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
