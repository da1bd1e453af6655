import type { FollowerRiskRecord } from "../types.js";

/** How many of a follower's last counted leader orders its record keeps. */
const KEPT_ORDERS = 10;

/**
 * One more of the day's trades, saved with the leader order it was counted for (none for one made
 * up at a re-sync): read back at a start, a later fill of that order is still the same trade, not
 * a new one that max trades per day holds back or counts twice. The last few are enough: the
 * orders whose fills straddle a restart are the ones working at it.
 */
export function countedOpening(record: FollowerRiskRecord, leaderOrderId?: number): FollowerRiskRecord {
  const kept = record.tradeOrders ?? [];
  const tradeOrders =
    leaderOrderId === undefined || kept.includes(leaderOrderId)
      ? kept
      : [...kept, leaderOrderId].slice(-KEPT_ORDERS);
  return {
    ...record,
    tradesToday: (record.tradesToday ?? 0) + 1,
    ...(tradeOrders.length > 0 ? { tradeOrders } : {}),
  };
}
