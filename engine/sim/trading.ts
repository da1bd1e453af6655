import { z } from "zod";
import type { Book, SimUser } from "./book.js";
import type {
  AccountEntity,
  AccountRiskStatusEntity,
  CashBalanceEntity,
  CommandEntity,
  ContractEntity,
  EntityType,
  FillEntity,
  OrderEntity,
  OrderVersionEntity,
  PositionEntity,
  ProductEntity,
  PropsEvent,
  UserAccountAutoLiqEntity,
} from "./entities.js";
import { applyFill, type Lot, netPos, netPrice, openPoints } from "./lots.js";
import type { Market } from "./market.js";
import { fail, ok, type Reply } from "./reply.js";

/**
 * The simulated exchange and clearing: order placement, cancel, liquidation, fills, FIFO
 * positions, cash and the server-side daily-loss auto-liquidation. Every change is emitted as
 * Tradovate `props` events in Tradovate's order (tradovate-protocol.md §3.6).
 */

export interface Caller {
  user: SimUser;
  /** 0 for trades placed "by hand" through the control API. */
  sessionId: number;
}

export type Publish = (accountId: number, events: PropsEvent[]) => void;

export interface OrderRecord {
  orderId: number | null;
  accountId: number;
  accountName: string;
  clOrdId: string | undefined;
  isAutomated: boolean;
  symbol: string;
  action: "Buy" | "Sell";
  qty: number;
  orderType: string;
  status: string;
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
}

export interface Rejection {
  failureReason: string;
  failureText: string;
  /** "reply": placeorder answers with failureReason; "event": accepted, then order Rejected. */
  mode: "reply" | "event";
}

const placeOrderBody = z.looseObject({
  accountSpec: z.string().optional(),
  accountId: z.number().int().optional(),
  clOrdId: z.string().max(64).optional(),
  action: z.enum(["Buy", "Sell"]),
  symbol: z.union([z.string().min(1), z.number().int()]),
  orderQty: z.number().int().positive(),
  orderType: z.enum([
    "Market",
    "Limit",
    "Stop",
    "StopLimit",
    "MIT",
    "QTS",
    "TrailingStop",
    "TrailingStopLimit",
  ]),
  price: z.number().optional(),
  stopPrice: z.number().optional(),
  timeInForce: z.enum(["Day", "FOK", "GTC", "GTD", "IOC"]).optional(),
  text: z.string().max(64).optional(),
  customTag50: z.string().max(64).optional(),
  isAutomated: z.boolean().optional(),
});
type PlaceOrderBody = z.infer<typeof placeOrderBody>;

const cancelOrderBody = z.looseObject({
  orderId: z.number().int(),
  clOrdId: z.string().max(64).optional(),
  isAutomated: z.boolean().optional(),
});

const liquidateBody = z.looseObject({
  accountId: z.number().int(),
  contractId: z.number().int(),
  admin: z.boolean().optional(),
  customTag50: z.string().max(64).optional(),
  isAutomated: z.boolean().optional(),
});

function violation(error: z.ZodError): Reply {
  return fail(
    400,
    `Violation: ${error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`,
  );
}

const denied = (text = "Access is denied") => ok({ failureReason: "UnknownReason", failureText: text });
const cents = (n: number): number => Math.round(n * 100) / 100;

interface Working {
  order: OrderEntity;
  version: OrderVersionEntity;
  command: CommandEntity;
  contract: ContractEntity;
  product: ProductEntity;
  record: OrderRecord;
}

export class Trading {
  private readonly rejections = new Map<string, Rejection>();
  private readonly lots = new Map<string, Lot[]>();
  private readonly working = new Map<number, Working>();
  private readonly orderRecords: OrderRecord[] = [];
  private readonly fillRecords: FillRecord[] = [];
  /** Entities owned by each order, oldest order first, so old history can be dropped. */
  private readonly history = new Map<number, Array<[EntityType, number]>>();

  constructor(
    private readonly book: Book,
    private readonly market: Market,
    private readonly publish: Publish,
    /** Finished orders kept in the book (and in sync snapshots); older ones are dropped. */
    private readonly historyLimit = 5000,
  ) {}

  /** Publish a batch and remember which order owns each entity it created. */
  private emit(accountId: number, events: PropsEvent[]): void {
    let owner: number | undefined;
    for (const { d } of events) {
      if (d.eventType !== "Created" || Array.isArray(d.entity)) continue;
      const e = d.entity;
      if (d.entityType === "order") owner = e.id;
      else if (typeof e.orderId === "number") owner = e.orderId;
      else if (d.entityType === "commandReport")
        owner = this.book.get("command", e.commandId as number)?.orderId as number | undefined;
      if (owner === undefined || d.entityType === "position") continue;
      let list = this.history.get(owner);
      if (!list) {
        list = [];
        this.history.set(owner, list);
      }
      list.push([d.entityType, e.id]);
    }
    this.publish(accountId, events);
    this.prune();
  }

  private prune(): void {
    while (this.history.size > this.historyLimit) {
      const [orderId, owned] = this.history.entries().next().value as [number, Array<[EntityType, number]>];
      if (this.working.has(orderId)) return;
      this.history.delete(orderId);
      for (const [type, id] of owned) this.book.remove(type, id);
    }
  }

  setRejection(accountName: string, rejection: Rejection | null): void {
    if (!this.book.accountByName(accountName)) throw new Error(`unknown account ${accountName}`);
    if (rejection) this.rejections.set(accountName, rejection);
    else this.rejections.delete(accountName);
  }

  // ------------------------------------------------------------------------------------------
  // Endpoints

  placeOrder(caller: Caller, raw: unknown): Reply {
    const parsed = placeOrderBody.safeParse(raw);
    if (!parsed.success) return violation(parsed.error);
    const body = parsed.data;
    const resolved = this.resolveAccount(caller, body);
    if (!resolved.ok) return resolved.reply;
    const account = resolved.account;
    const contract =
      typeof body.symbol === "number"
        ? this.book.get<ContractEntity>("contract", body.symbol)
        : this.book.contractByName(body.symbol);
    if (!contract) return denied();
    const product = this.book.productOf(contract.id)!;
    if (body.orderType !== "Market" && body.orderType !== "Limit" && body.orderType !== "Stop") {
      return ok({
        failureReason: "Unsupported",
        failureText: `The simulator does not support ${body.orderType} orders`,
      });
    }
    if (body.orderType === "Limit" && body.price === undefined)
      return violation(
        new z.ZodError([
          { code: "custom", path: ["price"], message: "required for Limit orders", input: undefined },
        ]),
      );
    if (body.orderType === "Stop" && body.stopPrice === undefined)
      return violation(
        new z.ZodError([
          { code: "custom", path: ["stopPrice"], message: "required for Stop orders", input: undefined },
        ]),
      );

    const record: OrderRecord = {
      orderId: null,
      accountId: account.id,
      accountName: account.name,
      clOrdId: body.clOrdId,
      isAutomated: body.isAutomated ?? false,
      symbol: contract.name,
      action: body.action,
      qty: body.orderQty,
      orderType: body.orderType,
      status: "Rejected",
    };
    const risk = this.book.get<AccountRiskStatusEntity>("accountRiskStatus", account.id);
    const rejection: Rejection | undefined =
      risk && risk.adminAction !== "Normal"
        ? { failureReason: "TradingLocked", failureText: "Trading is locked for this account", mode: "reply" }
        : this.rejections.get(account.name);
    if (rejection?.mode === "reply") {
      record.failureReason = rejection.failureReason;
      record.failureText = rejection.failureText;
      this.orderRecords.push(record);
      return ok({ failureReason: rejection.failureReason, failureText: rejection.failureText });
    }

    const events: PropsEvent[] = [];
    const w = this.createOrder(caller, account, contract, product, body, record, events);
    if (rejection) {
      this.reject(w, rejection, events);
    } else {
      this.accept(w, events);
      const price = this.market.price(product.name)!;
      if (this.marketable(w, price)) this.fill(w, price, events);
      else this.working.set(w.order.id, w);
    }
    this.emit(account.id, events);
    if (!rejection) this.checkAutoLiq(account.id);
    return ok({ orderId: w.order.id });
  }

  cancelOrder(caller: Caller, raw: unknown): Reply {
    const parsed = cancelOrderBody.safeParse(raw);
    if (!parsed.success) return violation(parsed.error);
    const order = this.book.get<OrderEntity>("order", parsed.data.orderId);
    if (!order || !caller.user.accountIds.includes(order.accountId)) return denied("Order not found");
    const w = this.working.get(order.id);
    if (!w) return ok({ failureReason: "TooLate", failureText: `Order is ${order.ordStatus}, not working` });
    const events: PropsEvent[] = [];
    const commandId = this.cancel(caller, w, events, parsed.data.clOrdId, parsed.data.isAutomated ?? false);
    this.emit(order.accountId, events);
    return ok({ commandId });
  }

  liquidatePosition(caller: Caller, raw: unknown): Reply {
    const parsed = liquidateBody.safeParse(raw);
    if (!parsed.success) return violation(parsed.error);
    const { accountId, contractId } = parsed.data;
    if (!caller.user.accountIds.includes(accountId)) return denied();
    const contract = this.book.get<ContractEntity>("contract", contractId);
    if (!contract) return denied("Unknown contract");
    const orderId = this.liquidate(caller, accountId, contract, parsed.data.isAutomated ?? false);
    if (orderId === undefined)
      return ok({ failureReason: "UnknownReason", failureText: "No open position to liquidate" });
    return ok({ orderId });
  }

  cashBalanceSnapshot(caller: Caller, raw: unknown): Reply {
    const accountId = (raw as { accountId?: unknown } | undefined)?.accountId;
    if (typeof accountId !== "number") return fail(400, "Violation: accountId: required");
    if (!caller.user.accountIds.includes(accountId)) return ok({ errorText: "Access is denied" });
    const cash = this.book.get<CashBalanceEntity>("cashBalance", accountId)!;
    const openPnL = this.openPnL(accountId);
    return ok({
      totalCashValue: cash.amount,
      totalPnL: cents(cash.realizedPnL + openPnL),
      initialMargin: 0,
      maintenanceMargin: 0,
      netLiq: cents(cash.amount + openPnL),
      openPnL,
      realizedPnL: cash.realizedPnL,
      weekRealizedPnL: cash.weekRealizedPnL,
    });
  }

  /** Resting orders trigger on every price change; then daily-loss limits are checked. */
  onPrice(product: string, price: number): void {
    for (const w of [...this.working.values()]) {
      if (w.product.name !== product || !this.marketable(w, price)) continue;
      const events: PropsEvent[] = [];
      this.fill(w, w.version.orderType === "Limit" ? w.version.price! : price, events);
      this.working.delete(w.order.id);
      this.emit(w.order.accountId, events);
    }
    for (const [key, lots] of this.lots) {
      if (lots.length === 0) continue;
      const accountId = Number(key.split(":")[0]);
      const contract = this.book.get<ContractEntity>("contract", Number(key.split(":")[1]))!;
      if (this.book.productOf(contract.id)?.name === product) this.checkAutoLiq(accountId);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Records for tests

  records() {
    return {
      orders: this.orderRecords.map((r) => ({ ...r })),
      fills: this.fillRecords.slice(),
      positions: [...this.book.all<PositionEntity>("position")].map((p) => ({
        accountName: this.book.get<AccountEntity>("account", p.accountId)!.name,
        accountId: p.accountId,
        contract: this.book.get<ContractEntity>("contract", p.contractId)!.name,
        contractId: p.contractId,
        netPos: p.netPos,
        netPrice: p.netPrice,
      })),
      cashBalances: [...this.book.all<CashBalanceEntity>("cashBalance")].map((c) => ({
        accountName: this.book.get<AccountEntity>("account", c.accountId)!.name,
        accountId: c.accountId,
        amount: c.amount,
        realizedPnL: c.realizedPnL,
        openPnL: this.openPnL(c.accountId),
      })),
    };
  }

  // ------------------------------------------------------------------------------------------
  // Internals

  /** accountId wins; accountSpec (the account name) is the fallback, as in Tradovate's examples. */
  private resolveAccount(
    caller: Caller,
    body: PlaceOrderBody,
  ): { ok: true; account: AccountEntity } | { ok: false; reply: Reply } {
    let account: AccountEntity | undefined;
    if (body.accountId !== undefined) {
      account = this.book.get<AccountEntity>("account", body.accountId);
    } else if (body.accountSpec !== undefined) {
      account = this.book.accountByName(body.accountSpec);
    } else {
      return { ok: false, reply: fail(400, "Violation: accountId or accountSpec is required") };
    }
    if (!account || !caller.user.accountIds.includes(account.id)) return { ok: false, reply: denied() };
    return { ok: true, account };
  }

  private createOrder(
    caller: Caller,
    account: AccountEntity,
    contract: ContractEntity,
    product: ProductEntity,
    body: Pick<
      PlaceOrderBody,
      | "action"
      | "orderQty"
      | "orderType"
      | "price"
      | "stopPrice"
      | "timeInForce"
      | "text"
      | "clOrdId"
      | "customTag50"
      | "isAutomated"
    >,
    record: OrderRecord,
    events: PropsEvent[],
  ): Working {
    const b = this.book;
    const ts = b.timestamp();
    const orderId = b.newId();
    const commandId = b.newId();
    const command = b.create<CommandEntity>(
      "command",
      {
        id: commandId,
        orderId,
        timestamp: ts,
        ...(body.clOrdId !== undefined ? { clOrdId: body.clOrdId } : {}),
        commandType: "New",
        commandStatus: "AtExecution",
        senderId: caller.user.id,
        userSessionId: caller.sessionId,
        isAutomated: body.isAutomated ?? false,
        ...(body.customTag50 !== undefined ? { customTag50: body.customTag50 } : {}),
      },
      events,
    );
    const order = b.create<OrderEntity>(
      "order",
      {
        id: orderId,
        accountId: account.id,
        contractId: contract.id,
        timestamp: ts,
        action: body.action,
        ordStatus: "PendingNew",
        executionProviderId: 1,
        admin: false,
      },
      events,
    );
    const version = b.create<OrderVersionEntity>(
      "orderVersion",
      {
        id: commandId,
        orderId,
        orderQty: body.orderQty,
        orderType: body.orderType,
        ...(body.price !== undefined && body.orderType === "Limit" ? { price: body.price } : {}),
        ...(body.stopPrice !== undefined && body.orderType === "Stop" ? { stopPrice: body.stopPrice } : {}),
        timeInForce: body.timeInForce ?? "Day",
        ...(body.text !== undefined ? { text: body.text } : {}),
      },
      events,
    );
    record.orderId = orderId;
    record.status = "PendingNew";
    this.orderRecords.push(record);
    return { order, version, command, contract, product, record };
  }

  private accept(w: Working, events: PropsEvent[]): void {
    const b = this.book;
    b.create(
      "commandReport",
      {
        id: b.newId(),
        commandId: w.command.id,
        timestamp: b.timestamp(),
        commandStatus: "RiskPassed",
        ordStatus: "PendingNew",
      },
      events,
    );
    this.report(w, "New", "Working", events, { cumQty: 0 });
    b.update("order", w.order, { ordStatus: "Working" }, events);
    w.record.status = "Working";
  }

  private reject(w: Working, r: Rejection, events: PropsEvent[]): void {
    const b = this.book;
    b.create(
      "commandReport",
      {
        id: b.newId(),
        commandId: w.command.id,
        timestamp: b.timestamp(),
        commandStatus: "RiskRejected",
        ordStatus: "Rejected",
        rejectReason: r.failureReason,
        text: r.failureText,
      },
      events,
    );
    this.report(w, "Rejected", "Rejected", events, {
      cumQty: 0,
      rejectReason: r.failureReason,
      text: r.failureText,
    });
    b.update("order", w.order, { ordStatus: "Rejected" }, events);
    w.record.status = "Rejected";
    w.record.failureReason = r.failureReason;
    w.record.failureText = r.failureText;
  }

  private report(
    w: Working,
    execType: string,
    ordStatus: string,
    events: PropsEvent[],
    extra: Record<string, unknown>,
  ): void {
    const b = this.book;
    const id = b.newId();
    b.create(
      "executionReport",
      {
        id,
        commandId: w.command.id,
        name: w.contract.name,
        accountId: w.order.accountId,
        contractId: w.contract.id,
        timestamp: b.timestamp(),
        tradeDate: b.tradeDate(),
        orderId: w.order.id,
        execType,
        execRefId: String(id),
        action: w.order.action,
        ordStatus,
        exchangeOrderId: `SIM${w.order.id}`,
        ...extra,
      },
      events,
    );
  }

  private marketable(w: Working, price: number): boolean {
    const v = w.version;
    const buy = w.order.action === "Buy";
    if (v.orderType === "Market") return true;
    if (v.orderType === "Limit") return buy ? price <= v.price! : price >= v.price!;
    if (v.orderType === "Stop") return buy ? price >= v.stopPrice! : price <= v.stopPrice!;
    return false;
  }

  private fill(w: Working, price: number, events: PropsEvent[]): void {
    const b = this.book;
    const { order, contract, product } = w;
    const qty = w.version.orderQty;
    this.report(w, "Trade", "Filled", events, { cumQty: qty, avgPx: price, lastQty: qty, lastPx: price });
    const key = `${order.accountId}:${contract.id}`;
    const fillId = b.newId();
    const lotResult = applyFill(this.lots.get(key) ?? [], { id: fillId, action: order.action, qty, price });
    this.lots.set(key, lotResult.lots);
    const paired = lotResult.pairs.reduce((sum, p) => sum + p.qty, 0);
    b.create<FillEntity>(
      "fill",
      {
        id: fillId,
        orderId: order.id,
        contractId: contract.id,
        timestamp: b.timestamp(),
        tradeDate: b.tradeDate(),
        action: order.action,
        qty,
        price,
        active: true,
        finallyPaired: paired,
        external: false,
      },
      events,
    );
    b.update("order", order, { ordStatus: "Filled" }, events);
    w.record.status = "Filled";
    const account = b.get<AccountEntity>("account", order.accountId)!;
    this.fillRecords.push({
      fillId,
      orderId: order.id,
      accountName: account.name,
      symbol: contract.name,
      action: order.action,
      qty,
      price,
    });

    const buy = order.action === "Buy";
    const np = netPrice(lotResult.lots);
    const patch = {
      timestamp: b.timestamp(),
      netPos: netPos(lotResult.lots),
      ...(np !== undefined ? { netPrice: np } : {}),
    };
    let position = b.position(order.accountId, contract.id);
    if (position) {
      if (np === undefined) delete position.netPrice;
      b.update<PositionEntity>(
        "position",
        position,
        {
          ...patch,
          bought: position.bought + (buy ? qty : 0),
          boughtValue: position.boughtValue + (buy ? qty * price : 0),
          sold: position.sold + (buy ? 0 : qty),
          soldValue: position.soldValue + (buy ? 0 : qty * price),
        },
        events,
      );
    } else {
      position = b.create<PositionEntity>(
        "position",
        {
          id: b.newId(),
          accountId: order.accountId,
          contractId: contract.id,
          tradeDate: b.tradeDate(),
          ...patch,
          bought: buy ? qty : 0,
          boughtValue: buy ? qty * price : 0,
          sold: buy ? 0 : qty,
          soldValue: buy ? 0 : qty * price,
          prevPos: 0,
        },
        events,
      );
    }
    const cash = b.get<CashBalanceEntity>("cashBalance", order.accountId)!;
    const realized = cents(lotResult.realizedPoints * product.valuePerPoint);
    b.update<CashBalanceEntity>(
      "cashBalance",
      cash,
      {
        timestamp: b.timestamp(),
        amount: cents(cash.amount + realized),
        realizedPnL: cents(cash.realizedPnL + realized),
        weekRealizedPnL: cents(cash.weekRealizedPnL + realized),
      },
      events,
    );
    for (const pair of lotResult.pairs) {
      b.create("fillPair", { id: b.newId(), positionId: position.id, ...pair, active: true }, events);
    }
  }

  private cancel(
    caller: Caller,
    w: Working,
    events: PropsEvent[],
    clOrdId: string | undefined,
    isAutomated: boolean,
  ): number {
    const b = this.book;
    const commandId = b.newId();
    const command = b.create<CommandEntity>(
      "command",
      {
        id: commandId,
        orderId: w.order.id,
        timestamp: b.timestamp(),
        ...(clOrdId !== undefined ? { clOrdId } : {}),
        commandType: "Cancel",
        commandStatus: "AtExecution",
        senderId: caller.user.id,
        userSessionId: caller.sessionId,
        isAutomated,
      },
      events,
    );
    b.create(
      "commandReport",
      {
        id: b.newId(),
        commandId,
        timestamp: b.timestamp(),
        commandStatus: "RiskPassed",
        ordStatus: "Canceled",
      },
      events,
    );
    this.report({ ...w, command }, "Canceled", "Canceled", events, { cumQty: 0 });
    b.update("order", w.order, { ordStatus: "Canceled" }, events);
    w.record.status = "Canceled";
    this.working.delete(w.order.id);
    return commandId;
  }

  /** Cancel the contract's working orders and close the position at market. */
  private liquidate(
    caller: Caller,
    accountId: number,
    contract: ContractEntity,
    isAutomated: boolean,
  ): number | undefined {
    for (const w of [...this.working.values()]) {
      if (w.order.accountId !== accountId || w.contract.id !== contract.id) continue;
      const events: PropsEvent[] = [];
      this.cancel(caller, w, events, undefined, isAutomated);
      this.emit(accountId, events);
    }
    const pos = netPos(this.lots.get(`${accountId}:${contract.id}`) ?? []);
    if (pos === 0) return undefined;
    const account = this.book.get<AccountEntity>("account", accountId)!;
    const product = this.book.productOf(contract.id)!;
    const action = pos > 0 ? "Sell" : "Buy";
    const record: OrderRecord = {
      orderId: null,
      accountId,
      accountName: account.name,
      clOrdId: undefined,
      isAutomated,
      symbol: contract.name,
      action,
      qty: Math.abs(pos),
      orderType: "Market",
      status: "PendingNew",
    };
    const events: PropsEvent[] = [];
    const w = this.createOrder(
      caller,
      account,
      contract,
      product,
      { action, orderQty: Math.abs(pos), orderType: "Market", isAutomated },
      record,
      events,
    );
    this.accept(w, events);
    this.fill(w, this.market.price(product.name)!, events);
    this.emit(accountId, events);
    return w.order.id;
  }

  private openPnL(accountId: number): number {
    let total = 0;
    for (const [key, lots] of this.lots) {
      if (lots.length === 0 || !key.startsWith(`${accountId}:`)) continue;
      const product = this.book.productOf(Number(key.split(":")[1]))!;
      total += openPoints(lots, this.market.price(product.name)!) * product.valuePerPoint;
    }
    return cents(total);
  }

  /** Server-side daily loss auto-liquidation: flatten everything, then lock the account. */
  private checkAutoLiq(accountId: number): void {
    const limit = this.book.get<UserAccountAutoLiqEntity>("userAccountAutoLiq", accountId)?.dailyLossAutoLiq;
    if (limit === undefined) return;
    const risk = this.book.get<AccountRiskStatusEntity>("accountRiskStatus", accountId)!;
    if (risk.adminAction !== "Normal") return;
    const cash = this.book.get<CashBalanceEntity>("cashBalance", accountId)!;
    if (cash.realizedPnL + this.openPnL(accountId) > -limit) return;
    const events: PropsEvent[] = [];
    // Lock first so the liquidation's own fills cannot trigger this again.
    this.book.update<AccountRiskStatusEntity>(
      "accountRiskStatus",
      risk,
      { adminAction: "LockTradingImmediately", adminTimestamp: this.book.timestamp() },
      events,
    );
    this.emit(accountId, events);
    const owner = this.book.userById(this.book.get<AccountEntity>("account", accountId)!.userId)!;
    const contracts = new Set<number>();
    for (const [key, lots] of this.lots)
      if (lots.length > 0 && key.startsWith(`${accountId}:`)) contracts.add(Number(key.split(":")[1]));
    for (const w of this.working.values()) if (w.order.accountId === accountId) contracts.add(w.contract.id);
    for (const id of contracts)
      this.liquidate(
        { user: owner, sessionId: 0 },
        accountId,
        this.book.get<ContractEntity>("contract", id)!,
        true,
      );
  }
}
