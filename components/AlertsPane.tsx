import type { AlertLevel, AlertVM } from "../src/screen/viewModel.js";
import { type Column, placeColumns, type TableRow } from "./Table.js";
import { type PaneFrameProps, TablePane } from "./TablePane.js";
import { textWidth, wrapWords } from "./text.js";
import type { Tone } from "./theme.js";

export interface AlertsPaneProps extends PaneFrameProps {
  /** Newest first. */
  alerts: readonly AlertVM[];
}

const COLUMNS: Column[] = [
  { key: "time", title: "time", width: 8 },
  { key: "level", title: "lvl", width: 4 },
  { key: "text", title: "locks & alerts", flex: 1 },
];

export const LEVEL: Record<AlertLevel, { text: string; tone: Tone }> = {
  info: { text: "info", tone: "muted" },
  warn: { text: "WARN", tone: "warn" },
  error: { text: "ERR!", tone: "bad" },
};

/**
 * One line per alert. With `open` (the pane focused), the selected alert is said in full: its
 * text wraps onto lines under it, in its column. At 80 columns the column holds some 29
 * characters, and "DEMO2001: flat, LOCKED (dail…" was all there was of a lock's reason.
 */
export function alertRows(
  alerts: readonly AlertVM[],
  open?: { selected: number; width: number },
): TableRow[] {
  const rows: TableRow[] = alerts.map((a) => ({
    key: a.id,
    cells: { time: a.time, level: LEVEL[a.level], text: a.text },
  }));
  const a = open && alerts[open.selected];
  const column = open && placeColumns(COLUMNS, open.width).find((c) => c.key === "text");
  if (!open || !a || !column || column.w <= 0 || textWidth(a.text) <= column.w) return rows;
  const [first = "", ...more] = wrapWords(a.text, column.w);
  const indent = " ".repeat(Math.max(0, column.at - 1));
  const rest: TableRow[] = more.map((part, i) => ({
    key: `${a.id}/${i}`,
    cells: {},
    line: { text: `${indent}${part}` },
  }));
  const row = rows[open.selected] as TableRow;
  return [
    ...rows.slice(0, open.selected),
    { ...row, cells: { ...row.cells, text: first } },
    ...rest,
    ...rows.slice(open.selected + 1),
  ];
}

export function AlertsPane({ alerts, selected, ...frame }: AlertsPaneProps) {
  const rows = alertRows(alerts, frame.focused ? { selected, width: frame.width } : undefined);
  return (
    <TablePane
      title="Locks & alerts"
      info={`${alerts.length}`}
      columns={COLUMNS}
      rows={rows}
      selectedLine={alerts.length ? selected : undefined}
      selectedThrough={alerts.length ? selected + rows.length - alerts.length : undefined}
      emptyText="all quiet"
      {...frame}
    />
  );
}
