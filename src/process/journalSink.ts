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
    // Screen refreshes and broker-reported positions are not decisions; the broker keeps positions.
    if (
      event.type === "risk" ||
      event.type === "budget" ||
      event.type === "latency" ||
      event.type === "positions"
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
