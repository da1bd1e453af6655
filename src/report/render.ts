import { fitLines } from "../text/fold.js";
import type { FollowerReport, GroupReport, Report } from "./build.js";
import type { CopyStats } from "./journalFacts.js";
import type { SlippageStats } from "./slippage.js";
import type { TradeStats } from "./trades.js";

/**
 * The report as text for a terminal (a table per group) and as CSV (one row per account). JSON is
 * the Report itself. Unknown numbers (no broker, no fees) are "—" in the table and empty in CSV,
 * never 0: zero fees and unreported fees are different facts.
 */

const DASH = "—";

export function money(n: number | undefined): string {
  if (n === undefined) return DASH;
  const text = Math.abs(n).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return n > 0 ? `+${text}` : n < 0 ? `-${text}` : text;
}

/** A cost, always shown unsigned. */
const amount = (n: number | undefined) => (n === undefined ? DASH : money(Math.abs(n)).replace(/^\+/, ""));
const ms = (n: number | undefined) => (n === undefined ? DASH : n < 10 ? n.toFixed(2) : n.toFixed(1));
const ticks = (n: number | undefined) => (n === undefined ? DASH : `${n > 0 ? "+" : ""}${n.toFixed(2)}`);
const count = (n: number | undefined) => (n === undefined ? DASH : String(n));
const who = (a: { account: string; label?: string | undefined; shadow?: true | undefined }) =>
  `${a.label ? `${a.label} ${a.account}` : a.account}${a.shadow ? " (shadow)" : ""}`;

interface Col {
  title: string;
  cell: (row: Row) => string;
}

interface Row {
  name: string;
  copy: CopyStats | undefined;
  trading: TradeStats | undefined;
  slippage: SlippageStats | undefined;
}

// Two tables of figures, not one: all fourteen in a row made the table about 120 columns wide, and
// over SSH at 80 the terminal wrapped every row mid-number, the figures no longer under their titles.
const COPYING: Col[] = [
  { title: "copies", cell: (r) => count(r.copy?.copies) },
  { title: "filled", cell: (r) => count(r.copy?.filled) },
  { title: "mirror", cell: (r) => count(r.copy?.mirrored) },
  { title: "skips", cell: (r) => count(r.copy?.skipped) },
  { title: "rejects", cell: (r) => count(r.copy?.rejected) },
  { title: "p50 ms", cell: (r) => ms(r.copy?.latencyP50) },
  { title: "p99 ms", cell: (r) => ms(r.copy?.latencyP99) },
];

const TRADING: Col[] = [
  { title: "trades", cell: (r) => count(r.trading?.trades) },
  { title: "won", cell: (r) => count(r.trading?.wins) },
  { title: "gross", cell: (r) => money(r.trading?.grossPnl) },
  { title: "fees", cell: (r) => amount(r.trading?.fees) },
  { title: "net P&L", cell: (r) => money(r.trading?.netPnl) },
  { title: "slip t/ct", cell: (r) => ticks(r.slippage?.ticksPerContract) },
  { title: "slip $", cell: (r) => money(r.slippage?.dollars) },
];

const TABLES = [
  { title: "copying", cols: COPYING },
  { title: "trading", cols: TRADING },
];

const len = (text: string) => [...text].length;

/**
 * The group's tables, names in a column as wide as the longest name, or as `width` leaves beside
 * the figures: a longer name gets a line of its own, its figures on the next under their titles.
 */
export function tables(rows: readonly Row[], width?: number): string[] {
  const built = TABLES.map(({ title, cols }) => {
    const cells = rows.map((r) => cols.map((c) => c.cell(r)));
    const widths = cols.map((c, i) => Math.max(len(c.title), ...cells.map((row) => len(row[i]!))));
    const figures = (parts: string[]) => parts.map((p, i) => `  ${p.padStart(widths[i]!)}`).join("");
    return { title, head: figures(cols.map((c) => c.title)), rows: cells.map(figures) };
  });
  const titles = Math.max(...built.map((t) => len(t.title)));
  const longest = Math.max(titles, ...rows.map((r) => len(r.name)));
  const room = width === undefined ? longest : width - 1 - Math.max(...built.map((t) => len(t.head)));
  const nameWidth = Math.max(titles, Math.min(longest, room));
  const pad = (name: string) => name + " ".repeat(Math.max(0, nameWidth - len(name)));
  const lines: string[] = [];
  for (const t of built) {
    lines.push(` ${pad(t.title)}${t.head}`);
    t.rows.forEach((figures, i) => {
      const name = rows[i]!.name;
      if (len(name) <= nameWidth) lines.push(` ${pad(name)}${figures}`);
      else lines.push(` ${name}`, ` ${pad("")}${figures}`);
    });
  }
  return lines.map((l) => l.trimEnd());
}

function tallyText(tally: Record<string, number>): string {
  return Object.entries(tally)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
}

function rangeText(report: Report): string {
  const days =
    report.from === report.to ? `trading day ${report.from}` : `trading days ${report.from} to ${report.to}`;
  return `${days} (from 17:00 CT the day before ${report.from} to 17:00 CT ${report.to})`;
}

function sourceText(report: Report): string {
  if (report.source === "journal")
    return "copies, skips and latency from the journal; P&L and slippage need the broker's fills (not read, see below)";
  const unreported = report.feesUnreported.length ? ` for ${report.feesUnreported.join(", ")}` : "";
  return `trades and P&L as the broker confirms them; fees: ${report.feesReported ? "as the broker charged them" : `not reported by the broker${unreported}`}`;
}

function leaderLine(group: GroupReport): string {
  const t = group.leader.trading;
  // Without dollars (journal only) a trade can be counted but not called won or lost.
  const won = t?.netPnl !== undefined ? ` (${t.wins} won)` : "";
  const trades = t ? `, ${t.trades} trade${t.trades === 1 ? "" : "s"}${won}` : "";
  const pnl = t?.netPnl !== undefined ? `, net P&L ${money(t.netPnl)}` : "";
  return `group ${group.name} · leader ${who(group.leader)}: ${group.leader.leaderFills} fill${group.leader.leaderFills === 1 ? "" : "s"}${trades}${pnl}`;
}

/**
 * `width`: a terminal's columns. The tables are laid out to fit it and the lines in words folded
 * at spaces as `mimik status` and `mimik log` fold theirs; undefined (a pipe), one line per thing.
 */
export function renderText(report: Report, width?: number): string {
  const lines = [`mimik report: ${rangeText(report)}`, sourceText(report)];
  for (const group of report.groups) {
    lines.push("", leaderLine(group));
    const rows: Row[] = group.followers.map((f) => ({ name: who(f), ...f }));
    if (group.followers.length > 1) rows.push({ name: "all followers", ...group.total });
    lines.push(...(group.followers.length ? tables(rows, width) : [" no followers"]));
    const skips = group.followers.filter((f) => f.copy.skipped > 0);
    const rejects = group.followers.filter((f) => f.copy.rejected > 0);
    for (const f of skips) lines.push(` skips   ${who(f)}: ${tallyText(f.copy.skips)}`);
    for (const f of rejects) lines.push(` rejects ${who(f)}: ${tallyText(f.copy.rejects)}`);
    for (const f of group.followers.filter((x) => x.copy.locks > 0))
      lines.push(` locked  ${who(f)}: ${f.copy.locks} time${f.copy.locks === 1 ? "" : "s"}`);
  }
  if (report.groups.length === 0) lines.push("", "nothing to report: no groups in the config or the journal");
  for (const note of report.notes) lines.push(`note: ${note}`);
  return (width === undefined ? lines : fitLines(lines, width)).join("\n");
}

// ---------------------------------------------------------------------------------------------
// CSV

const CSV_COLUMNS = [
  "from",
  "to",
  "group",
  "role",
  "account",
  "label",
  "copies",
  "filled",
  "skipped",
  "skip_reasons",
  "rejected",
  "reject_reasons",
  "latency_p50_ms",
  "latency_p99_ms",
  "locks",
  "fills",
  "trades",
  "wins",
  "losses",
  "gross_pnl",
  "fees",
  "net_pnl",
  "slip_fills",
  "slip_contracts",
  "slip_ticks_per_contract",
  "slip_dollars_per_contract",
  "slip_dollars",
  // Last: a script that reads the columns by position reads the ones before it as it did.
  "mirrored",
] as const;

type CsvRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number | undefined>>;

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return "";
  // A spreadsheet runs text starting with one of these as a formula (a label like
  // `=HYPERLINK(…)` would); the leading ' keeps it text. Numbers are left as numbers.
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const reasons = (tally: Record<string, number>) =>
  Object.entries(tally)
    .map(([r, n]) => `${r}=${n}`)
    .join("; ");

function statsCells(
  copy: CopyStats | undefined,
  trading: TradeStats | undefined,
  slip: SlippageStats | undefined,
): CsvRow {
  return {
    copies: copy?.copies,
    filled: copy?.filled,
    mirrored: copy?.mirrored,
    skipped: copy?.skipped,
    skip_reasons: copy ? reasons(copy.skips) : undefined,
    rejected: copy?.rejected,
    reject_reasons: copy ? reasons(copy.rejects) : undefined,
    latency_p50_ms: copy?.latencyP50,
    latency_p99_ms: copy?.latencyP99,
    locks: copy?.locks,
    fills: trading?.fills,
    trades: trading?.trades,
    wins: trading?.wins,
    losses: trading?.losses,
    gross_pnl: trading?.grossPnl,
    fees: trading?.fees,
    net_pnl: trading?.netPnl,
    slip_fills: slip?.matched,
    slip_contracts: slip?.contracts,
    slip_ticks_per_contract: slip?.ticksPerContract,
    slip_dollars_per_contract: slip?.dollarsPerContract,
    slip_dollars: slip?.dollars,
  };
}

export function renderCsv(report: Report): string {
  const rows: CsvRow[] = [];
  const base = { from: report.from, to: report.to };
  for (const g of report.groups) {
    rows.push({
      ...base,
      group: g.name,
      role: "leader",
      account: g.leader.account,
      label: g.leader.label,
      ...statsCells(undefined, g.leader.trading, undefined),
    });
    for (const f of g.followers as FollowerReport[])
      rows.push({
        ...base,
        group: g.name,
        role: "follower",
        account: f.account,
        label: f.label,
        ...statsCells(f.copy, f.trading, f.slippage),
      });
    rows.push({
      ...base,
      group: g.name,
      role: "followers total",
      ...statsCells(g.total.copy, g.total.trading, g.total.slippage),
    });
  }
  return [CSV_COLUMNS.join(","), ...rows.map((r) => CSV_COLUMNS.map((c) => csvCell(r[c])).join(","))].join(
    "\n",
  );
}
