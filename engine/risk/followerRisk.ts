import type { Limits } from "../../data/schema.js";
import type { FlattenCommand, FollowerRiskRecord, FollowerState, RiskStatusEvent } from "../types.js";
import { tradesLeft } from "./limits.js";
import { roll } from "./lockMachine.js";
import { watchTrailing } from "./marks.js";
import { Holdings } from "./valuation.js";

/** What the copier asks on its hot path. Replaced (never mutated) when anything in it changes. */
export interface RiskGate {
  readonly state: FollowerState;
  /** Tradovate itself has the account locked or liquidation-only: openings would be rejected. */
  readonly brokerLocked: boolean;
  /** Its login has no market data (PriceFeeds): openings are held. Absent while it has. */
  readonly pricesStale?: true | undefined;
  /** Opening copies left today under maxTradesPerDay; undefined when there is no such limit. */
  readonly tradesLeft?: number | undefined;
}

export interface BrokerRisk {
  locked: boolean;
  liquidateOnly: boolean;
  adminAction: string;
}

/**
 * One follower's risk state: its config, its persisted record (the lock machine's input and
 * output), its holdings, the broker's own verdict and the gate built from them. Data, and the
 * two small rules that belong to it; the RiskEngine and its parts hold the rest of the logic.
 */
export class FollowerRisk {
  group: string | undefined;
  limits: Limits = {};
  /** limits minus the daily ones while a forced unlock waives them until the roll. */
  effectiveLimits: Limits = {};
  /** A forced unlock waived the daily and weekly limits for today (effectiveLimits lacks them). */
  waived = false;
  /** In the current config as a follower (and a leader nowhere): the only accounts ever targeted. */
  configured = false;
  /** A shadow follower (issue 16): its holdings are its would-be trades, never its account's. */
  shadow = false;
  record: FollowerRiskRecord = { state: "ACTIVE" };
  readonly holdings: Holdings;
  broker: BrokerRisk = { locked: false, liquidateOnly: false, adminAction: "Normal" };
  gate: RiskGate = { state: "ACTIVE", brokerLocked: false };
  /** Its login's market data is down: its positions keep their last price (PriceFeeds). */
  pricesStale = false;
  /** The "max trades per day reached" alert went out today. */
  tradesAlerted = false;
  /**
   * The flatten command by hand of many followers behind its current lock, if one is: announced
   * with its states, never saved (after a restart its lock is said on its own, which is harmless).
   */
  command: FlattenCommand | undefined;

  constructor(readonly name: string) {
    this.holdings = new Holdings(name);
  }

  /** A new frozen gate when what the copier must know changed; the same object otherwise. */
  rebuildGate(): void {
    const state = this.record.state;
    const brokerLocked = this.broker.locked || this.broker.liquidateOnly;
    const left = tradesLeft(this.limits, this.record.tradesToday ?? 0);
    const stale = this.pricesStale || undefined;
    const g = this.gate;
    if (
      g.state !== state ||
      g.brokerLocked !== brokerLocked ||
      g.tradesLeft !== left ||
      g.pricesStale !== stale
    )
      this.gate = Object.freeze({
        state,
        brokerLocked,
        tradesLeft: left,
        ...(stale ? { pricesStale: stale } : {}),
      });
  }

  /** A new trading day: the record rolls (start of day from net liq when known), the waiver ends. */
  rollTo(tradingDay: string): void {
    const netLiq = this.configured && this.holdings.cash !== undefined ? this.holdings.netLiq : undefined;
    this.record = roll(this.record, { tradingDay, limits: this.limits, netLiq });
    this.tradesAlerted = false;
    this.updateEffectiveLimits(tradingDay);
  }

  /**
   * Are its limits watched now? While ACTIVE; under a lock by hand that keeps a position open (they
   * guard it until it is flat); and under a trading window's lock, the weakest: a limit past then
   * takes the lock over, since the window lifts only its own lock and the roll clears a limit's.
   */
  limitsWatched(): boolean {
    const { state, lockKind } = this.record;
    return state === "ACTIVE" || (state === "LOCKED" && (lockKind === "window" || !this.holdings.isFlat()));
  }

  /** A trailing limit set or removed in the config: true when the record changed (save it). */
  watchTrailing(): boolean {
    if (!this.configured) return false;
    const netLiq = this.holdings.cash === undefined ? undefined : this.holdings.netLiq;
    const before = this.record;
    this.record = watchTrailing(before, this.limits, netLiq);
    return this.record !== before;
  }

  /** The limits watched today: without the daily ones on a day a forced unlock waived them. */
  updateEffectiveLimits(tradingDay: string): void {
    this.waived = this.record.waivedDay === tradingDay;
    this.effectiveLimits = this.waived
      ? {
          ...this.limits,
          dailyLoss: undefined,
          dailyProfitTarget: undefined,
          dailyGiveBack: undefined,
          weeklyLoss: undefined,
        }
      : this.limits;
  }

  /** Take the broker's risk status; true when its lock or liquidation-only changed. */
  takeBrokerRisk(event: RiskStatusEvent): boolean {
    const was = this.broker;
    this.broker = {
      locked: event.locked,
      liquidateOnly: event.liquidateOnly,
      adminAction: event.adminAction,
    };
    return was.locked !== event.locked || was.liquidateOnly !== event.liquidateOnly;
  }
}
