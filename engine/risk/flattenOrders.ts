import type { EpochMs, FlattenOrder, FollowerRiskRecord } from "../types.js";

/** How many of a follower's last flatten orders its record keeps. */
const KEPT_FLATTENS = 10;

/**
 * How far a fill's broker time may lie outside the close request's life and still be the close's:
 * the broker's clock against ours, and its fill landing a moment after its answer.
 */
export const CLOSE_SLACK_MS = 5_000;

/**
 * One more liquidation of the follower's flatten the broker took, kept with the record so a start
 * after a kill -9 knows it too. A flatten's orders carry no clOrdId of ours (Tradovate's
 * liquidateposition and ProjectX's closeContract take none), so a snapshot's fills of them would
 * otherwise read as the trader's trades by hand.
 */
export function flattenPlaced(record: FollowerRiskRecord, placed: FlattenOrder): FollowerRiskRecord {
  const kept = (record.flattenOrders ?? []).filter((o) => !sameOrder(o, placed));
  return { ...record, flattenOrders: [...kept, placed].slice(-KEPT_FLATTENS) };
}

/**
 * A snapshot's fill is of mimik's flatten: its order is one a liquidation answered with
 * (Tradovate), or, where the close names no order (ProjectX answers closeContract with nothing),
 * a fill without a clOrdId in that contract whose broker time lies within the close request's
 * life. Only a trade by hand in the same contract within seconds of the close can be taken for it.
 */
export function isFlattenFill(
  orders: readonly FlattenOrder[] | undefined,
  fill: { orderId: number; contract: string; ts: EpochMs; clOrdId?: string | undefined },
): boolean {
  for (const o of orders ?? []) {
    if (o.orderId !== undefined) {
      if (o.orderId === fill.orderId) return true;
      continue;
    }
    if (fill.clOrdId !== undefined || o.contract !== fill.contract) continue;
    if (fill.ts >= o.sentAt - CLOSE_SLACK_MS && fill.ts <= o.answeredAt + CLOSE_SLACK_MS) return true;
  }
  return false;
}

function sameOrder(a: FlattenOrder, b: FlattenOrder): boolean {
  return a.orderId !== undefined
    ? a.orderId === b.orderId
    : a.contract === b.contract && a.sentAt === b.sentAt;
}
