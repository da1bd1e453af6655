/**
 * A follower's working orders as the screen shows them: every open order of its account (mimik's
 * or not), with the leader order each mirrors, and the leader orders not mirrored for it with why.
 */
import type { WorkingOrder, WorkingOrderLine, WorkingOrdersEvent } from "../types.js";
import { parseMirrorClOrdId } from "./clOrdIds.js";
import type { Held } from "./types.js";

/** `held`: the mirror's own orders, whose trail it remembers where the broker's reports do not say it. */
export function orderLines(
  open: readonly WorkingOrder[],
  accountId: number,
  held: readonly Held[] = [],
): WorkingOrderLine[] {
  const lines: WorkingOrderLine[] = [];
  for (const o of open) {
    if (!o.contract || !o.side || !o.orderType || o.qty === undefined) continue;
    const named = parseMirrorClOrdId(o.clOrdId);
    lines.push({
      orderId: o.orderId,
      contract: o.contract,
      side: o.side,
      orderType: o.orderType,
      qty: Math.max(0, o.qty - (o.filledQty ?? 0)),
      ...(o.price === undefined ? {} : { price: o.price }),
      ...(o.stopPrice === undefined ? {} : { stopPrice: o.stopPrice }),
      ...trailOf(o, held),
      status: o.status ?? "Working",
      ...(named && named.accountId === accountId ? { leaderOrderId: named.leaderOrderId } : {}),
    });
  }
  return lines.sort((a, b) => a.contract.localeCompare(b.contract) || a.orderId - b.orderId);
}

function trailOf(o: WorkingOrder, held: readonly Held[]): { trail?: number } {
  if (o.orderType !== "TrailingStop") return {};
  const trail = o.trail ?? held.find((h) => h.clOrdId === o.clOrdId)?.trail;
  return trail === undefined ? {} : { trail };
}

export type NotMirrored = WorkingOrdersEvent["notMirrored"][number];
