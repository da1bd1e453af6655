import type { JournalWriter } from "../../data/journal/index.js";
import type { Config } from "../../data/schema.js";
import type { EngineEvent } from "../../engine/types.js";

/**
 * Engine events as journal entries. Risk snapshots are screen refreshes, not decisions, and stay
 * out. A leader fill carries `key` (connection:fillId), the dedupe key the copier uses, so the
 * next start seeds its ledger from the journal and never copies the same fill again.
 */
export function journalSink(journal: JournalWriter, config: () => Config): (event: EngineEvent) => void {
  return (event) => {
    if (event.type === "risk") return;
    if (event.type === "leaderFill") {
      const connection = config().accounts.find(
        (a) => a.name.toUpperCase() === event.leader.toUpperCase(),
      )?.connection;
      journal.append({ ...event, key: `${connection ?? "?"}:${event.fillId}` });
      return;
    }
    journal.append({ ...event });
  };
}
