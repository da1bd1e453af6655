import type { Booking, Clearing } from "./clearing.js";
import type { ExitSet, LinkAction, Links, SimStrategy } from "./links.js";
import { roundToTick } from "./market.js";
import type { Piece } from "./matching.js";
import {
  type Instrument,
  isOpen,
  type OrderRequest,
  type OrderTerms,
  type Origin,
  opposite,
  remaining,
  type Side,
  type SimOrder,
} from "./order.js";
import type { TradeRecords } from "./records.js";
import type { Phase, Venue } from "./venue.js";

/**
 * An order's life, whatever broker face shows it: created, accepted or rejected, matched by the
 * venue, booked by clearing, revised, cancelled, expired, and the linked orders that follow
 * (links.ts). Callers validate first; nothing here refuses a request. Every change is reported to
 * a TradeReporter, which a broker face renders; `flush` marks where one published batch ends.
 */

export interface TradeReporter {
  placed(o: SimOrder, req: OrderRequest): void;
  accepted(o: SimOrder, req: OrderRequest): void;
  rejected(o: SimOrder, req: OrderRequest | undefined, reason: string, text: string): void;
  revised(o: SimOrder, req: OrderRequest): void;
  activated(o: SimOrder): void;
  canceled(o: SimOrder, req: OrderRequest | undefined): void;
  expired(o: SimOrder): void;
  filled(o: SimOrder, piece: Piece, booking: Booking): void;
  busted(o: SimOrder, booking: Booking): void;
  strategyStarted(s: SimStrategy): void;
  strategyChanged(s: SimStrategy): void;
  strategyLinked(s: SimStrategy, orderId: number, label: string): void;
  flush(): void;
}

export interface NewOrder extends OrderTerms, Instrument {
  action: Side;
}

/** Links an order is born with. */
export interface Linked {
  id?: number;
  parentId?: number;
  linkedId?: number;
  ocoId?: number;
  strategyId?: number;
}

export interface FlowDeps {
  venue: Venue;
  clearing: Clearing;
  links: Links;
  out: TradeReporter;
  records: TradeRecords;
  newId: () => number;
  priceOf: (product: string) => number;
  nameOf: (accountId: number) => string;
  now: () => number;
  /** The exchange is halted (the daily halt, the weekend): nothing trades until the reopen. */
  quiet: () => boolean;
}

export class OrderFlow {
  private readonly orders = new Map<number, SimOrder>();
  readonly get = (orderId: number): SimOrder | undefined => this.orders.get(orderId);

  constructor(private readonly d: FlowDeps) {}

  request(kind: OrderRequest["kind"], origin: Origin): OrderRequest {
    return { id: this.d.newId(), kind, origin };
  }

  /** A new order, announced as PendingNew; accept or reject it next. */
  create(spec: NewOrder, req: OrderRequest, linked: Linked = {}): SimOrder {
    const { id = this.d.newId(), ...links } = linked;
    const o: SimOrder = {
      ...spec,
      ...links,
      id,
      state: "PendingNew",
      filled: 0,
      filledValue: 0,
      triggered: false,
      origin: req.origin,
      versionId: req.id,
      newRequestId: req.id,
    };
    this.orders.set(o.id, o);
    this.d.records.placed(o, this.d.nameOf(o.accountId));
    this.d.out.placed(o, req);
    return o;
  }

  /** Accepted: working, or (a bracket) suspended until its entry fills. Call `start` to match it. */
  accept(o: SimOrder, req: OrderRequest, suspended = false): void {
    o.state = suspended ? "Suspended" : "Working";
    this.d.venue.add(o);
    this.d.out.accepted(o, req);
  }

  reject(o: SimOrder, req: OrderRequest | undefined, reason: string, text: string): void {
    this.rejectAll([o], [req], reason, text);
  }

  /**
   * Orders of one request refused together: all are Rejected before links act, so an OCO
   * partner is not first Canceled by its rejected leg and then Rejected too.
   */
  rejectAll(
    orders: readonly SimOrder[],
    reqs: readonly (OrderRequest | undefined)[],
    reason: string,
    text: string,
  ): void {
    orders.forEach((o, i) => {
      o.state = "Rejected";
      o.failureReason = reason;
      o.failureText = text;
      this.d.venue.remove(o.id);
      this.d.out.rejected(o, reqs[i], reason, text);
    });
    for (const o of orders) {
      this.apply(this.d.links.afterEnd(o, this.get));
      this.strategyProgress(o);
    }
  }

  /** Match an order that just became live, then publish. */
  start(o: SimOrder): void {
    this.match(o, "entry");
    this.d.out.flush();
  }

  revise(o: SimOrder, terms: OrderTerms, req: OrderRequest): void {
    Object.assign(o, terms);
    o.versionId = req.id;
    o.triggered = false;
    this.d.links.revised(o, this.get);
    this.d.out.revised(o, req);
    this.match(o, "entry");
    this.d.out.flush();
  }

  cancel(o: SimOrder, req: OrderRequest | undefined): void {
    this.end(o, "Canceled", req);
    this.d.out.flush();
  }

  /** Cancel the contract's open orders, then close the position at market. Returns the closing order. */
  liquidate(instrument: Instrument, origin: Origin): SimOrder | undefined {
    for (const o of this.d.venue.orders(
      (w) => w.accountId === instrument.accountId && w.contractId === instrument.contractId,
    ))
      this.cancel(o, this.request("Cancel", origin));
    const pos = this.d.clearing.netPos(instrument.accountId, instrument.contractId);
    if (pos === 0) return undefined;
    const req = this.request("New", origin);
    const o = this.create(
      {
        ...instrument,
        action: pos > 0 ? "Sell" : "Buy",
        type: "Market",
        qty: Math.abs(pos),
        timeInForce: "Day",
      },
      req,
    );
    this.accept(o, req);
    this.start(o);
    return o;
  }

  /** Take a fill back (an exchange bust): position, cash and pairs follow. */
  bust(fillId: number): Booking {
    const booking = this.d.clearing.bust(fillId);
    this.d.out.busted(this.orders.get(booking.fill.orderId)!, booking);
    this.d.out.flush();
    return booking;
  }

  /**
   * The price moved (or, "open", the market reopened at it): trailing stops follow, expired
   * orders end, reached orders trade.
   */
  onPrice(product: string, price: number, phase: Phase = "tick"): void {
    this.d.venue.trail(product, price);
    const now = this.d.now();
    for (const o of this.d.venue.orders((w) => w.product === product)) {
      if (!isOpen(o)) continue;
      if (o.expireTime !== undefined && o.timeInForce === "GTD" && Date.parse(o.expireTime) <= now)
        this.end(o, "Expired");
      else this.match(o, phase);
      this.d.out.flush();
    }
  }

  /**
   * The session closed: every open order `due` says ends Expired. All end before links act, so a
   * Day bracket pair reads Expired twice, not Canceled by its partner (as `rejectAll` does).
   */
  expireAll(due: (o: SimOrder) => boolean): SimOrder[] {
    const ended = this.d.venue.orders(due);
    for (const o of ended) {
      o.state = "Expired";
      this.d.venue.remove(o.id);
      this.d.out.expired(o);
    }
    for (const o of ended) {
      this.apply(this.d.links.afterEnd(o, this.get));
      this.strategyProgress(o);
    }
    this.d.out.flush();
    return ended;
  }

  // ------------------------------------------------------------------------------------------

  private match(o: SimOrder, phase: Phase): void {
    // An order entered or moved in the halt waits for the reopen like a resting one: no trade
    // prints there, and one booked at the halt's price would fall on the closed trade date.
    const pieces =
      phase === "entry" && this.d.quiet() ? [] : this.d.venue.due(o, this.d.priceOf(o.product), phase);
    const immediate = phase === "entry" && (o.type === "Market" || o.type === "Limit");
    if (immediate && o.timeInForce === "FOK" && pieces.reduce((s, p) => s + p.qty, 0) < remaining(o)) {
      this.end(o, "Canceled");
      return;
    }
    for (const piece of pieces) {
      if (o.state !== "Working") break;
      this.execute(o, piece);
    }
    if (immediate && o.timeInForce === "IOC" && o.state === "Working") this.end(o, "Canceled");
  }

  private execute(o: SimOrder, piece: Piece): void {
    const booking = this.d.clearing.book({
      id: this.d.newId(),
      orderId: o.id,
      accountId: o.accountId,
      contractId: o.contractId,
      product: o.product,
      action: o.action,
      qty: piece.qty,
      price: piece.price,
    });
    o.filled += piece.qty;
    o.filledValue += piece.qty * piece.price;
    if (o.filled >= o.qty) {
      o.state = "Filled";
      this.d.venue.remove(o.id);
    }
    this.d.records.filled(booking.fill, this.d.nameOf(o.accountId), o.symbol);
    this.d.out.filled(o, piece, booking);
    this.apply(this.d.links.afterFill(o, this.get));
    this.strategyProgress(o);
    this.d.out.flush();
  }

  private end(o: SimOrder, state: "Canceled" | "Expired", req?: OrderRequest): void {
    if (!isOpen(o)) return;
    o.state = state;
    this.d.venue.remove(o.id);
    if (state === "Canceled") this.d.out.canceled(o, req);
    else this.d.out.expired(o);
    this.apply(this.d.links.afterEnd(o, this.get));
    this.strategyProgress(o);
  }

  private apply(actions: readonly LinkAction[]): void {
    for (const a of actions) {
      if (a.kind === "createLegs") {
        this.createLegs(a.set.strategyId!, a.set, a.qty);
        continue;
      }
      const o = this.orders.get(a.orderId);
      if (!o || !isOpen(o)) continue;
      switch (a.kind) {
        case "cancel":
          this.end(o, "Canceled");
          break;
        case "reject":
          this.reject(o, undefined, a.reason, a.text);
          break;
        case "resize":
          this.resize(o, a.qty);
          break;
        case "activate":
          if (a.qty !== o.qty) this.resize(o, a.qty);
          o.state = "Working";
          this.d.out.activated(o);
          this.match(o, "entry");
          break;
      }
    }
  }

  /** The server itself changes the quantity (brackets follow their entry): a Modify without a client. */
  private resize(o: SimOrder, qty: number): void {
    const req = this.request("Modify", {
      userId: o.origin.userId,
      sessionId: 0,
      isAutomated: o.origin.isAutomated,
    });
    o.qty = qty;
    o.versionId = req.id;
    this.d.out.revised(o, req);
  }

  /** A strategy bracket's legs, priced from the entry's average fill: profit target and stop. */
  private createLegs(strategyId: number, set: ExitSet, qty: number): void {
    const s = this.d.links.strategy(strategyId)!;
    const entry = this.orders.get(s.entryId)!;
    const bracket = set.bracket!;
    const avg = entry.filledValue / entry.filled;
    const action = opposite(entry.action);
    const at = (offset: number) => roundToTick(avg + offset, entry.tickSize);
    const terms: Array<{ label: string; terms: OrderTerms }> = [];
    if (bracket.profitTarget !== undefined)
      terms.push({
        label: `Target ${s.sets.indexOf(set.id) + 1}`,
        terms: { type: "Limit", qty, price: at(bracket.profitTarget), timeInForce: "GTC" },
      });
    if (bracket.stopLoss !== undefined)
      terms.push({
        label: `Stop ${s.sets.indexOf(set.id) + 1}`,
        terms: bracket.trailingStop
          ? {
              type: "TrailingStop",
              qty,
              stopPrice: at(bracket.stopLoss),
              trail: Math.abs(bracket.stopLoss),
              timeInForce: "GTC",
            }
          : { type: "Stop", qty, stopPrice: at(bracket.stopLoss), timeInForce: "GTC" },
      });
    const ids = terms.map(() => this.d.newId());
    const legs = terms.map(({ label, terms: t }, i) => {
      const req = this.request(
        "New",
        entry.origin.clOrdId ? { ...entry.origin, clOrdId: undefined } : entry.origin,
      );
      const partner = ids.length === 2 ? ids[1 - i] : undefined;
      const o = this.create({ ...instrumentOf(entry), action, ...t }, req, {
        id: ids[i]!,
        parentId: entry.id,
        strategyId,
        ...(partner !== undefined ? { linkedId: partner, ocoId: ids[0]! } : {}),
      });
      this.d.out.strategyLinked(s, o.id, label);
      this.accept(o, req);
      return o;
    });
    this.d.links.attachLegs(set, ids);
    for (const o of legs) this.match(o, "entry");
  }

  private strategyProgress(o: SimOrder): void {
    if (o.strategyId === undefined) return;
    const s = this.d.links.strategy(o.strategyId);
    if (!s || s.status !== "ActiveStrategy" || !this.d.links.finished(s, this.get)) return;
    s.status = "ExecutionFinished";
    this.d.out.strategyChanged(s);
  }

  /** Stop a strategy: its open orders are cancelled. */
  interrupt(s: SimStrategy, origin: Origin): void {
    if (s.status !== "ActiveStrategy") return;
    s.status = "ExecutionInterrupted";
    for (const id of this.d.links.strategyOrders(s)) {
      const o = this.orders.get(id);
      if (o && isOpen(o)) this.end(o, "Canceled", this.request("Cancel", origin));
    }
    this.d.out.strategyChanged(s);
    this.d.out.flush();
  }
}

export function instrumentOf(o: Instrument): Instrument {
  return {
    accountId: o.accountId,
    contractId: o.contractId,
    symbol: o.symbol,
    product: o.product,
    tickSize: o.tickSize,
  };
}
