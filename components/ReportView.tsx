/**
 * The day per follower: trades, net P&L with a sparkline of how it got there, copy slippage, and
 * what copying did (copies, fills its own mirror answered, skips, rejects, latency, locks). Props only: the view model comes from
 * src/report/viewModel.ts (reportViewModel), built from the same Report as `mimik report`.
 */
import { Box, Text } from "ink";
import { sparkline } from "../src/report/sparkline.js";
import type { ReportRowVM, ReportViewModel } from "../src/report/viewModel.js";
import { Pane } from "./Pane.js";
import { type Column, placeColumns, Table, type TableRow } from "./Table.js";
import { money, truncate } from "./text.js";
import { type Theme, type Tone, toneColor } from "./theme.js";

export interface ReportViewProps {
  view: ReportViewModel;
  /** Index into view.rows of the selected row. */
  selected: number;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
}

const COLUMNS: Column[] = [
  { key: "name", title: "follower", flex: 2, cut: "middle" },
  { key: "trades", title: "trades", width: 6, align: "right" },
  { key: "wl", title: "won/lost", width: 8, align: "right", minTableWidth: 90 },
  { key: "pnl", title: "net P&L", width: 9, align: "right" },
  { key: "spark", title: "P&L today", flex: 1 },
  { key: "slip", title: "slip t", width: 6, align: "right" },
  { key: "copies", title: "copies", width: 6, align: "right" },
  { key: "mirror", title: "mirror", width: 6, align: "right" },
  { key: "skips", title: "skips", width: 5, align: "right" },
  { key: "rej", title: "rej", width: 3, align: "right" },
  { key: "p99", title: "p99 ms", width: 6, align: "right", minTableWidth: 100 },
  { key: "locks", title: "locks", width: 5, align: "right", minTableWidth: 100 },
];

const DASH = "—";
const n = (x: number | undefined) => (x === undefined ? DASH : String(x));

function pnlTone(pnl: number | undefined): Tone | undefined {
  return pnl === undefined || pnl === 0 ? undefined : pnl > 0 ? "ok" : "bad";
}

export function reportRows(rows: readonly ReportRowVM[], sparkWidth: number): TableRow[] {
  return rows.map((r) => ({
    key: r.key,
    tone: r.total ? "muted" : undefined,
    cells: {
      name: r.name,
      trades: n(r.trades),
      wl: r.wins === undefined ? DASH : `${r.wins}/${r.losses ?? 0}`,
      pnl: { text: money(r.netPnl, true), tone: pnlTone(r.netPnl) },
      spark: { text: sparkline(r.curve, sparkWidth), tone: pnlTone(r.netPnl) },
      slip: {
        text: r.slipTicks === undefined ? DASH : `${r.slipTicks > 0 ? "+" : ""}${r.slipTicks.toFixed(1)}`,
        tone: r.slipTicks !== undefined && r.slipTicks > 0 ? "warn" : undefined,
      },
      copies: String(r.copies),
      mirror: String(r.mirrored),
      skips: String(r.skipped),
      rej: { text: String(r.rejected), tone: r.rejected > 0 ? "bad" : undefined },
      p99: r.latencyP99 === undefined ? DASH : r.latencyP99.toFixed(1),
      locks: { text: String(r.locks), tone: r.locks > 0 ? "bad" : undefined },
    },
  }));
}

export function ReportView({ view, selected, focused, width, height, theme }: ReportViewProps) {
  const sparkWidth = placeColumns(COLUMNS, width).find((c) => c.key === "spark")?.w ?? 0;
  // The last line: what was left out and why, or else what the slippage column means.
  const footer = view.notes[0] ?? "slip t: ticks per contract against the leader's fill (+ is a cost)";
  return (
    <Pane title={view.title} info={view.source} focused={focused} width={width} height={height} theme={theme}>
      <Box flexDirection="column" height={height - 1}>
        <Table
          columns={COLUMNS}
          rows={reportRows(view.rows, sparkWidth)}
          width={width}
          height={Math.max(1, height - 2)}
          selected={view.rows.length ? selected : undefined}
          focused={focused}
          theme={theme}
          emptyText="no followers to report"
        />
        <Text wrap="truncate" color={toneColor(theme, "muted")}>
          {truncate(` ${footer}`, width)}
        </Text>
      </Box>
    </Pane>
  );
}
