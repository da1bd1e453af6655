import type { Config } from "../../data/schema.js";
import type { BrokerSession } from "../types.js";

export interface AccountRef {
  session: BrokerSession;
  accountId: number;
}

/**
 * Account names (what the config and the trader use) to broker sessions and integer ids
 * (what the broker uses). Filled from each session's sync snapshot, so an account is known
 * only once its login has synced.
 */
export class AccountDirectory {
  private readonly byName = new Map<string, AccountRef>();
  private connectionOf = new Map<string, string>();

  setConfig(config: Config): void {
    this.connectionOf = new Map(config.accounts.map((a) => [a.name.toUpperCase(), a.connection]));
  }

  /** Records the accounts a session reported in its snapshot, keeping only the configured ones. */
  learn(session: BrokerSession, accounts: readonly { id: number; name: string }[]): void {
    for (const account of accounts) {
      const key = account.name.toUpperCase();
      const connection = this.connectionOf.get(key);
      if (connection === undefined || connection === session.connection)
        this.byName.set(key, { session, accountId: account.id });
    }
  }

  resolve(name: string): AccountRef | undefined {
    return this.byName.get(name.toUpperCase());
  }

  connected(name: string): boolean {
    return this.resolve(name)?.session.state() === "connected";
  }
}
