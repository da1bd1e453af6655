/**
 * What must survive a restart: the runtime state the risk engine and the copier keep, and the
 * store that writes it (implemented in data/, injected into the engine). Re-exported by ./types.ts.
 */
import type { FollowerState } from "./events.js";
import type { EpochMs } from "./types.js";

/** "window": a group's trading window flattened it (flat-by, a blackout); it clears when openings reopen. */
export type LockKind =
  | "daily"
  | "weekly"
  | "giveback"
  | "trailing"
  | "profit"
  | "trades"
  | "manual"
  | "broker"
  | "window";

/** What must survive a restart or kill -9 for one follower (keyed by account name). */
export interface FollowerRiskRecord {
  state: FollowerState;
  lockKind?: LockKind | undefined;
  lockReason?: string | undefined;
  lockedAt?: EpochMs | undefined;
  /** Intraday trailing high-water mark of net liquidation; never resets by itself. */
  highWaterMark?: number | undefined;
  /**
   * A trailing drawdown limit was configured when the record was last looked at (undefined: a
   * record from before this was kept). A limit set where there was none starts from net liq then.
   */
  trailingWatched?: boolean | undefined;
  /** Net liquidation at the start of the current trading day. */
  startOfDayBalance?: number | undefined;
  /** Trading day (YYYY-MM-DD, the CT date the session ends on) the two fields above belong to. */
  tradingDay?: string | undefined;
  tradesToday?: number | undefined;
  /** The last leader orders counted as trades: a later fill of one is that trade (tradeCount.ts). */
  tradeOrders?: number[] | undefined;
  /** The day's highest net liquidation since its start (daily give-back); reset by the roll. */
  dayPeak?: number | undefined;
  /** Net liquidation at the start of the trading week (weekly loss); reset by the Sunday roll. */
  weekStartBalance?: number | undefined;
  /** The trading week (YYYY-MM-DD of its Monday) weekStartBalance belongs to. */
  tradingWeek?: string | undefined;
  /** Trading day on which a forced unlock waived the daily and weekly limits (until the roll). */
  waivedDay?: string | undefined;
  /** The marks above are of a shadow follower's would-be trades (issue 16), not of its account. */
  shadow?: true | undefined;
  /** While it is a shadow: its account's own marks, for when it is live again. */
  live?: LiveMarks | undefined;
  /** The last liquidations of its flattens the broker took: their fills are mimik's, not by hand. */
  flattenOrders?: FlattenOrder[] | undefined;
}

/**
 * One liquidation of a flatten the broker took: the order it answered with (Tradovate), or none
 * (ProjectX's closeContract names none), and when the request went and was answered (our clock).
 * No answer time: saved before the request went, its answer never came in (a kill -9 on the way).
 */
export interface FlattenOrder {
  contract: string;
  orderId?: number | undefined;
  sentAt: EpochMs;
  answeredAt?: EpochMs | undefined;
}

/** A live follower's marks, kept aside while it is a shadow (with the day and week they are of). */
export type LiveMarks = Pick<
  FollowerRiskRecord,
  "tradingDay" | "tradingWeek" | "startOfDayBalance" | "weekStartBalance" | "highWaterMark" | "dayPeak"
>;

/**
 * The leader position a follower last acted on, per leader contract (issue 18): what a re-sync
 * compares the leader's position with to make up missed exits. A contract not listed is 0.
 */
export interface ActedOnRecord {
  /** The leader these positions are of; another leader's record is not this one's. */
  leader: string;
  positions: Record<string, number>;
}

export interface RuntimeState {
  version: 1;
  followers: Record<string, FollowerRiskRecord>;
  lastRollAt?: EpochMs | undefined;
  /** Per follower; absent in files written before issue 18 (then every follower starts fresh). */
  actedOn?: Record<string, ActedOnRecord> | undefined;
}

export interface RiskStateStore {
  read(): RuntimeState;
  /** Resolves once the record is durably on disk (atomic write). */
  saveFollower(follower: string, record: FollowerRiskRecord): Promise<void>;
  /**
   * Optional: several followers' records in one durable write. The risk engine uses it for the
   * changes it saves lazily (trade counts, high-water marks), so 200 followers cost one write.
   */
  saveFollowers?(records: Record<string, FollowerRiskRecord>): Promise<void>;
  /**
   * Optional: the leader positions followers last acted on (undefined removes a follower's), in
   * one durable write. Without it a restart makes up no exits missed while mimik was stopped.
   */
  saveActedOn?(records: Record<string, ActedOnRecord | undefined>): Promise<void>;
}

/**
 * Leader fills already acted on or journaled, seeded from the journal at start so a restart never
 * recopies, nor journals one twice.
 */
export interface FillLedger {
  has(key: string): boolean;
  add(key: string): void;
}
