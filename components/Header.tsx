import { Box, Text } from "ink";
import type { HeaderVM, Mode } from "../src/screen/viewModel.js";
import { padTo, textWidth, truncate } from "./text.js";
import { type Theme, toneColor } from "./theme.js";

export interface HeaderProps {
  header: HeaderVM;
  width: number;
  theme: Theme;
}

const MODE_TONE: Record<Mode, "accent" | "warn" | "bad"> = { SIM: "accent", DEMO: "warn", LIVE: "bad" };

/** Middle segments in the order they are dropped last to first when the line is too narrow. */
export function headerSegments(h: HeaderVM): string[] {
  const up = h.connections.filter((c) => c.state === "connected").length;
  const notUp = h.connections
    .filter((c) => c.state !== "connected" || c.noQuotes)
    .map((c) => `${c.name} ${c.state === "connected" ? "no quotes" : c.state}`);
  const conn = `conn ${up}/${h.connections.length} up${notUp.length ? ` (${notUp.join(", ")})` : ""}`;
  const { left, windowMs, lastsMs, blocked } = h.rateBudget;
  const lasts = lastsMs === undefined ? "" : ` lasts ${span(lastsMs)}`;
  // Not "0": no login has said yet, and none left would read as every request refused.
  const rate =
    left === undefined
      ? "budget —"
      : `budget ${count(left)}/${windowMs <= 60_000 ? "min" : "h"}${lasts}${blocked ? " BLOCKED" : ""}`;
  const latency = h.latency ? `copy p50 ${ms(h.latency.p50)} p99 ${ms(h.latency.p99)}` : "copy p50 — p99 —";
  return [conn, rate, latency];
}

/** Budgets left: 80, 4999, 99k, 1.0M (the simulator's budget is large and would crowd the line). */
export function count(n: number): string {
  if (!Number.isFinite(n)) return "∞";
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.floor(n / 1000)}k`;
  return String(n);
}

/** How long the budget lasts at the current pace: 42m, 2h05. */
export function span(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}`;
}

function ms(n: number): string {
  return n < 10 ? `${n.toFixed(1)}ms` : `${Math.round(n)}ms`;
}

/**
 * The text of the header line (after the mode badge), fitted to `room` columns. A trading-window
 * countdown (issue 16) goes right after the connections and outlasts the budget and latency: at
 * 80 columns it is what the trader must not miss.
 */
export function headerLine(h: HeaderVM, room: number): string {
  const clock = `${h.clockCT} CT`;
  const segments = headerSegments(h);
  const [conn = "", ...rest] = segments;
  const full = h.window === undefined ? segments : [conn, h.window, ...rest];
  const candidates =
    h.window === undefined
      ? [["mimik", ...full], full, full.slice(0, 2), full.slice(0, 1), []]
      : [["mimik", ...full], full, full.slice(0, 3), full.slice(0, 2), [h.window], []];
  for (const candidate of candidates) {
    const left = candidate.length ? ` ${candidate.join(" │ ")} ` : " ";
    if (textWidth(left) + textWidth(clock) <= room) return padTo(left, room - textWidth(clock)) + clock;
  }
  return (
    padTo(truncate(` ${segments[0] ?? ""}`, room - textWidth(clock) - 1), room - textWidth(clock)) + clock
  );
}

export function Header({ header, width, theme }: HeaderProps) {
  const badge = ` ${header.mode} `;
  const blocked = header.rateBudget.blocked;
  const down = header.connections.some((c) => c.state !== "connected" || c.noQuotes);
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text bold inverse color={toneColor(theme, MODE_TONE[header.mode])}>
          {badge}
        </Text>
        <Text color={toneColor(theme, blocked || down ? "bad" : undefined)}>
          {headerLine(header, Math.max(0, width - textWidth(badge)))}
        </Text>
      </Text>
    </Box>
  );
}
