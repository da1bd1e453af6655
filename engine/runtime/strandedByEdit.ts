import type { Config } from "../../data/schema.js";
import type { AccountRoute } from "../types.js";
import { strandedByLeaderChange } from "./leaderChange.js";
import { strandedByMapping } from "./mappingChange.js";

/** Positions a config edit leaves that no leader of theirs will close: said once, as it is applied. */
export function strandedByEdit(
  before: Config | undefined,
  after: Config,
  accounts: { route(account: string): AccountRoute | undefined },
): string[] {
  return [...strandedByLeaderChange(before, after, accounts), ...strandedByMapping(before, after, accounts)];
}
