import type { LedgerFill } from "./clearing.js";
import { averagePrice, isOpen, type SimOrder } from "./order.js";

/**
 * The broker's own record of every order request and fill, for tests to judge by (never sent to
 * clients). Orders are read live, so a record always shows the order as it stands now.
 */

export interface OrderRecord {
  /** null when the request was answered with failureReason and no order was made. */
  orderId: number | null;
  accountId: number;
  accountName: string;
  clOrdId: string | undefined;
  isAutomated: boolean;
  symbol: string;
  action: "Buy" | "Sell";
  /** The current version's quantity. */
  qty: number;
  orderType: string;
  /** Tradovate's ordStatus: PendingNew, Suspended (a bracket waiting for its entry), Working, Filled … */
  status: string;
  price?: number | undefined;
  stopPrice?: number | undefined;
  /** TrailingStop: how far its stop follows the best price. */
  trail?: number | undefined;
  timeInForce?: string | undefined;
  filledQty: number;
  avgPrice?: number | undefined;
  /** The entry a bracket or strategy leg waits for. */
  parentId?: number | undefined;
  /** The OCO partner cancelled when this order fills. */
  linkedId?: number | undefined;
  ocoId?: number | undefined;
  strategyId?: number | undefined;
  failureReason?: string | undefined;
  failureText?: string | undefined;
}

export interface FillRecord {
  fillId: number;
  orderId: number;
  accountName: string;
  symbol: string;
  action: "Buy" | "Sell";
  qty: number;
  price: number;
  /** Dollars charged for this fill. */
  fee: number;
  /** false once the fill was busted. */
  active: boolean;
}

type Entry = { order: SimOrder; accountName: string } | { refused: OrderRecord };

export class TradeRecords {
  private readonly entries: Entry[] = [];
  private readonly fillEntries: Array<{ fill: LedgerFill; accountName: string; symbol: string }> = [];

  /** A request answered with failureReason: no order exists. */
  refused(record: OrderRecord): void {
    this.entries.push({ refused: record });
  }

  placed(order: SimOrder, accountName: string): void {
    this.entries.push({ order, accountName });
  }

  filled(fill: LedgerFill, accountName: string, symbol: string): void {
    this.fillEntries.push({ fill, accountName, symbol });
  }

  orders(): OrderRecord[] {
    return this.entries.map((e) => ("refused" in e ? { ...e.refused } : recordOf(e.order, e.accountName)));
  }

  /** Orders that can still trade: working, or waiting for their entry. */
  working(): OrderRecord[] {
    return this.entries.flatMap((e) =>
      "order" in e && isOpen(e.order) ? [recordOf(e.order, e.accountName)] : [],
    );
  }

  fills(): FillRecord[] {
    return this.fillEntries.map(({ fill, accountName, symbol }) => ({
      fillId: fill.id,
      orderId: fill.orderId,
      accountName,
      symbol,
      action: fill.action,
      qty: fill.qty,
      price: fill.price,
      fee: fill.fee,
      active: fill.active,
    }));
  }
}

function recordOf(o: SimOrder, accountName: string): OrderRecord {
  const record: OrderRecord = {
    orderId: o.id,
    accountId: o.accountId,
    accountName,
    clOrdId: o.origin.clOrdId,
    isAutomated: o.origin.isAutomated,
    symbol: o.symbol,
    action: o.action,
    qty: o.qty,
    orderType: o.type,
    status: o.state,
    timeInForce: o.timeInForce,
    filledQty: o.filled,
  };
  const optional = {
    price: o.price,
    stopPrice: o.stopPrice,
    trail: o.type === "TrailingStop" ? o.trail : undefined,
    avgPrice: averagePrice(o),
    parentId: o.parentId,
    linkedId: o.linkedId,
    ocoId: o.ocoId,
    strategyId: o.strategyId,
    failureReason: o.failureReason,
    failureText: o.failureText,
  };
  for (const [k, v] of Object.entries(optional))
    if (v !== undefined) (record as unknown as Record<string, unknown>)[k] = v;
  return record;
}
