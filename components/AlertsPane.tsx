import type { AlertLevel, AlertVM } from "../src/ui/viewModel.js";
import { Pane } from "./Pane.js";
import { type Column, Table, type TableRow } from "./Table.js";
import type { Theme, Tone } from "./theme.js";

export interface AlertsPaneProps {
  /** Newest first. */
  alerts: readonly AlertVM[];
  selected: number;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
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

export function AlertsPane({ alerts, selected, focused, width, height, theme }: AlertsPaneProps) {
  return (
    <Pane
      title="Locks & alerts"
      info={`${alerts.length}`}
      focused={focused}
      width={width}
      height={height}
      theme={theme}
    >
      <Table
        columns={COLUMNS}
        rows={alertRows(alerts)}
        width={width}
        height={height - 1}
        selected={alerts.length ? selected : undefined}
        focused={focused}
        theme={theme}
        emptyText="all quiet"
      />
    </Pane>
  );
}
