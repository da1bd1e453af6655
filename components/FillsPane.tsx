import type { CopyOutcomeVM, FillRowVM } from "../src/ui/viewModel.js";
import { Pane } from "./Pane.js";
import { type Column, Table, type TableRow } from "./Table.js";
import type { Theme, Tone } from "./theme.js";

export interface FillsPaneProps {
  /** Newest first. */
  fills: readonly FillRowVM[];
  selected: number;
  focused: boolean;
  width: number;
  height: number;
  theme: Theme;
}

const COLUMNS: Column[] = [
  { key: "time", title: "time", width: 8 },
  { key: "who", title: "account", width: 16 },
  { key: "what", title: "result", width: 10 },
  { key: "detail", title: "detail", flex: 1 },
  { key: "latency", title: "latency", width: 8, align: "right" },
];

/** A word and a symbol per outcome; REJECTED in capitals so it stands out without colour. */
export const OUTCOME: Record<CopyOutcomeVM, { text: string; tone: Tone }> = {
  sent: { text: "→ sent", tone: "accent" },
  accepted: { text: "→ accepted", tone: "accent" },
  filled: { text: "✓ filled", tone: "ok" },
  skipped: { text: "- skipped", tone: "muted" },
  rejected: { text: "✗ REJECTED", tone: "bad" },
};

export function latencyText(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "";
  return ms < 10 ? `${ms.toFixed(1)}ms` : `${Math.round(ms)}ms`;
}

/** One line per leader fill, then one per follower result under it. */
export function fillLines(fills: readonly FillRowVM[]): { rows: TableRow[]; firstLineOf: number[] } {
  const rows: TableRow[] = [];
  const firstLineOf: number[] = [];
  for (const f of fills) {
    firstLineOf.push(rows.length);
    rows.push({
      key: `${f.id}`,
      cells: {
        time: f.time,
        who: { text: f.leader, tone: "accent" },
        what: {
          text: `${f.side === "Buy" ? "BUY" : "SELL"} ${f.qty}`,
          tone: f.side === "Buy" ? "ok" : "bad",
        },
        detail: `${f.contract} @ ${f.price}`,
      },
    });
    f.results.forEach((r, i) => {
      const o = OUTCOME[r.outcome];
      rows.push({
        key: `${f.id}/${i}/${r.follower}`,
        cells: {
          who: `${i === f.results.length - 1 ? "└" : "├"} ${r.follower}`,
          what: o,
          detail: r.reason,
          latency: latencyText(r.latencyMs),
        },
      });
    });
  }
  return { rows, firstLineOf };
}

export function FillsPane({ fills, selected, focused, width, height, theme }: FillsPaneProps) {
  const { rows, firstLineOf } = fillLines(fills);
  const line = firstLineOf[selected];
  return (
    <Pane
      title="Live fills"
      info={`${fills.length}`}
      focused={focused}
      width={width}
      height={height}
      theme={theme}
    >
      <Table
        columns={COLUMNS}
        rows={rows}
        width={width}
        height={height - 1}
        selected={line}
        focused={focused}
        theme={theme}
        emptyText="waiting for the leader's first fill"
      />
    </Pane>
  );
}
