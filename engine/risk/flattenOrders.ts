import type { EpochMs, FlattenOrder, FollowerRiskRecord } from "../types.js";

/** How many of a follower's last flatten orders its record keeps. */
const KEPT_FLATTENS = 10;

/**
 * How far a fill's broker time may lie outside the close request's life and still be the close's:
 * the broker's clock against ours, and its fill landing a moment after its answer.
 */
export const CLOSE_SLACK_MS = 5_000;

/**
 * How long after it went a close whose answer never came in (mimik killed while it was on its way)
 * may have filled: the longest a request waits for its answer (Tradovate's and ProjectX's 10 s by
 * default), with room for one set longer. Past that its answer would have been lost and said so.
 */
export const UNANSWERED_LIFE_MS = 30_000;

/**
 * A liquidation about to go, before the broker has it: kept with the record and on disk first, so a
 * kill -9 between the broker taking it and its answer still knows its fill for mimik's. Its answer
 * replaces it (flattenPlaced), a refusal drops it (flattenRefused).
 */
export function flattenSending(
  record: FollowerRiskRecord,
  contract: string,
  sentAt: EpochMs,
): FollowerRiskRecord {
  return keep(record, [...(record.flattenOrders ?? []), { contract, sentAt }]);
}

/**
 * How long after the lock a breach saved, with its closes' entries in it, the first attempt's
 * closes may go under those entries instead of a write of their own (the lock's save is that long).
 */
export const STAMPED_AHEAD_MS = 2_000;

/** The record holds a close of `contract` saved at `sentAt` whose answer is not in. */
export function sendingSaved(record: FollowerRiskRecord, contract: string, sentAt: EpochMs): boolean {
  return (record.flattenOrders ?? []).some((o) => sending(o, { contract, sentAt }));
}

/**
 * One more liquidation of the follower's flatten the broker took, kept with the record so a start
 * after a kill -9 knows it too. A flatten's orders carry no clOrdId of ours (Tradovate's
 * liquidateposition and ProjectX's closeContract take none), so a snapshot's fills of them would
 * otherwise read as the trader's trades by hand.
 */
export function flattenPlaced(record: FollowerRiskRecord, placed: FlattenOrder): FollowerRiskRecord {
  const kept = (record.flattenOrders ?? []).filter((o) => !sameOrder(o, placed) && !sending(o, placed));
  return keep(record, [...kept, placed]);
}

/** The broker refused the liquidation: nothing of it fills, and a fill by hand then is the trader's. */
export function flattenRefused(
  record: FollowerRiskRecord,
  contract: string,
  sentAt: EpochMs,
): FollowerRiskRecord {
  const kept = (record.flattenOrders ?? []).filter((o) => !sending(o, { contract, sentAt }));
  if (kept.length > 0) return keep(record, kept);
  const { flattenOrders: _none, ...rest } = record;
  return rest;
}

/**
 * A snapshot's fill is of mimik's flatten: its order is one a liquidation answered with
 * (Tradovate), or, where the close names no order (ProjectX answers closeContract with nothing, a
 * kill came before the answer), a fill without a clOrdId in that contract whose broker time lies
 * within the close request's life. Only a trade by hand in the same contract within seconds of the
 * close can be taken for it.
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
    const end = o.answeredAt ?? o.sentAt + UNANSWERED_LIFE_MS;
    if (fill.ts >= o.sentAt - CLOSE_SLACK_MS && fill.ts <= end + CLOSE_SLACK_MS) return true;
  }
  return false;
}

/**
 * The attempt the breach's save stamped its closes for has ended (`stampedAt`: the lock's write):
 * every close it sent under that stamp has its answer or refusal in, so one still unanswered was
 * never sent under it (the lock's save took longer than STAMPED_AHEAD_MS and the close went under
 * a write of its own, or our own exit closed the contract first and nothing was liquidated). Kept,
 * it would take a trade by hand in that contract within a request's life for the flatten's.
 */
export function flattenNotSent(record: FollowerRiskRecord, stampedAt: EpochMs): FollowerRiskRecord {
  const orders = record.flattenOrders ?? [];
  const kept = orders.filter(
    (o) => !(o.sentAt === stampedAt && o.orderId === undefined && o.answeredAt === undefined),
  );
  if (kept.length === orders.length) return record;
  if (kept.length > 0) return keep(record, kept);
  const { flattenOrders: _none, ...rest } = record;
  return rest;
}

/**
 * A snapshot's fill was taken for a close that named no order (isFlattenFill by its time): the
 * broker's fill names the order, and from here the close is known by it alone. A trade by hand a
 * moment later in the same contract (its own order) is then the trader's, and the close's own
 * later fills (the same order) are still mimik's. Unchanged when the fill matched by order id.
 */
export function flattenFillSettled(
  record: FollowerRiskRecord,
  fill: { orderId: number; contract: string; ts: EpochMs; clOrdId?: string | undefined },
): FollowerRiskRecord {
  const orders = record.flattenOrders ?? [];
  if (fill.orderId <= 0 || orders.some((o) => o.orderId === fill.orderId)) return record;
  const i = orders.findIndex((o) => o.orderId === undefined && isFlattenFill([o], fill));
  if (i < 0) return record;
  const settled = orders.map((o, j) => (j === i ? { ...o, orderId: fill.orderId } : o));
  return { ...record, flattenOrders: settled };
}

function keep(record: FollowerRiskRecord, orders: FlattenOrder[]): FollowerRiskRecord {
  return { ...record, flattenOrders: orders.slice(-KEPT_FLATTENS) };
}

function sameOrder(a: FlattenOrder, b: FlattenOrder): boolean {
  return a.orderId !== undefined
    ? a.orderId === b.orderId
    : a.contract === b.contract && a.sentAt === b.sentAt;
}

/** `o` is the entry saved before the request `of` went (its answer not in yet). */
function sending(o: FlattenOrder, of: Pick<FlattenOrder, "contract" | "sentAt">): boolean {
  return (
    o.answeredAt === undefined &&
    o.orderId === undefined &&
    o.contract === of.contract &&
    o.sentAt === of.sentAt
  );
}
