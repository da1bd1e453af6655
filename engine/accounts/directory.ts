import type { Config, Follower, Group } from "../../data/schema.js";
import type { AccountRoute, BrokerSession } from "../types.js";

export type { AccountRoute } from "../types.js";

export type AccountRole =
  | { kind: "leader"; group: Group }
  | { kind: "follower"; group: Group; follower: Follower };

/**
 * The one account identity. An account's key is its name as the config's `accounts` list spells
 * it (data/ rewrites every reference to that spelling at load), so the engine compares names
 * with ===. This directory is the only place that maps between that key and everything else:
 * what a person types (any case, or a label), the broker's (connection, account id), and the
 * account's role. Broker ids are learnt from each login's sync snapshot, so an account resolves
 * only once its login has synced. Parts of the engine get the few of these answers they need as
 * narrow interfaces (the gateway's leader guard, risk's and the copier's account lookups).
 */
export class AccountDirectory {
  private routes = new Map<string, AccountRoute>();
  /** connection → broker account id → name: asked on every order (the leader guard), so no key strings. */
  private names = new Map<string, Map<number, string>>();
  private typed = new Map<string, string>();
  private typedGroups = new Map<string, Group>();
  private connectionOf = new Map<string, string>();
  private roles = new Map<string, AccountRole>();

  setConfig(config: Config): void {
    this.connectionOf = new Map(config.accounts.map((a) => [a.name, a.connection]));
    this.typed = new Map();
    for (const a of config.accounts) {
      this.typed.set(a.name.toUpperCase(), a.name);
      if (a.label) this.typed.set(a.label.toUpperCase(), a.name);
    }
    this.typedGroups = new Map(config.groups.map((g) => [g.name.toUpperCase(), g]));
    this.roles = new Map();
    for (const group of config.groups) {
      this.roles.set(group.leader, { kind: "leader", group });
      for (const follower of group.followers) {
        // A config that slipped past the group rules must never turn a leader into a follower.
        if (this.roles.get(follower.account)?.kind === "leader") continue;
        this.roles.set(follower.account, { kind: "follower", group, follower });
      }
    }
    // An account moved to another login (or removed) is no longer reachable where it was.
    for (const [name, route] of [...this.routes]) {
      if (this.connectionOf.get(name) !== route.session.connection) this.forget(name);
    }
  }

  /** Records the accounts a session reported in its snapshot, keeping only the configured ones. */
  learn(session: BrokerSession, accounts: readonly { id: number; name: string }[]): void {
    for (const account of accounts) {
      const upper = account.name.toUpperCase();
      const name = this.typed.get(upper);
      // A label is what a person types: a broker account that happens to be called by it is
      // another account (one the config no longer names, say), never the labelled one.
      if (name?.toUpperCase() !== upper || this.connectionOf.get(name) !== session.connection) continue;
      this.forget(name);
      let ids = this.names.get(session.connection);
      if (!ids) {
        ids = new Map();
        this.names.set(session.connection, ids);
      }
      // The id was another account's (the login renumbered them): that account's route now
      // points at this one, and its orders must not go there.
      const previous = ids.get(account.id);
      if (previous !== undefined) this.forget(previous);
      this.routes.set(name, { session, accountId: account.id });
      ids.set(account.id, name);
    }
  }

  /** The account a person means by a name or a label, in any case; undefined when none. */
  find(typed: string): string | undefined {
    return this.typed.get(typed.trim().toUpperCase());
  }

  /** The group a person means by its name, in any case; undefined when none. */
  findGroup(typed: string): Group | undefined {
    return this.typedGroups.get(typed.trim().toUpperCase());
  }

  /** The broker session and id of a configured account, once its login has synced. */
  route(name: string): AccountRoute | undefined {
    return this.routes.get(name);
  }

  /** The configured account behind a broker account id on a connection. */
  nameAt(connection: string, accountId: number): string | undefined {
    return this.names.get(connection)?.get(accountId);
  }

  /** Its login is up and the account was read: one that could not be read is unknown, not reachable. */
  connected(name: string): boolean {
    const route = this.routes.get(name);
    return (
      route?.session.state() === "connected" && route.session.unreadable?.(route.accountId) === undefined
    );
  }

  role(name: string): AccountRole | undefined {
    return this.roles.get(name);
  }

  /** The group an account leads, if it leads one. */
  leaderOf(name: string): Group | undefined {
    const role = this.roles.get(name);
    return role?.kind === "leader" ? role.group : undefined;
  }

  /** A shadow follower (issue 16): nothing is ever sent to its account. */
  isShadow(name: string): boolean {
    const role = this.roles.get(name);
    return role?.kind === "follower" && role.follower.shadow === true;
  }

  isLeader(name: string): boolean {
    return this.roles.get(name)?.kind === "leader";
  }

  /** The group a broker account leads, by its id: a leader is recognised even under another name. */
  leaderAt(connection: string, accountId: number): Group | undefined {
    const name = this.nameAt(connection, accountId);
    return name === undefined ? undefined : this.leaderOf(name);
  }

  private forget(name: string): void {
    const route = this.routes.get(name);
    if (!route) return;
    this.routes.delete(name);
    // Its old id may be another account's already (learnt earlier in the same snapshot).
    const ids = this.names.get(route.session.connection);
    if (ids?.get(route.accountId) === name) ids.delete(route.accountId);
  }
}
