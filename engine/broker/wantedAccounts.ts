import type { BrokerAccount, Logger } from "../types.js";
import { parseAccount } from "./entities.js";
import { BrokerRequestError } from "./errors.js";
import type { RestClient } from "./rest.js";

/** No account the config names is visible to the login: no retry mends it. */
export class FatalSetupError extends Error {}

/**
 * The accounts a Tradovate login syncs, by the names the config gives them (none named: every
 * account the login sees). A socket's user/syncrequest covers the accounts it named for as long as
 * the socket lives (tradovate-protocol.md §3.5), so an account named while mimik runs is synced
 * only by a new socket: set() says when one is needed.
 */
export class WantedAccounts {
  private names: readonly string[] | undefined;
  /** The picked accounts' names, upper-cased: what the latest sync covers. */
  private picked = new Set<string>();

  constructor(
    names: readonly string[] | undefined,
    private readonly o: { connection: string; logger: Logger; rest: RestClient },
  ) {
    this.names = names;
  }

  /** The wanted accounts among the login's (account/list); the missing ones are logged. */
  async read(token: string): Promise<BrokerAccount[]> {
    // Connecting is what makes exits possible: it may use the budget kept for them.
    const list = await this.o.rest.call("account/list", { token, priority: "exit" });
    if (!Array.isArray(list)) throw new BrokerRequestError("transport", "account/list: reply is not a list");
    const all = list.map(parseAccount).filter((a) => a !== undefined);
    const names = this.names;
    if (!names || names.length === 0) {
      this.picked = new Set(all.map((a) => a.name.toUpperCase()));
      return all.map((a) => ({ id: a.id, name: a.name }));
    }
    const byName = new Map(all.map((a) => [a.name.toUpperCase(), a]));
    const found: BrokerAccount[] = [];
    const missing: string[] = [];
    for (const name of names) {
      const a = byName.get(name.toUpperCase());
      if (a) found.push({ id: a.id, name: a.name });
      else missing.push(name);
    }
    this.picked = new Set(found.map((a) => a.name.toUpperCase()));
    if (missing.length > 0) {
      this.o.logger.error("accounts not visible to this login", { connection: this.o.connection, missing });
    }
    if (found.length === 0) {
      throw new FatalSetupError(
        `none of the accounts ${names.join(", ")} is visible to login ${this.o.connection}`,
      );
    }
    return found;
  }

  /**
   * The config's accounts of this login now. True when it names one more that is not synced: only
   * a new sync gets it (an account the broker did not show before, one just opened, say, is read
   * again from account/list then). Only a newly named one counts, so a name the login does not
   * have re-syncs it once, not at every config change. One no longer named needs nothing: nothing
   * routes to it.
   */
  set(names: readonly string[]): boolean {
    const before = new Set(this.names?.map((n) => n.toUpperCase()));
    this.names = names;
    return names.some((n) => !before.has(n.toUpperCase()) && !this.picked.has(n.toUpperCase()));
  }
}
