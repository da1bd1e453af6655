import type { FollowerState, LockKind, RiskSnapshotEvent } from "../types.js";
import type { FollowerRisk } from "./followerRisk.js";
import { type LimitRoom, type RiskFigures, roomToLimits, tradesLeft } from "./limits.js";
import { dayPnl } from "./netLiq.js";

/** Everything the screen and `mimik status` show for one follower. */
export interface FollowerRiskView extends LimitRoom {
  follower: string;
  group: string | undefined;
  configured: boolean;
  state: FollowerState;
  lockKind: LockKind | undefined;
  lockReason: string | undefined;
  lockedAt: number | undefined;
  tradingDay: string | undefined;
  cashBalance: number | undefined;
  netLiq: number | undefined;
  startOfDayBalance: number | undefined;
  dayPnl: number | undefined;
  highWaterMark: number | undefined;
  tradesToday: number;
  brokerLocked: boolean;
  brokerAdminAction: string;
  /** A flatten is under way (LIQUIDATE_ONLY) and has made this many attempts. */
  flattenAttempts: number;
  /** The record shown is in memory only: its save failed and is being retried. */
  unsaved: boolean;
  /** Its login has no market data: positions at their last price, openings held. */
  pricesStale: boolean;
  /** A forced unlock waived its daily and weekly limits until the 17:00 CT roll: no room shown against them. */
  waived: boolean;
}

/** The limit figures at a net liquidation: a missing start of day or high-water mark is the net liq itself. */
export function riskFigures(f: FollowerRisk, netLiq: number): RiskFigures {
  return {
    netLiq,
    startOfDayBalance: f.record.startOfDayBalance ?? netLiq,
    highWaterMark: f.record.highWaterMark ?? netLiq,
    tradesToday: f.record.tradesToday ?? 0,
    weekStartBalance: f.record.weekStartBalance,
    dayPeak: f.record.dayPeak,
  };
}

export function riskSnapshotEvent(f: FollowerRisk, netLiq: number, at: number): RiskSnapshotEvent {
  const figures = riskFigures(f, netLiq);
  // Limits waived today hold nothing back: room against them would read as if they did.
  const room = roomToLimits(f.effectiveLimits, figures);
  return {
    type: "risk",
    at,
    follower: f.name,
    netLiq,
    dayPnl: dayPnl(netLiq, figures.startOfDayBalance),
    highWaterMark: figures.highWaterMark,
    roomDaily: room.roomDaily,
    roomTrailing: room.roomTrailing,
    roomWeekly: room.roomWeekly,
    roomGiveBack: room.roomGiveBack,
    tradesToday: figures.tradesToday,
    ...(f.waived ? { waived: true as const } : {}),
  };
}

export function riskView(
  f: FollowerRisk,
  extra: { flattenAttempts: number; unsaved: boolean },
): FollowerRiskView {
  const { cash } = f.holdings;
  const netLiq = cash === undefined ? undefined : f.holdings.netLiq;
  const r = f.record;
  const room: LimitRoom =
    netLiq === undefined
      ? { tradesLeft: tradesLeft(f.limits, r.tradesToday ?? 0) }
      : roomToLimits(f.effectiveLimits, riskFigures(f, netLiq));
  return {
    ...room,
    follower: f.name,
    group: f.group,
    configured: f.configured,
    state: r.state,
    lockKind: r.lockKind,
    lockReason: r.lockReason,
    lockedAt: r.lockedAt,
    tradingDay: r.tradingDay,
    cashBalance: cash,
    netLiq,
    startOfDayBalance: r.startOfDayBalance,
    dayPnl:
      netLiq !== undefined && r.startOfDayBalance !== undefined
        ? dayPnl(netLiq, r.startOfDayBalance)
        : undefined,
    highWaterMark: r.highWaterMark,
    tradesToday: r.tradesToday ?? 0,
    brokerLocked: f.gate.brokerLocked,
    brokerAdminAction: f.broker.adminAction,
    flattenAttempts: extra.flattenAttempts,
    unsaved: extra.unsaved,
    pricesStale: f.pricesStale,
    waived: f.waived,
  };
}
