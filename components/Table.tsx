/**
 * A dense table of our own, fed by a column spec. Why not ink-table: ink-table 3 is CommonJS
 * requiring Ink's ESM graph, which has top-level await, so it cannot load under Ink 4+
 * (ERR_REQUIRE_ASYNC_MODULE); its ESM fork @alcalzone/ink-table renders under Ink 6 but draws
 * a rule between every row, which halves what an 80×24 pane can show. Here every row is one
 * line, every cell is cut to its column width, and the whole line to the table width, so no
 * row can ever wrap and push the frame past the terminal.
 */
import { Box, Text } from "ink";
import type { Lines } from "../src/screen/viewModel.js";
import { padTo, textWidth, truncate, truncateMiddle, windowStart } from "./text.js";
import { type Theme, type Tone, toneColor } from "./theme.js";

export interface Column {
  key: string;
  title: string;
  /** Fixed width in columns. */
  width?: number;
  /** Share of the space left after fixed columns (default 0). */
  flex?: number;
  align?: "left" | "right";
  /** Dropped when the table is narrower than this (extra detail for wide terminals). */
  minTableWidth?: number;
  /** "middle": a text too long keeps its start and its end (account names differ at the end). */
  cut?: "middle";
}

export interface Cell {
  text: string;
  tone?: Tone | undefined;
}

export interface TableRow {
  key: string;
  cells: Record<string, string | Cell>;
  /** Tone for cells that have none of their own. */
  tone?: Tone | undefined;
  /** A detail line under a row: one text across the columns instead of cells. */
  line?: Cell | undefined;
}

export interface TableProps {
  columns: readonly Column[];
  /** An array, or lines made only when the table reads them (only those it shows). */
  rows: Lines<TableRow>;
  width: number;
  /** Lines including the header line. */
  height: number;
  /** Index into rows of the selected row, if any. */
  selected?: number | undefined;
  /** The last line of the selected row's block (its detail lines), kept in view with it. */
  selectedThrough?: number | undefined;
  /** Whether the pane has focus: the selected row is drawn inverse only then. */
  focused?: boolean;
  theme: Theme;
  emptyText?: string;
}

export interface PlacedColumn extends Column {
  at: number;
  w: number;
}

/** Column widths for a table width: fixed first, flex shares the rest, one space between. */
export function placeColumns(columns: readonly Column[], width: number): PlacedColumn[] {
  const shown = columns.filter((c) => !c.minTableWidth || width >= c.minTableWidth);
  const gutter = 1;
  const seps = Math.max(0, shown.length - 1);
  const fixed = shown.reduce((s, c) => s + (c.flex ? 0 : (c.width ?? 0)), 0);
  const flexTotal = shown.reduce((s, c) => s + (c.flex ?? 0), 0);
  const room = Math.max(0, width - gutter - seps - fixed);
  let left = room;
  const placed: PlacedColumn[] = [];
  let at = gutter;
  let flexSeen = 0;
  for (const c of shown) {
    let w = c.width ?? 0;
    if (c.flex) {
      flexSeen += c.flex;
      // The last flex column takes the remainder so rounding never leaves a gap.
      w = flexSeen === flexTotal ? left : Math.floor((room * c.flex) / flexTotal);
      left -= w;
    }
    placed.push({ ...c, at, w });
    at += w + 1;
  }
  return placed;
}

function cellOf(row: TableRow, key: string): Cell {
  const c = row.cells[key];
  if (c === undefined) return { text: "" };
  return typeof c === "string" ? { text: c, tone: row.tone } : { text: c.text, tone: c.tone ?? row.tone };
}

/** "↑2 ↓3": rows out of view above and below the window, so none is hidden without a word. */
export function scrollMarks(start: number, shown: number, total: number): string {
  const below = total - start - shown;
  return [start > 0 ? `↑${start}` : "", below > 0 ? `↓${below}` : ""].filter(Boolean).join(" ");
}

/**
 * The header with the marks at its right end, beside its titles. Where they do not fit there
 * (the followers' header at 80 columns had no room for "↑1 ↓2" and showed neither, a follower
 * scrolled off without a word), they go in the widest gap between two titles ("detail ↓13"),
 * written closer if need be; only failing that, over the last title's end.
 */
export function withScrollMarks(header: string, marks: string, width: number): string {
  if (marks === "") return truncate(header, width);
  const titles = header.trimEnd();
  const close = marks.replace(" ", "");
  for (const m of [marks, close]) {
    const room = width - textWidth(m) - 1;
    if (textWidth(titles) <= room) return `${padTo(titles, room)} ${m}`;
  }
  if (textWidth(titles) <= width && titles.length === textWidth(titles)) {
    // The widest run of spaces after the first title: the marks one space after the title before it.
    let gap = { at: 0, length: 0 };
    for (const g of titles.matchAll(/\S( +)(?=\S)/g))
      if ((g[1]?.length ?? 0) > gap.length) gap = { at: (g.index ?? 0) + 1, length: g[1]?.length ?? 0 };
    for (const m of [marks, close]) {
      const w = textWidth(m);
      if (gap.length >= w + 2) return `${titles.slice(0, gap.at + 1)}${m}${titles.slice(gap.at + 1 + w)}`;
    }
  }
  return `${truncate(titles, width - textWidth(close) - 1)} ${close}`;
}

export function Table({
  columns,
  rows,
  width,
  height,
  selected,
  selectedThrough,
  focused,
  theme,
  emptyText,
}: TableProps) {
  const placed = placeColumns(columns, width);
  const bodyHeight = Math.max(0, height - 1);
  const start = windowStart(rows.length, selected ?? 0, bodyHeight, selectedThrough);
  const visible: TableRow[] = [];
  for (let i = start; i < Math.min(rows.length, start + bodyHeight); i++) {
    const row = rows.at(i);
    if (row) visible.push(row);
  }
  const header = withScrollMarks(
    ` ${placed.map((c) => padTo(c.title, c.w, c.align)).join(" ")}`,
    scrollMarks(start, visible.length, rows.length),
    width,
  );
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold wrap="truncate" color={toneColor(theme, "muted")}>
        {header}
      </Text>
      {rows.length === 0 && emptyText ? (
        <Text wrap="truncate" color={toneColor(theme, "muted")}>
          {truncate(` ${emptyText}`, width)}
        </Text>
      ) : null}
      {visible.map((row, i) => {
        const isSelected = selected !== undefined && start + i === selected;
        return (
          <TableLine
            key={row.key}
            row={row}
            placed={placed}
            width={width}
            selected={isSelected}
            focused={focused ?? false}
            theme={theme}
          />
        );
      })}
    </Box>
  );
}

interface TableLineProps {
  row: TableRow;
  placed: PlacedColumn[];
  width: number;
  selected: boolean;
  focused: boolean;
  theme: Theme;
}

function TableLine({ row, placed, width, selected, focused, theme }: TableLineProps) {
  // Cells are laid out as text on one line; the line as a whole is cut to the table width.
  let used = 0;
  const parts: { text: string; tone: Tone | undefined }[] = [];
  const push = (text: string, tone: Tone | undefined) => {
    const t = truncate(text, width - used);
    used += textWidth(t);
    if (t) parts.push({ text: t, tone });
  };
  push(selected ? "›" : " ", undefined);
  if (row.line) push(row.line.text, row.line.tone ?? row.tone);
  else
    placed.forEach((c, i) => {
      const cell = cellOf(row, c.key);
      const text = c.cut === "middle" ? truncateMiddle(cell.text, c.w) : cell.text;
      push(padTo(text, c.w, c.align) + (i < placed.length - 1 ? " " : ""), cell.tone);
    });
  return (
    <Text wrap="truncate" inverse={selected && focused} bold={selected}>
      {parts.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: parts are positional cells of one line
        <Text key={i} color={toneColor(theme, p.tone)}>
          {p.text}
        </Text>
      ))}
    </Text>
  );
}
