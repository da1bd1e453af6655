import type { CopyOutcomeVM, FillRowVM } from "../src/screen/viewModel.js";
import type { Column, TableRow } from "./Table.js";
import { type PaneFrameProps, TablePane } from "./TablePane.js";
import type { Tone } from "./theme.js";

export interface FillsPaneProps extends PaneFrameProps {
  /** Newest first. */
  fills: readonly FillRowVM[];
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
  shadow: { text: "◇ shadow", tone: "muted" },
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
      cells:
        f.resync === undefined
          ? {
              time: f.time,
              who: { text: f.leader, tone: "accent" },
              what: {
                text: `${f.side === "Buy" ? "BUY" : "SELL"} ${f.qty}`,
                tone: f.side === "Buy" ? "ok" : "bad",
              },
              detail: `${f.contract} @ ${f.price}`,
            }
          : // A re-sync: the exits it made up for the followers are listed under it.
            {
              time: f.time,
              who: { text: f.leader, tone: "accent" },
              what: { text: "↻ RE-SYNC", tone: "warn" },
              detail: f.resync,
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

export function FillsPane({ fills, selected, ...frame }: FillsPaneProps) {
  const { rows, firstLineOf } = fillLines(fills);
  return (
    <TablePane
      title="Live fills"
      info={`${fills.length}`}
      columns={COLUMNS}
      rows={rows}
      selectedLine={firstLineOf[selected]}
      emptyText="waiting for the leader's first fill"
      {...frame}
    />
  );
}
