import type { AlertLevel, AlertVM } from "../src/screen/viewModel.js";
import type { Column, TableRow } from "./Table.js";
import { type PaneFrameProps, TablePane } from "./TablePane.js";
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

export function alertRows(alerts: readonly AlertVM[]): TableRow[] {
  return alerts.map((a) => ({
    key: a.id,
    cells: { time: a.time, level: LEVEL[a.level], text: a.text },
  }));
}

export function AlertsPane({ alerts, selected, ...frame }: AlertsPaneProps) {
  return (
    <TablePane
      title="Locks & alerts"
      info={`${alerts.length}`}
      columns={COLUMNS}
      rows={alertRows(alerts)}
      selectedLine={alerts.length ? selected : undefined}
      emptyText="all quiet"
      {...frame}
    />
  );
}
