import { EventText, type JournalWriter } from "../../data/journal/index.js";
import type { Config } from "../../data/schema.js";
import { bustKey, type EngineEvent } from "../../engine/index.js";

/** At most one day P&L sample per follower this often (and only when it moved). */
export const RISK_SAMPLE_MS = 60_000;

/**
 * Engine events as journal entries. A leader fill carries `key` (connection:fillId), the dedupe key
 * the copier uses, so the next start seeds its ledger from the journal and never copies the same
 * fill again. A bust carries its own key (bustKey) for the same reason.
 *
 * `shareText`: an event journalled as it is returns its JSON text, made once for the journal and
 * for whoever else writes the same event as JSON (headless's event lines).
 */
export function journalSink(
  journal: JournalWriter,
  config: () => Config,
  riskSampleMs = RISK_SAMPLE_MS,
  shareText = false,
): (event: EngineEvent) => EventText | undefined {
  const sampled = new Map<string, { at: number; dayPnl: number }>();
  return (event) => {
    if (event.type === "risk") {
      // A sample of each follower's day P&L now and then, for the report view's sparkline: the
      // risk figures change on every tick, and the journal is a record of decisions.
      const last = sampled.get(event.follower);
      if (last && (event.at - last.at < riskSampleMs || last.dayPnl === event.dayPnl)) return;
      sampled.set(event.follower, { at: event.at, dayPnl: event.dayPnl });
      journal.append({
        type: "risk",
        at: event.at,
        follower: event.follower,
        dayPnl: event.dayPnl,
        netLiq: event.netLiq,
      });
      return;
    }
    // Screen refreshes and broker-reported positions and working orders are not decisions; the
    // broker keeps them. What the mirror did with them is ("mirror" events).
    if (
      event.type === "budget" ||
      event.type === "latency" ||
      event.type === "positions" ||
      event.type === "workingOrders"
    )
      return;
    if (event.type === "leaderFill") {
      const connection = config().accounts.find((a) => a.name === event.leader)?.connection;
      journal.append({ ...event, key: `${connection ?? "?"}:${event.fillId}` });
      return;
    }
    if (event.type === "bust") {
      // Its key seeds the ledger too: a restart never journals (nor tells) the same bust again.
      const connection = config().accounts.find((a) => a.name === event.account)?.connection;
      journal.append({ ...event, key: bustKey(connection ?? "?", event.fillId) });
      return;
    }
    // The writer keeps its own copy of what it is handed (or, sharing, the text made of it).
    if (!shareText) {
      journal.append(event);
      return undefined;
    }
    const text = new EventText(event);
    journal.append(event, text);
    return text;
  };
}
