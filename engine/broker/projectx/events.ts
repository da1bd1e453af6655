import type {
  BalanceEvent,
  CashBalance,
  ContractSpec,
  FillBustedEvent,
  FillEvent,
  OrderStatusEvent,
  PositionSnapshot,
  RiskStatusEvent,
  WorkingOrder,
} from "../../types.js";
import {
  orderTypeWord,
  type PxContract,
  type PxOrder,
  type PxPosition,
  type PxTrade,
  sideOf,
  statusWord,
} from "./wire.js";

/** The port's events and views built from ProjectX entities: pure, the model keeps the state. */

type NameOf = (contractId: string) => string;

/**
 * The order as the port shows it. ProjectX names no OCO partner or bracket entry on an order
 * (its brackets are placed by ticks and appear as plain orders), so neither link is set; its
 * Pending orders are marked as maybe such legs (the mirror pairs those, and only those, by itself).
 */
export function orderView(o: PxOrder, nameOf: NameOf): WorkingOrder {
  const view: WorkingOrder = {
    orderId: o.id,
    accountId: o.accountId,
    contractId: o.contractId,
    contract: nameOf(o.contractId),
    side: sideOf(o.side),
    qty: o.size,
    filledQty: o.fillVolume,
    status: statusWord(o.status),
  };
  const type = orderTypeWord(o.type);
  if (type !== undefined) view.orderType = type;
  if (o.limitPrice !== undefined) view.price = o.limitPrice;
  if (o.stopPrice !== undefined) view.stopPrice = o.stopPrice;
  if (o.customTag !== undefined) view.clOrdId = o.customTag;
  if (o.created !== undefined) view.placedAt = o.created;
  if (o.status === 6) view.legInWaiting = true;
  return view;
}

/** What an orderUpdate says of an order: an unchanged repeat says nothing. */
export function orderViewKey(v: WorkingOrder): string {
  return `${v.status}|${v.orderType}|${v.qty}|${v.filledQty}|${v.price}|${v.stopPrice}|${v.clOrdId}`;
}

export function fillEvent(
  connection: string,
  nameOf: NameOf,
  f: Omit<FillEvent, "type" | "connection" | "contract">,
): FillEvent {
  return { type: "fill", connection, ...f, contract: nameOf(f.contractId) };
}

export function contractSpec(c: PxContract, name: string): ContractSpec {
  const root = name === c.id ? c.id : name.slice(0, -2);
  return { id: c.id, name, root, tickSize: c.tickSize, pointValue: c.tickValue / c.tickSize };
}

/** The fill a trade is (`qty` of it: a synthesized fill may have counted the rest). */
export function tradeFill(
  connection: string,
  nameOf: NameOf,
  t: PxTrade,
  f: Pick<FillEvent, "qty" | "ts" | "receivedAt" | "clOrdId">,
): FillEvent {
  const { id: fillId, accountId, orderId, contractId, price } = t;
  return fillEvent(connection, nameOf, {
    fillId,
    accountId,
    orderId,
    contractId,
    side: sideOf(t.side),
    price,
    ...f,
  });
}

/**
 * Named by its contract too: the contract's spec is learned only once the account trades it, so a
 * leader order cancelled in a contract it never held could not be told by name (leaderOrderEnded).
 */
export function statusEvent(
  connection: string,
  o: PxOrder,
  status: string,
  nameOf: NameOf,
): OrderStatusEvent {
  const { accountId, id: orderId, contractId, customTag: clOrdId, fillVolume: filledQty } = o;
  const contract = nameOf(contractId);
  return {
    type: "orderStatus",
    connection,
    accountId,
    orderId,
    contractId,
    contract,
    status,
    clOrdId,
    filledQty,
  };
}

/** A voided trade takes back the fill it was (`history`: seen voided in a snapshot). */
export function bustedEvent(fill: FillEvent, history?: true): FillBustedEvent {
  const ev: FillBustedEvent = {
    type: "fillBusted",
    connection: fill.connection,
    accountId: fill.accountId,
    fillId: fill.fillId,
    orderId: fill.orderId,
    contractId: fill.contractId,
    contract: fill.contract,
    side: fill.side,
    qty: fill.qty,
    price: fill.price,
    clOrdId: fill.clOrdId,
  };
  if (history) ev.history = true;
  return ev;
}

export function positionOf(p: PxPosition, nameOf: NameOf): PositionSnapshot {
  return {
    accountId: p.accountId,
    contractId: p.contractId,
    contract: nameOf(p.contractId),
    netPos: p.netPos,
    netPrice: p.netPos === 0 ? undefined : p.averagePrice,
  };
}

export function balanceEvent(connection: string, accountId: number, cash: CashBalance): BalanceEvent {
  return { type: "balance", connection, accountId, ...cash };
}

/** ProjectX says only whether an account may trade: false reads as a broker lock. */
export function riskEvent(connection: string, accountId: number, canTrade: boolean): RiskStatusEvent {
  return {
    type: "riskStatus",
    connection,
    accountId,
    adminAction: canTrade ? "canTrade: true" : "canTrade: false",
    liquidateOnly: false,
    locked: !canTrade,
  };
}
