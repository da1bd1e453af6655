import type { Report } from "./build.js";

/**
 * What the console's report view shows, from a Report: one row per follower (its group's total
 * after its followers), in words and numbers a pane can print. Pure; the view itself only lays it
 * out. Build the Report with buildReport (src/report/build.ts) from readJournalAround and
 * readBroker (src/report/load.ts), the same way `mimik report` does.
 */

export interface ReportRowVM {
  key: string;
  group: string;
  /** "label ACCOUNT", or the group's "all followers" line. */
  name: string;
  total: boolean;
  trades: number | undefined;
  wins: number | undefined;
  losses: number | undefined;
  netPnl: number | undefined;
  fees: number | undefined;
  slipTicks: number | undefined;
  copies: number;
  /** Leader fills its own mirrored order answered: neither copies nor skips (CopyStats.mirrored). */
  mirrored: number;
  skipped: number;
  rejected: number;
  latencyP99: number | undefined;
  locks: number;
  /** Net P&L through the day, from 0 (for a sparkline); empty when unknown and for totals. */
  curve: number[];
}

export interface ReportViewModel {
  /** e.g. "Report 2026-11-27" or "Report 2026-11-23 → 2026-11-27". */
  title: string;
  /** Where the numbers come from, in a few words. */
  source: string;
  rows: ReportRowVM[];
  notes: string[];
}

export function reportViewModel(report: Report): ReportViewModel {
  const rows: ReportRowVM[] = [];
  for (const group of report.groups) {
    for (const f of group.followers) {
      rows.push({
        key: `${group.name}\u0000${f.account}`,
        group: group.name,
        name: `${f.label ? `${f.label} ${f.account}` : f.account}${f.shadow ? " (shadow)" : ""}`,
        total: false,
        trades: f.trading?.trades,
        wins: f.trading?.wins,
        losses: f.trading?.losses,
        netPnl: f.trading ? f.trading.netPnl : f.dayPnl?.at(-1),
        fees: f.trading?.fees,
        slipTicks: f.slippage?.ticksPerContract,
        copies: f.copy.copies,
        mirrored: f.copy.mirrored,
        skipped: f.copy.skipped,
        rejected: f.copy.rejected,
        latencyP99: f.copy.latencyP99,
        locks: f.copy.locks,
        curve:
          f.trading && f.trading.netPnl !== undefined
            ? [0, ...f.trading.curve]
            : f.dayPnl
              ? [0, ...f.dayPnl]
              : [],
      });
    }
    if (group.followers.length > 1) {
      const t = group.total;
      rows.push({
        key: `${group.name}\u0000total`,
        group: group.name,
        name: `${group.name}: all followers`,
        total: true,
        trades: t.trading?.trades,
        wins: t.trading?.wins,
        losses: t.trading?.losses,
        netPnl: t.trading?.netPnl,
        fees: t.trading?.fees,
        slipTicks: t.slippage?.ticksPerContract,
        copies: t.copy.copies,
        mirrored: t.copy.mirrored,
        skipped: t.copy.skipped,
        rejected: t.copy.rejected,
        latencyP99: t.copy.latencyP99,
        locks: t.copy.locks,
        curve: [],
      });
    }
  }
  return {
    title: report.from === report.to ? `Report ${report.from}` : `Report ${report.from} → ${report.to}`,
    source:
      report.source === "broker"
        ? `P&L from the broker${report.feesReported ? ", fees included" : `; no fees reported${report.feesUnreported.length ? ` for ${report.feesUnreported.join(", ")}` : ""}`}`
        : report.groups.some((g) => g.followers.some((f) => f.dayPnl !== undefined))
          ? "day P&L as mimik's risk saw it (net liq)"
          : "journal only: no P&L",
    rows,
    notes: report.notes,
  };
}
