import type { BrokerEvent } from "../../types.js";
import { orderView, orderViewKey, statusEvent } from "./events.js";
import { isOpenStatus, type PxOrder, statusWord } from "./wire.js";

/** One order of a ProjectX login as the model keeps it: its last report and what its trades account for. */
export interface OrderLine {
  order: PxOrder;
  /** Contracts the order's trades (seen, live or history) account for. */
  traded: number;
  /** Contracts synthesized from fillVolume ahead of their trades. */
  synthesized: number;
  lastStatus: string | undefined;
  /** What the last orderUpdate said of it (status, terms, fills): an unchanged repeat says nothing. */
  lastView: string | undefined;
}

/** Contracts the order's fillVolume says filled that neither a trade nor a synthesized fill counted. */
export function gapOf(line: OrderLine): number {
  return line.order.fillVolume - line.traded - line.synthesized;
}

/**
 * Some fills arrive only as GatewayUserTrade, with no GatewayUserOrder after them
 * (projectx-protocol.md "Real time" [community]): an open order's trades are its fills all the
 * same, and once they add up to its size it is filled. Left open, a filled order would be listed
 * as working for good: shown under its follower, cancelled by every flatten (refused: "flatten
 * failed"), and taken for an exit still on its way. True when the trades told more than the order did.
 */
export function catchUpWithTrades(line: OrderLine): boolean {
  const { order } = line;
  if (!isOpenStatus(order.status) || line.traded <= order.fillVolume) return false;
  const fillVolume = Math.min(line.traded, order.size);
  line.order = { ...order, fillVolume, status: fillVolume >= order.size ? 2 : order.status };
  return true;
}

/** What the order's report says that was not said yet: its status, then its terms and fills, each once per change. */
export function newsOf(
  line: OrderLine,
  connection: string,
  nameOf: (contractId: string) => string,
): BrokerEvent[] {
  const events: BrokerEvent[] = [];
  const word = statusWord(line.order.status);
  if (word !== line.lastStatus) {
    line.lastStatus = word;
    events.push(statusEvent(connection, line.order, word, nameOf));
  }
  const order = orderView(line.order, nameOf);
  const view = orderViewKey(order);
  if (view !== line.lastView) {
    line.lastView = view;
    events.push({ type: "orderUpdate", connection, order });
  }
  return events;
}
