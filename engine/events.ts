/**
 * What the engine reports to the rest of mimik: the events the screen store, headless output and
 * the journal fold, and the fixed words they carry (skip reasons, states). Re-exported by
 * ./types.ts, where the layers' other contracts are.
 */
import type { BrokerKind, ConnectionState, EpochMs, LockKind, RateBudget, Side } from "./types.js";

export type FollowerState = "ACTIVE" | "LIQUIDATE_ONLY" | "LOCKED";

/**
 * The position cap of a follower with no `maxContracts`: an opening copy never takes it past 50
 * contracts. A sanity bound, not a sizing rule: a broken or hostile leader fill of 100 000 lots
 * must not become 100 000-lot orders. Set `maxContracts` to trade bigger (it replaces this cap).
 */
export const DEFAULT_MAX_CONTRACTS = 50;

/** Fixed reason strings: the UI, the journal and `mimik log` show these words. */
export const SKIP_REASONS = {
  /** Its group is paused (`a`, `mimik pause`): the trader's word for it everywhere. */
  groupPaused: "group paused",
  followerDisabled: "follower disabled",
  disconnected: "disconnected",
  locked: "locked",
  liquidateOnly: "liquidate only",
  /** A flatten of the follower is under way: it closes everything, and an exit beside it could sell twice. */
  flattening: "being flattened: the flatten closes it",
  brokerLocked: "broker lock",
  /** The follower's login has no market data: no loss limit sees what a new position would lose. */
  pricesStale: "prices stale",
  notWhitelisted: "not whitelisted",
  maxContracts: "max contracts",
  defaultCap: `default cap of ${DEFAULT_MAX_CONTRACTS} contracts (no max contracts set)`,
  maxTrades: "max trades per day",
  alreadyFlat: "already flat",
  roundsToZero: "rounds to zero",
  /** A reduce of a follower held at its cap while the rule, after it, still gives the cap or more. */
  stillCapped: "still at max contracts: the rule gives as much or more",
  fixedLaterFill: "fixed size: later fill of the same order",
  leaderGuard: "account is a leader",
  /** The follower's broker has not answered this many of our orders: mimik will not pile on. */
  ordersBacklog: "too many orders in flight",
  /** An exit of this follower and contract is pending and its order is on its way: the new goal waits for it. */
  exitPending: "exit pending: its order in flight goes first",
  /** The exit would sell what an opening of ours on its way brings, which may yet die: it goes once that is answered. */
  openingInFlight: "exit waits for our opening in flight",
  /** Its mirror of the leader order is being cancelled and may fill on the cancel's way: the exit goes once it is heard finished. */
  mirrorCancelling: "exit waits for its mirrored order's cancel",
  /** One of the line's orders lost its answer (it may have filled unheard): the step waits for the account's snapshot. */
  lostAnswer: "an order's answer was lost: waits for the account's snapshot",
  /** A re-sync found the follower already on the side the leader opened or flipped to: it is in that trade. */
  alreadyInTrade: "already in the leader's trade",
  /** A re-sync found a multiplier follower already holding what the rule gives for the leader's position now. */
  alreadyAtRule: "already where the rule puts it",
  /** A re-sync found an opening or add the follower missed; `reconcile: "exits"` does not make it up. */
  openingNotMadeUp: "opening not made up (reconcile: exits)",
  /** Issue 14: the follower's own mirrored working order answers this leader fill. */
  mirrored: "its own mirrored order answers it",
  /** Issue 16: the opening would leave the follower opposite another follower of its firm. */
  hedgeGuard: "hedge guard",
  /** Issue 16: the group's trading hours do not allow openings now. */
  outsideHours: "outside trading hours",
  /** A bug in mimik stopped this follower's copy (the log says which); the other followers were copied. */
  internalError: "internal error (see the log)",
} as const;

/** Issue 16: why a group's trading window holds openings back ("blackout: CPI", "flat by 15:55 CT"). */
export type WindowReason = typeof SKIP_REASONS.outsideHours | `blackout: ${string}` | `flat by ${string} CT`;

/** The reason every correction a re-sync makes carries (journal, fills pane). */
export const RECONCILE_REASON = "reconcile";

/** The follower's `limits.maxOpenContracts` held an opening back, or a reduce at it (copier/accountCap.ts). */
export type AccountCapReason = `${"" | "still at "}the account's max open contracts (${number})`;

export type SkipReason = (typeof SKIP_REASONS)[keyof typeof SKIP_REASONS] | WindowReason | AccountCapReason;

export type CopyKind = "open" | "add" | "reduce" | "close" | "flip" | "resync";

export interface LeaderFillEvent {
  type: "leaderFill";
  at: EpochMs;
  group: string;
  leader: string;
  fillId: number;
  orderId: number;
  contract: string;
  side: Side;
  qty: number;
  price: number;
  /** The leader's position the fill moved it from and to; absent for a fill seen as `history`. */
  positionBefore?: number | undefined;
  positionAfter?: number | undefined;
  /**
   * A fill mimik never had live: the broker's snapshot held it (made during a reconnect's gap, or
   * before mimik started). Recorded, never copied (a re-sync makes up what it calls for).
   */
  history?: true | undefined;
  /** The broker's time of a `history` fill (`at` is when mimik saw it). */
  filledAt?: EpochMs | undefined;
}

/**
 * The broker busted (took back) a fill of a configured account after the fact: the journal's
 * record of it, so a report read from the journal alone stops counting the fill as the broker does.
 * Fill ids are each login's own: `account` says whose.
 */
export interface BustEvent {
  type: "bust";
  at: EpochMs;
  account: string;
  fillId: number;
  orderId: number;
  contract: string;
  side: Side;
  qty: number;
  price: number;
}

/**
 * A re-sync (a leader or follower reconnect, a superseded session, a start) after which exits the
 * follower missed were made up (issue 18): the header the corrections (copies with reason
 * "reconcile" and this fillId) are shown under. Emitted only when something was sent.
 */
export interface ResyncEvent {
  type: "resync";
  at: EpochMs;
  group: string;
  leader: string;
  /** Negative and unique, so it never meets a broker fill id; the corrections carry it as fillId. */
  fillId: number;
  /** What re-synced: "leader DEMO1000 re-synced", "DEMO2001 re-synced". */
  cause: string;
  /** The leader's positions now (non-zero only). */
  positions: { contract: string; netPos: number }[];
  /** The trader's resync (`r`, `mimik resync`): the difference to the rule, not missed exits. */
  byHand?: true | undefined;
  /** A login's re-sync that made up an opening too (a group whose reconcile is "full"). */
  openings?: true | undefined;
}

/**
 * An exit (a reducing or closing copy, a reconcile step) failed and is retried with backoff until
 * the follower is where the rule says, or it ended (done, or the trader took over: a flatten, a
 * disable). One per follower and contract; `pending: false` ends it.
 */
export interface ExitPendingEvent {
  type: "exitPending";
  at: EpochMs;
  group: string;
  follower: string;
  contract: string;
  pending: boolean;
  /** What the follower holds (with what is in flight) and where the rule wants it. */
  has: number;
  goal: number;
  /** Why the last try failed, or (pending: false) how it ended. */
  reason: string;
  /** Tries that failed so far. */
  attempts: number;
  /** When the next try goes; undefined once ended. */
  nextTryAt?: EpochMs | undefined;
}

export interface CopyEvent {
  type: "copy";
  at: EpochMs;
  group: string;
  follower: string;
  /** The leader fill this decision answers (0 for a manual resync; a ResyncEvent's for a reconcile). */
  fillId: number;
  contract: string;
  /** "shadow": a shadow follower's would-be order (issue 16): decided, recorded, never sent. */
  outcome: "sent" | "skipped" | "accepted" | "rejected" | "filled" | "shadow";
  kind?: CopyKind | undefined;
  reason: string;
  side?: Side | undefined;
  qty?: number | undefined;
  clOrdId?: string | undefined;
  orderId?: number | undefined;
  /** Leader fill frame received → this step, in ms. */
  latencyMs?: number | undefined;
}

export interface FollowerStateEvent {
  type: "followerState";
  at: EpochMs;
  follower: string;
  /** The follower's group: a trading window locks a whole group at once, and the notifier says it once. */
  group?: string | undefined;
  state: FollowerState;
  reason?: string | undefined;
  /**
   * True while this state (a lock, an unlock, the high-water mark) is held in memory only: its
   * save failed and is retried until it is on disk. A restart now would bring back the last state
   * that was saved, but for a lock: the journal keeps this line, and the next start locks the
   * follower again from it (src/process/engineThread/unsavedLocks.ts). Absent once it is on disk.
   */
  unsaved?: true | undefined;
  /**
   * With `unsaved`, mimik's own lock's kind and time: the journal line is then all that holds the
   * lock, and a start brings it back as what it was (a daily lock the next roll clears, a window's
   * lock its window lifts), not as a lock by hand.
   */
  lockKind?: LockKind | undefined;
  lockedAt?: EpochMs | undefined;
  /**
   * True while the follower's login has no market data: its open positions keep their last
   * price, so its limits are blind to what they lose now, and its openings are held.
   */
  pricesStale?: true | undefined;
  /**
   * The flatten by hand of many followers (a group, every follower) that closed it out and locked
   * it: the notifier says that command once, not once per follower, and no other lock with it.
   */
  command?: FlattenCommand | undefined;
}

/** One flatten command by hand of many followers; `id` tells two of the same target apart. */
export interface FlattenCommand {
  id: number;
  /** "flatten of group main by hand", "flatten of every follower by hand". */
  what: string;
}

export interface RiskSnapshotEvent {
  type: "risk";
  at: EpochMs;
  follower: string;
  netLiq: number;
  dayPnl: number;
  highWaterMark: number;
  /** Dollars left before the daily loss limit; undefined when no limit. */
  roomDaily?: number | undefined;
  /** Dollars left above the trailing floor; undefined when no limit. */
  roomTrailing?: number | undefined;
  /** Dollars left before the weekly loss limit; undefined when no limit. */
  roomWeekly?: number | undefined;
  /** Dollars that may still be given back from the day's peak; undefined when no limit. */
  roomGiveBack?: number | undefined;
  tradesToday: number;
  /**
   * A forced unlock waived the daily loss, give-back, profit target and weekly loss until the
   * 17:00 CT roll: the rooms above leave them out, as the breach check does.
   */
  waived?: true | undefined;
}

export interface SyncStatusEvent {
  type: "syncStatus";
  at: EpochMs;
  follower: string;
  contract: string;
  has: number;
  expects: number;
  inSync: boolean;
}

/** An account of a login that could not be read, in its broker's name and words. */
export interface UnreadableAccountText {
  account: string;
  reason: string;
}

export interface ConnectionStatusEvent {
  type: "connectionStatus";
  at: EpochMs;
  connection: string;
  /** The broker of the connection, so a log line or a journal entry names it. */
  broker: BrokerKind;
  state: ConnectionState;
  reason?: string | undefined;
  /** Why the login's quotes stopped (open P&L goes unpriced); absent while they come. */
  marketData?: string | undefined;
  /** Accounts of the login that could not be read (unknown, nothing copied to them), and why. */
  unreadable?: UnreadableAccountText[] | undefined;
  /** Down because the trader took the login out of the config: by choice, nothing to fix. */
  takenOut?: true | undefined;
}

export interface AlertEvent {
  type: "alert";
  at: EpochMs;
  level: "info" | "warn" | "error";
  message: string;
  follower?: string | undefined;
  group?: string | undefined;
}

/** An account's open positions as its broker reports them (leaders and followers), after each change. */
export interface PositionsEvent {
  type: "positions";
  at: EpochMs;
  account: string;
  /** Non-zero positions only; empty when flat. */
  positions: { contract: string; netPos: number }[];
}

/** A connection's request budget, sent when it changed (at most about once a second). */
export interface BudgetEvent {
  type: "budget";
  at: EpochMs;
  connection: string;
  budget: RateBudget;
}

/** Internal copy latency (leader fill frame received → follower order written), when it changed. */
export interface LatencyEvent {
  type: "latency";
  at: EpochMs;
  p50: number;
  p99: number;
  count: number;
}

/**
 * Issue 14: one thing the mirror did or held back for a follower about one leader working order.
 * The journal keeps every one: what was sent (place, modify, cancel, market), refused, or skipped,
 * with the leader order and the reason.
 */
export interface MirrorEvent {
  type: "mirror";
  at: EpochMs;
  group: string;
  follower: string;
  /** The follower's contract (mapped). */
  contract: string;
  /** The leader order the follower's order mirrors. */
  leaderOrderId: number;
  action: "place" | "modify" | "cancel" | "market" | "skip";
  outcome: "sent" | "rejected" | "skipped";
  reason: string;
  side?: Side | undefined;
  orderType?: string | undefined;
  qty?: number | undefined;
  price?: number | undefined;
  stopPrice?: number | undefined;
  /** TrailingStop: the distance its stop follows the price by (the journal keeps it). */
  trail?: number | undefined;
  clOrdId?: string | undefined;
  orderId?: number | undefined;
}

/** One working order of a follower's, as the screen shows it. */
export interface WorkingOrderLine {
  orderId: number;
  contract: string;
  side: Side;
  orderType: string;
  /** Contracts still to work. */
  qty: number;
  price?: number | undefined;
  stopPrice?: number | undefined;
  /** TrailingStop: its distance, as the broker says or as mimik placed it (undefined: not known). */
  trail?: number | undefined;
  status: string;
  /** The leader order it mirrors; undefined for an order mimik did not place. */
  leaderOrderId?: number | undefined;
}

/** A follower's working orders and the leader orders not mirrored for it (with why), when they changed. */
export interface WorkingOrdersEvent {
  type: "workingOrders";
  at: EpochMs;
  account: string;
  orders: WorkingOrderLine[];
  notMirrored: { leaderOrderId: number; contract: string; reason: string }[];
}

/**
 * Issue 16: a group's trading window changed (evaluated on a timer, never on the copy path): what
 * holds openings back now, if anything, and the next change. Both absent: the group has no windows.
 */
export interface WindowEvent {
  type: "window";
  at: EpochMs;
  group: string;
  held?: WindowReason | undefined;
  next?: { at: EpochMs; text: string } | undefined;
}

export type EngineEvent =
  | WindowEvent
  | LeaderFillEvent
  | BustEvent
  | ResyncEvent
  | MirrorEvent
  | WorkingOrdersEvent
  | CopyEvent
  | ExitPendingEvent
  | FollowerStateEvent
  | RiskSnapshotEvent
  | SyncStatusEvent
  | ConnectionStatusEvent
  | AlertEvent
  | PositionsEvent
  | BudgetEvent
  | LatencyEvent;
