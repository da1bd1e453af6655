import type { BrokerAlertEvent } from "../../types.js";
import { BrokerRequestError } from "../errors.js";
import type { ProjectXModel } from "./model.js";
import type { Envelope } from "./rest.js";
import { accountsOf, missingAccountsAlert } from "./snapshot.js";

/** Why the user hub connects anew. */
export const FOLLOWING = "following an account added to the config";

export interface FollowedAccountsDeps {
  connection: string;
  userName: string;
  model: ProjectXModel;
  /** Account/search with the login's token. */
  search(): Promise<Envelope>;
  alert(event: BrokerAlertEvent): void;
}

/**
 * The accounts a ProjectX login follows: the config's (none named: every active one) among the
 * user's active accounts (Account/search). The hub subscribes per account and per connection,
 * so an account the config names while mimik runs is read again (it may be new at ProjectX too)
 * and subscribed by the user hub's next connect.
 */
export class FollowedAccounts {
  /** The config named an account not followed yet: read() before the next subscribing. */
  stale = false;
  private wanted: ReadonlySet<string> | undefined;

  constructor(
    names: readonly string[] | undefined,
    private readonly d: FollowedAccountsDeps,
  ) {
    this.wanted = names ? upper(names) : undefined;
  }

  /**
   * The config's accounts of this login now; true when it names one more that is not followed.
   * Only a newly named one counts: a name the user does not have is read again once, not at
   * every config change.
   */
  set(names: readonly string[]): boolean {
    const before = this.wanted;
    this.wanted = upper(names);
    const followed = upper(this.d.model.accounts().map((a) => a.name));
    const added = [...this.wanted].some((name) => !before?.has(name) && !followed.has(name));
    this.stale ||= added;
    return added;
  }

  /** Account/search; the wanted ones become the model's accounts, and the missing ones are said. */
  async read(): Promise<void> {
    const env = await this.d.search();
    const why = `Account/search failed: ${env.errorMessage ?? env.errorCode}`;
    if (!env.success) throw new BrokerRequestError("rejected", why);
    const found = accountsOf(env);
    this.d.model.setAccounts(found, this.wanted);
    this.stale = false;
    const missing = missingAccountsAlert(this.d.connection, this.d.userName, this.wanted, found);
    if (missing) this.d.alert(missing);
  }
}

function upper(names: readonly string[]): Set<string> {
  return new Set(names.map((n) => n.toUpperCase()));
}
