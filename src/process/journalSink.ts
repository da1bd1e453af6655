import type { JournalWriter } from "../../data/journal/index.js";
import type { Config } from "../../data/schema.js";
import type { EngineEvent } from "../../engine/index.js";

/**
 * Engine events as journal entries. A leader fill carries `key` (connection:fillId), the dedupe key
 * the copier uses, so the next start seeds its ledger from the journal and never copies the same
 * fill again.
 */
export function journalSink(journal: JournalWriter, config: () => Config): (event: EngineEvent) => void {
  return (event) => {
    // Screen refreshes and broker-reported positions and working orders are not decisions; the
    // broker keeps them. What the mirror did with them is ("mirror" events).
    if (
      event.type === "risk" ||
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
    journal.append({ ...event });
  };
}
