import type { Config } from "../../data/schema.js";
import type { ShadowBook, ShadowFill } from "../copier/shadowCopy.js";
import { shadowFlatten } from "../copier/shadowCopy.js";
import type { AccountRoute, BrokerSession, EngineEvent } from "../types.js";
import { shadowFollowers } from "./followerSets.js";

export interface ShadowsDeps {
  config(): Config;
  /** The engine's sessions as they are now (logins come and go with the config). */
  sessions(): readonly BrokerSession[];
  book(): ShadowBook;
  /** Risk values a would-be trade. */
  value(fill: ShadowFill): void;
  emit(event: EngineEvent): void;
  now(): number;
  accounts: { route(name: string): AccountRoute | undefined };
  /** Where an account stands, shown (when it changed). */
  show(account: string, positions: OpenLine[]): void;
}

export interface OpenLine {
  contract: string;
  netPos: number;
}

/**
 * Issue 16, the engine's side of shadow followers: the login whose quotes value one (its
 * account's), a would-be flatten when risk locks one, and each would-be trade handed to risk and
 * shown as where the shadow stands (its positions, never its account's).
 */
export class Shadows {
  constructor(private readonly deps: ShadowsDeps) {}

  session(follower: string): BrokerSession | undefined {
    const connection = this.deps.config().accounts.find((a) => a.name === follower)?.connection;
    return this.deps.sessions().find((s) => s.connection === connection);
  }

  flatten(follower: string, contract: string, price: number): void {
    const fill = shadowFlatten(this.deps.book(), follower, contract, price);
    const side = fill.delta > 0 ? "BUY" : "SELL";
    const message = `${follower}: SHADOW would ${side} ${Math.abs(fill.delta)} ${contract} to flatten; nothing sent`;
    this.deps.emit({ type: "alert", at: this.deps.now(), level: "info", message, follower });
    this.filled(fill);
  }

  filled(fill: ShadowFill): void {
    this.deps.value(fill);
    this.deps.show(fill.follower, this.deps.book().held(fill.follower));
  }

  /**
   * Before the engine takes `next`: each follower it switches to or from shadow is shown where it
   * stands now, not where it stood: a new shadow flat (its would-be lines start there), one made
   * live at its account's positions (none is reported until they move).
   */
  switching(next: Config): void {
    const was = shadowFollowers(this.deps.config());
    const now = shadowFollowers(next);
    for (const name of now) if (!was.has(name)) this.deps.show(name, []);
    for (const name of was) {
      const route = now.has(name) ? undefined : this.deps.accounts.route(name);
      if (route) this.deps.show(name, openLines(route.session.positions(route.accountId)));
    }
  }
}

/** An account's open positions, as a screen shows where it stands. */
export function openLines(positions: readonly { contract: string; netPos: number }[]): OpenLine[] {
  return positions.filter((p) => p.netPos !== 0).map((p) => ({ contract: p.contract, netPos: p.netPos }));
}

/** Whether two accounts' open lines say the same, as their JSON would (netPos is a finite number). */
export function sameLines(a: readonly OpenLine[] | undefined, b: readonly OpenLine[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i]!.contract !== b[i]!.contract || a[i]!.netPos !== b[i]!.netPos) return false;
  return true;
}
