import type { Config } from "../../data/schema.js";
import type { ShadowBook, ShadowFill } from "../copier/shadowCopy.js";
import { shadowFlatten } from "../copier/shadowCopy.js";
import type { BrokerSession, EngineEvent } from "../types.js";

export interface ShadowsDeps {
  config(): Config;
  sessions: readonly BrokerSession[];
  book(): ShadowBook;
  /** Risk values a would-be trade. */
  value(fill: ShadowFill): void;
  emit(event: EngineEvent): void;
  now(): number;
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
    return this.deps.sessions.find((s) => s.connection === connection);
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
    const positions = this.deps.book().held(fill.follower);
    this.deps.emit({ type: "positions", at: this.deps.now(), account: fill.follower, positions });
  }
}
