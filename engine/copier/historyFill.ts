import type { Clock, EngineEvent, HistoryFillEvent } from "../types.js";
import { leaderFillEvent } from "./copyEvents.js";
import type { FillDedupe } from "./fillDedupe.js";
import type { CopierAccounts } from "./ports.js";

export interface HistoryFillDeps {
  accounts: Pick<CopierAccounts, "nameAt" | "role">;
  dedupe: Pick<FillDedupe, "firstLeaderFill">;
  emit(event: EngineEvent): void;
  clock: Clock;
}

/**
 * A leader fill a broker's snapshot held that the session never had live (made while it was
 * away, or before mimik started). Never copied: the re-sync made up what it called for. But the
 * journal has every leader fill once: it is recorded unless the ledger (seeded from the journal,
 * marked by every fill copied or recorded) already has it.
 */
export function historyFill(event: HistoryFillEvent, deps: HistoryFillDeps): void {
  const name = deps.accounts.nameAt(event.connection, event.accountId);
  const role = name === undefined ? undefined : deps.accounts.role(name);
  if (role?.kind !== "leader" || !deps.dedupe.firstLeaderFill(event.connection, event.fillId)) return;
  deps.emit(leaderFillEvent(deps.clock, role.group, event, { filledAt: event.ts }));
}
