import type { SymbolMap } from "../../symbols.js";
import type {
  BrokerAccount,
  BrokerEvent,
  CashBalance,
  ContractSpec,
  FillEvent,
  MonoMs,
  PositionSnapshot,
  SyncEvent,
  WorkingOrder,
} from "../../types.js";
import { historyOf } from "../fills.js";
import { DayCash } from "./dayCash.js";
import {
  balanceEvent,
  bustedEvent,
  contractSpec,
  fillEvent,
  orderView,
  positionOf,
  riskEvent,
  tradeFill,
} from "./events.js";
import { catchUpWithTrades, gapOf, newsOf, type OrderLine } from "./orderLine.js";
import type { Snapshot } from "./snapshot.js";
import { canonicalOf } from "./symbols.js";
import {
  isOpenStatus,
  orderTypeWord,
  type PxAccount,
  type PxContract,
  type PxOrder,
  type PxPosition,
  type PxTrade,
  sideOf,
  statusWord,
} from "./wire.js";

/**
 * The state of one ProjectX login as the port shows it: the configured accounts, their cash and
 * trading permission, positions, live orders, contracts, and the fills. Pure: no I/O, no timers.
 *
 * Fills come from trades (GatewayUserTrade, each with its id). Some fills are reported only by
 * an order's fillVolume [community], so an order whose fillVolume runs ahead of its trades has a
 * gap; the session waits briefly for the trade and then asks the model to `synthesize` the fill
 * from the order. A trade that arrives after that is absorbed, never counted twice.
 */

const FINISHED_ORDERS_KEPT = 5_000;
const TRADE_IDS_KEPT = 100_000;

export class ProjectXModel {
  private allowed = new Map<number, BrokerAccount>();
  private readonly cash: DayCash;
  private readonly canTrade = new Map<number, boolean>();
  private readonly positionsBy = new Map<string, PositionSnapshot>();
  private readonly orders = new Map<number, OrderLine>();
  private readonly trades = new Set<number>();
  /** Live fills emitted, by trade id: a voided trade later names what it takes back. */
  private readonly emitted = new Map<number, FillEvent>();
  /** Contracts traded on orders not heard of yet (hub events out of order): theirs once they come. */
  private readonly early = new Map<number, number>();
  private readonly specs = new Map<string, ContractSpec>();
  private readonly prices = new Map<string, number>();

  constructor(
    private readonly connection: string,
    private readonly symbols: SymbolMap,
    private readonly now: () => number,
  ) {
    this.cash = new DayCash(now);
  }

  // ------------------------------------------------------------------ reads

  accounts(): BrokerAccount[] {
    return [...this.allowed.values()];
  }

  isAllowed(accountId: number): boolean {
    return this.allowed.has(accountId);
  }

  positions(accountId: number): PositionSnapshot[] {
    return [...this.positionsBy.values()].filter((p) => p.accountId === accountId);
  }

  cashBalance(accountId: number): CashBalance | undefined {
    return this.cash.get(accountId);
  }

  workingOrders(accountId: number): WorkingOrder[] {
    const out: WorkingOrder[] = [];
    for (const { order } of this.orders.values())
      if (order.accountId === accountId && isOpenStatus(order.status))
        out.push(orderView(order, this.nameOf));
    return out;
  }

  /** The order's type in the engine's words (Limit, Stop …); undefined when unknown. */
  orderType(orderId: number): string | undefined {
    return orderTypeWord(this.orders.get(orderId)?.order.type);
  }

  /** Contracts the order's fillVolume says filled that neither a trade nor a synthesized fill counted. */
  untraded(orderId: number): number {
    const line = this.orders.get(orderId);
    return line ? gapOf(line) : 0;
  }

  accountOfOrder(orderId: number): number | undefined {
    return this.orders.get(orderId)?.order.accountId;
  }

  contract(id: string): ContractSpec | undefined {
    return this.specs.get(id);
  }

  lastPrice(contractId: string): number | undefined {
    return this.prices.get(contractId);
  }

  /** The canonical name of a ProjectX contract id (the id itself when it is not a futures id). */
  readonly nameOf = (contractId: string): string => canonicalOf(contractId, this.symbols) ?? contractId;

  // ------------------------------------------------------------------ writes

  /** The configured accounts among Account/search's, by name. */
  setAccounts(accounts: readonly PxAccount[], wanted: ReadonlySet<string> | undefined): void {
    this.allowed = new Map();
    for (const a of accounts)
      if (!wanted || wanted.has(a.name.toUpperCase())) this.allowed.set(a.id, { id: a.id, name: a.name });
  }

  learnContract(c: PxContract): ContractSpec {
    const spec = contractSpec(c, this.nameOf(c.id));
    this.specs.set(c.id, spec);
    return spec;
  }

  setPrice(contractId: string, price: number): void {
    this.prices.set(contractId, price);
  }

  /**
   * The REST picture after a (re)connect is the whole truth: positions, live orders and cash
   * start again from it; its trades are history, never fills to copy (new ones go out once for
   * the journal, after the sync). `only`: these accounts read
   * again on a live hub (after a lost answer); other accounts are left as they are.
   */
  applySnapshot(s: Snapshot, initial: boolean, only?: ReadonlySet<number>): BrokerEvent[] {
    const mine = (id: number) => this.allowed.has(id) && (!only || only.has(id));
    for (const key of [...this.positionsBy.keys()])
      if (mine(Number(key.split("|")[0]))) this.positionsBy.delete(key);
    for (const p of s.positions)
      if (mine(p.accountId)) this.positionsBy.set(key(p), positionOf(p, this.nameOf));
    // Order/search lists the window's orders, working and ended, each with its status. One held as
    // working that it leaves out is taken as ended while the hub was down (as Order/searchOpen's
    // answer was read): ProjectX does not say whether its window filters on creation or update.
    // Kept, so a late trade still finds its customTag.
    const listed = new Set([...s.orders, ...s.ended].map((o) => o.id));
    for (const line of this.orders.values()) {
      const { order } = line;
      if (mine(order.accountId) && isOpenStatus(order.status) && !listed.has(order.id))
        line.order = { ...order, status: 0 };
    }
    // An order's fills are history too: Trade/search goes back a day only, so one filled in part
    // before that has no trade here. Only a gap the live events showed still waits for its trade.
    // Ended orders are kept as well: their customTags tell mimik's trades from the trader's.
    const waiting = new Map<number, number>();
    for (const o of [...s.orders, ...s.ended]) {
      if (!mine(o.accountId)) continue;
      const before = this.orders.get(o.id);
      waiting.set(o.id, before ? Math.max(0, gapOf(before)) : 0);
      this.store(o).lastStatus = statusWord(o.status);
    }
    // Trades new to the session are history (made while the hub was away, or before the start):
    // never copied, but each goes out once for the journal; a voided one as a bust the journal
    // may need (one the session had, or an earlier run journaled: the copier's ledger knows).
    const history: BrokerEvent[] = [];
    for (const t of s.trades) {
      if (!mine(t.accountId)) continue;
      if (this.trades.has(t.id)) {
        if (t.voided) history.push(...this.voided(t, true));
        continue;
      }
      this.seeTrade(t.id);
      if (t.voided) {
        history.push(bustedEvent(this.fillOf(t, t.size, 0 as MonoMs), true));
        continue;
      }
      // Counted on its order even when not heard of yet (its hub events lag), or its fillVolume
      // would read as a fill without a trade and be made up a second time.
      const qty = this.traded(t);
      if (qty === 0) continue; // a synthesized fill was it
      const fill = this.fillOf(t, qty, 0 as MonoMs);
      this.emitted.set(t.id, fill);
      history.push(this.orders.has(t.orderId) ? historyOf(fill) : { ...historyOf(fill), orderUnknown: true });
    }
    for (const [id, gap] of waiting) {
      const line = this.orders.get(id)!;
      line.traded = Math.max(line.traded, line.order.fillVolume - line.synthesized - gap);
    }
    for (const a of s.accounts)
      if (mine(a.id) && a.balance !== undefined) this.cash.snapshot(a.id, a.balance, s.trades);
    const sync: SyncEvent = {
      type: "sync",
      connection: this.connection,
      initial,
      accounts: this.accounts().filter((a) => mine(a.id)),
      positions: [...this.positionsBy.values()].filter((p) => mine(p.accountId)),
      fillIds: [],
      fills: history.filter((e) => e.type === "historyFill"),
    };
    const events: BrokerEvent[] = [sync];
    for (const a of s.accounts) {
      if (!mine(a.id)) continue;
      const c = this.cash.get(a.id);
      if (c) events.push(balanceEvent(this.connection, a.id, c));
      this.canTrade.set(a.id, a.canTrade);
      events.push(riskEvent(this.connection, a.id, a.canTrade));
    }
    this.trim();
    events.push(...history);
    return events;
  }

  applyAccount(a: PxAccount): BrokerEvent[] {
    if (!this.allowed.has(a.id)) return [];
    const events: BrokerEvent[] = [];
    if (a.balance !== undefined && this.cash.balance(a.id, a.balance))
      events.push(balanceEvent(this.connection, a.id, this.cash.get(a.id)!));
    if (this.canTrade.get(a.id) !== a.canTrade) {
      this.canTrade.set(a.id, a.canTrade);
      events.push(riskEvent(this.connection, a.id, a.canTrade));
    }
    return events;
  }

  /** An order update: its status as an event, and whether its fillVolume ran ahead of its trades. */
  applyOrder(o: PxOrder): { events: BrokerEvent[]; gap: boolean } {
    if (!this.allowed.has(o.accountId)) return { events: [], gap: false };
    const line = this.store(o);
    catchUpWithTrades(line);
    const events = newsOf(line, this.connection, this.nameOf);
    this.trim();
    return { events, gap: gapOf(line) > 0 };
  }

  applyPosition(p: PxPosition): BrokerEvent[] {
    if (!this.allowed.has(p.accountId)) return [];
    const before = this.positionsBy.get(key(p));
    const snap = positionOf(p, this.nameOf);
    if (before && before.netPos === snap.netPos && before.netPrice === snap.netPrice) return [];
    if (snap.netPos === 0) this.positionsBy.delete(key(p));
    else this.positionsBy.set(key(p), snap);
    if (!before && snap.netPos === 0) return [];
    return [{ type: "position", connection: this.connection, position: snap }];
  }

  /** A trade: a fill, once; a voided trade takes an emitted fill back. */
  applyTrade(t: PxTrade, receivedAt: MonoMs): BrokerEvent[] {
    if (!this.allowed.has(t.accountId)) return [];
    if (t.voided) return this.voided(t);
    if (this.trades.has(t.id)) return [];
    this.seeTrade(t.id);
    const cash = this.cash.trade(t)
      ? [balanceEvent(this.connection, t.accountId, this.cash.get(t.accountId)!)]
      : [];
    const qty = this.traded(t);
    const line = this.orders.get(t.orderId);
    const news = line && catchUpWithTrades(line) ? newsOf(line, this.connection, this.nameOf) : [];
    if (qty === 0) return [...news, ...cash];
    const fill = this.fillOf(t, qty, receivedAt);
    this.emitted.set(t.id, fill);
    return [...news, fill, ...cash];
  }

  /** A new trade counted on its order: the contracts it fills that no synthesized fill already did. */
  private traded(t: PxTrade): number {
    const line = this.orders.get(t.orderId);
    if (!line) {
      this.early.set(t.orderId, (this.early.get(t.orderId) ?? 0) + t.size);
      return t.size;
    }
    line.traded += t.size;
    // What was synthesized from fillVolume already counted these contracts.
    const covered = Math.min(t.size, line.synthesized);
    line.synthesized -= covered;
    return t.size - covered;
  }

  private fillOf(t: PxTrade, qty: number, receivedAt: MonoMs): FillEvent {
    const clOrdId = this.orders.get(t.orderId)?.order.customTag;
    return tradeFill(this.connection, this.nameOf, t, { qty, ts: t.at ?? this.now(), receivedAt, clOrdId });
  }

  /** The order's trade did not come: its fill, from fillVolume and filledPrice. */
  synthesize(orderId: number, receivedAt: MonoMs): BrokerEvent[] {
    const line = this.orders.get(orderId);
    if (!line) return [];
    const gap = gapOf(line);
    if (gap <= 0) return [];
    const o = line.order;
    line.synthesized += gap;
    // A deterministic id of its own (negative: never a trade id), so a repeat is the same fill.
    const id = -(o.id * 1000 + (o.fillVolume % 1000));
    return [
      fillEvent(this.connection, this.nameOf, {
        fillId: id,
        accountId: o.accountId,
        orderId: o.id,
        contractId: o.contractId,
        side: sideOf(o.side),
        qty: gap,
        price: o.filledPrice ?? 0,
        ts: o.updated ?? this.now(),
        receivedAt,
        clOrdId: o.customTag,
      }),
    ];
  }

  // ------------------------------------------------------------------ internals

  private store(o: PxOrder): OrderLine {
    const line = this.orders.get(o.id);
    if (line) {
      // Hub updates may repeat or come out of order: fillVolume never goes back.
      line.order = { ...o, fillVolume: Math.max(o.fillVolume, line.order.fillVolume) };
      return line;
    }
    const fresh: OrderLine = {
      order: o,
      traded: this.early.get(o.id) ?? 0,
      synthesized: 0,
      lastStatus: undefined,
      lastView: undefined,
    };
    this.orders.set(o.id, fresh);
    this.early.delete(o.id);
    return fresh;
  }

  private voided(t: PxTrade, history?: true): BrokerEvent[] {
    const fill = this.emitted.get(t.id);
    if (!fill) {
      this.seeTrade(t.id);
      return [];
    }
    this.emitted.delete(t.id);
    // Still counted as traded on its order: the order's fillVolume keeps the busted contracts, and
    // taken back here they read as a fill whose trade never came, made up again from fillVolume
    // (a phantom leader fill, copied) when the intake's wait for that order ends.
    return [bustedEvent(fill, history)];
  }

  private seeTrade(id: number): void {
    this.trades.add(id);
    for (const kept of [this.trades, this.early, this.emitted]) dropOldest(kept, TRADE_IDS_KEPT);
  }

  /** Finished orders beyond the limit are forgotten, oldest first; never one with a fill gap. */
  private trim(): void {
    if (this.orders.size <= FINISHED_ORDERS_KEPT) return;
    for (const [id, line] of this.orders) {
      if (this.orders.size <= FINISHED_ORDERS_KEPT) break;
      if (!isOpenStatus(line.order.status) && gapOf(line) <= 0) this.orders.delete(id);
    }
  }
}

function key(p: { accountId: number; contractId: string }): string {
  return `${p.accountId}|${p.contractId}`;
}

/** Past the limit, the oldest entry goes. */
function dropOldest(kept: Set<number> | Map<number, unknown>, limit: number): void {
  if (kept.size > limit) kept.delete(kept.keys().next().value as number);
}
