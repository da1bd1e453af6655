import type { Config } from "../../data/schema.js";
import type { AccountDirectory } from "../accounts/directory.js";
import type { BrokerSession } from "../types.js";

/**
 * Accounts added to the config while mimik runs (the console's forms, a hand edit): each login is
 * told its accounts as they are now. One it follows already (taken out of the config and put
 * back) is routed at once; one it does not follow yet re-syncs that login, and its sync routes it
 * within seconds. An account taken out is no longer routed (the directory forgets it). Not for
 * the panic button's engine (copying off): it follows only the accounts it flattens.
 */
export function followAccounts(
  config: Config,
  sessions: readonly BrokerSession[],
  directory: Pick<AccountDirectory, "learn">,
): void {
  for (const session of sessions) {
    const names = config.accounts.filter((a) => a.connection === session.connection).map((a) => a.name);
    session.setAccounts?.(names);
    if (session.state() === "connected") directory.learn(session, session.accounts());
  }
}
