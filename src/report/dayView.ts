import type { Config } from "../../data/schema.js";
import { buildReport } from "./build.js";
import { REPORT_KINDS } from "./journalFacts.js";
import { readJournalFile } from "./load.js";
import { reportRange } from "./range.js";
import { type ReportViewModel, reportViewModel } from "./viewModel.js";

export interface DayViewInput {
  /** The running instance's journal. */
  journalPath: string;
  config: Config;
  now: number;
  /** Each follower's day P&L on screen now: the sparkline ends where the followers pane is. */
  live?: ReadonlyMap<string, number> | undefined;
}

/**
 * The console's report view: today's trading day per follower, from the journal of the running
 * instance (copies, skips, rejects, latency, locks, and the day P&L risk sampled), built by the same
 * code as `mimik report`. The broker is never read here: one more login could end a session the
 * copier is using.
 */
export async function loadDayView(input: DayViewInput): Promise<ReportViewModel> {
  const range = reportRange({}, input.now);
  const journal = await readJournalFile(input.journalPath, range, [...REPORT_KINDS, "risk"]);
  const report = buildReport({
    range,
    config: input.config,
    journal,
    broker: undefined,
    notes: ["trades, fees and slippage: mimik report --broker reads them from the broker"],
  });
  for (const group of report.groups) {
    for (const f of group.followers) {
      const now = input.live?.get(f.account);
      if (now !== undefined) f.dayPnl = [...(f.dayPnl ?? []), now];
    }
  }
  return reportViewModel(report);
}
