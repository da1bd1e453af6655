import type { CopyOutcomeVM, FillRowVM, Lines } from "../src/screen/viewModel.js";
import type { Column, TableRow } from "./Table.js";
import { type PaneFrameProps, TablePane } from "./TablePane.js";
import type { Tone } from "./theme.js";

export interface FillsPaneProps extends PaneFrameProps {
  /** Newest first. */
  fills: readonly FillRowVM[];
}

const COLUMNS: Column[] = [
  { key: "time", title: "time", width: 8 },
  { key: "who", title: "account", width: 16, cut: "middle" },
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
  // Not a skip a trader need look at: the follower's own order (placed with the leader's) answers it.
  mirrored: { text: "↔ mirror", tone: "accent" },
  rejected: { text: "✗ REJECTED", tone: "bad" },
  shadow: { text: "◇ shadow", tone: "muted" },
};

export function latencyText(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return "";
  return ms < 10 ? `${ms.toFixed(1)}ms` : `${Math.round(ms)}ms`;
}

/**
 * One line per leader fill, then one per follower result under it. At 200 followers that is
 * some 10 000 lines for the 50 fills kept, of which a pane shows a few dozen: each is made only
 * when the table reads it.
 */
export function fillLines(fills: readonly FillRowVM[]): { rows: Lines<TableRow>; firstLineOf: number[] } {
  const firstLineOf: number[] = [];
  let length = 0;
  for (const f of fills) {
    firstLineOf.push(length);
    length += 1 + f.results.length;
  }
  const at = (line: number): TableRow | undefined => {
    if (line < 0 || line >= length) return undefined;
    const index = lastAtOrBefore(firstLineOf, line);
    const f = fills[index];
    if (!f) return undefined;
    const i = line - (firstLineOf[index] ?? 0) - 1;
    return i < 0 ? fillRow(f) : resultRow(f, i);
  };
  return { rows: { length, at }, firstLineOf };
}

function fillRow(f: FillRowVM): TableRow {
  return {
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
  };
}

function resultRow(f: FillRowVM, i: number): TableRow | undefined {
  const r = f.results.at(i);
  if (!r) return undefined;
  return {
    key: `${f.id}/${i}/${r.follower}`,
    cells: {
      who: `${i === f.results.length - 1 ? "└" : "├"} ${r.follower}`,
      what: OUTCOME[r.outcome],
      detail: r.reason,
      latency: latencyText(r.latencyMs),
    },
  };
}

/** The index of the last start at or before `line` (starts ascending, the first 0). */
function lastAtOrBefore(starts: readonly number[], line: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= line) lo = mid;
    else hi = mid - 1;
  }
  return lo;
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
      // Its results come into view with it (as many as the pane holds), not cut off below.
      selectedThrough={(firstLineOf[selected + 1] ?? rows.length) - 1}
      emptyText="waiting for the leader's first fill"
      {...frame}
    />
  );
}
