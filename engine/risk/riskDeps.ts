import type { AccountRoute, BrokerSession, Clock, EngineEvent, Logger, RiskStateStore } from "../types.js";
import type { Liquidator } from "./flattener.js";

/** What risk is given from outside: the clock, the state store, the accounts, the order exit. */
/** The account directory's answers risk needs. */
export interface RiskAccounts {
  route(name: string): AccountRoute | undefined;
  nameAt(connection: string, accountId: number): string | undefined;
  isLeader(name: string): boolean;
}

export interface RiskEngineDeps {
  clock: Clock;
  store: RiskStateStore;
  emit(event: EngineEvent): void;
  accounts: RiskAccounts;
  liquidator: Liquidator;
  /** An order of ours for the follower is in flight or unacknowledged (a flatten waits for it). */
  busy?(follower: string): boolean;
  /** ACTIVE again out of a lock (by hand, or a roll's): a flatten stopped or ended is made up after. */
  activeAgain?(follower: string, flattenStopped: boolean): void;
  logger?: Logger;
  /** Minimum spacing of RiskSnapshotEvents per follower (state changes are never held back). */
  snapshotIntervalMs?: number;
  /**
   * How long a rise of the high-water mark or a counted trade may wait before it is written
   * (bounds disk writes; default 1 s). Locks, unlocks and rolls are written at once.
   */
  highWaterSaveDelayMs?: number;
  /** How long a login's market data may be down before its followers' risk is blind (default 5 s). */
  marketDataGraceMs?: number | undefined;
  /** Issue 16: the login that prices a shadow follower, and its would-be flatten. */
  shadowSession?(follower: string): BrokerSession | undefined;
  flattenShadow?(follower: string, contract: string, price: number): void;
}
