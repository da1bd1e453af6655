/**
 * The contracts between mimik's layers. engine/broker produces BrokerEvents and implements
 * BrokerSession; engine/copier, engine/risk and engine/orders consume them and produce
 * EngineEvents; src/ turns EngineEvents into screen state, headless lines and journal entries.
 * Nothing here imports React, Ink or lowdb.
 */
import type { RateBudget, RateLimits, RequestLedger } from "./budget.js";
import type { EpochMs, MonoMs } from "./clock.js";
import type { UnreadableAccountText } from "./events.js";
import type { ModifyOrderRequest, OrderType, PlaceOcoRequest, TimeInForce } from "./orderTerms.js";
import type { SymbolMap } from "./symbols.js";

export type Side = "Buy" | "Sell";

// A login's request budget and the engine's clock (their own files: ./budget.ts, ./clock.ts)
export * from "./budget.js";
export * from "./clock.js";

// ---------------------------------------------------------------------------------------------
// Broker (one session per login)

export type ConnectionState = "connecting" | "connected" | "reconnecting" | "reauth-needed" | "down";

export interface BrokerAccount {
  id: number;
  name: string;
}

/** A broker's contract id, as text (ProjectX's `CON.F.US.EP.Z26`, Tradovate's numeric ids as digits).
 * The engine reads no meaning into one: it compares them, keys maps by them, gives them back. */
export type ContractId = string;

/** Which broker a session speaks (a connection's `broker` in the config). */
export type BrokerKind = "tradovate" | "projectx";

export interface ContractSpec {
  id: ContractId;
  /** The canonical name (engine/symbols.ts), e.g. ESZ6, whatever the broker calls it. */
  name: string;
  /** The canonical root, e.g. ES (ProjectX's EP). */
  root: string;
  tickSize: number;
  /** Dollars per 1.0 of price per contract (ES: 50). */
  pointValue: number;
}

export interface PositionSnapshot {
  accountId: number;
  contractId: ContractId;
  /** The canonical contract name (ESZ6). */
  contract: string;
  netPos: number;
  /** Average entry price of the open position; undefined when flat. */
  netPrice: number | undefined;
  /** Contracts traded into this position so far (Tradovate's bought + sold). It only grows, so it
   * tells whether a position report already contains every fill one has seen. */
  volume?: number | undefined;
}

/**
 * An order as its broker reports it now; the rest of the ids is there once the broker said it
 * (terms can come a moment after the order). Every change, its end too, is an OrderUpdateEvent.
 */
export interface WorkingOrder {
  orderId: number;
  accountId: number;
  contractId: ContractId;
  /** Contract name (ESZ6), once the session knows it. */
  contract?: string | undefined;
  side?: Side | undefined;
  /** The broker's type name: Limit, Stop, StopLimit, Market, or one mimik does not mirror (TrailingStop …). */
  orderType?: string | undefined;
  /** The current version's whole quantity, filled part included. */
  qty?: number | undefined;
  filledQty?: number | undefined;
  /** Limit price (Limit, StopLimit), trigger (Stop, StopLimit, TrailingStop), trail distance (TrailingStop). */
  price?: number | undefined;
  stopPrice?: number | undefined;
  trail?: number | undefined;
  timeInForce?: string | undefined;
  /** Working, Pending…, Suspended (a bracket leg waiting for its entry); or how it ended: Filled … */
  status?: string | undefined;
  clOrdId?: string | undefined;
  /** One-cancels-other: the partner order that this one's fill (or cancel) takes away. */
  ocoWith?: number | undefined;
  /** A bracket leg (OSO, order strategy): the entry order it waits for. */
  bracketOf?: number | undefined;
  /** ProjectX's Pending (6): how its bracket legs wait for their entry, naming none (withEntries). */
  legInWaiting?: boolean | undefined;
  /** When the broker created the order (broker time). */
  placedAt?: EpochMs | undefined;
  /**
   * Tradovate: the order's latest modify or cancel, taken (answered with its command id) and then
   * refused in its command's report (a cancel TooLate once the order had finished, or by the risk
   * checks while it works on); the order kept its terms.
   */
  modifyRefused?: { commandId: number; reason: string } | undefined;
  cancelRefused?: { commandId: number; reason: string } | undefined;
}

export interface FillEvent {
  type: "fill";
  connection: string;
  accountId: number;
  fillId: number;
  orderId: number;
  contractId: ContractId;
  /** The canonical contract name (ESZ6). */
  contract: string;
  side: Side;
  qty: number;
  price: number;
  /** Broker timestamp of the fill. */
  ts: EpochMs;
  /** When the frame carrying this fill was received (clock.mono()). */
  receivedAt: MonoMs;
  /** The clOrdId of the order that filled, when the broker reported one (copies carry ours). */
  clOrdId?: string | undefined;
}

/**
 * A snapshot's fill this session never had live (fills.ts): for the journal, never copied.
 * `orderUnknown`: its order is not in the snapshot (ended before ProjectX's window): nor whose it was.
 */
export type HistoryFillEvent = Omit<FillEvent, "type" | "receivedAt"> & {
  type: "historyFill";
  orderUnknown?: true;
};

export interface PositionEvent {
  type: "position";
  connection: string;
  position: PositionSnapshot;
}

/** An account's cash balance: realized P&L included, open P&L not. */
export interface CashBalance {
  amount: number;
  realizedPnL: number;
  /** The balance the broker says the trading day (from the 17:00 CT roll, YYYY-MM-DD) began with. */
  dayStart?: { tradingDay: string; balance: number } | undefined;
  /** … and the trading week (named by its Monday, tradingWeekOf), when it says so (Tradovate). */
  weekStart?: { tradingWeek: string; balance: number } | undefined;
}

export interface BalanceEvent extends CashBalance {
  type: "balance";
  connection: string;
  accountId: number;
}

export interface QuoteEvent {
  type: "quote";
  connection: string;
  contractId: ContractId;
  contract: string;
  price: number;
  ts: EpochMs;
}

/** The login's market-data feed (Tradovate's md socket, ProjectX's market hub) went down or came
 * back. While it is down no quote arrives: positions keep their last price. */
export interface MarketDataEvent {
  type: "marketData";
  connection: string;
  up: boolean;
  reason?: string | undefined;
}

/** An order appeared, changed or ended: the whole order, once per change (`modified`: a new version). */
export interface OrderUpdateEvent {
  type: "orderUpdate";
  connection: string;
  order: WorkingOrder;
  modified?: true | undefined;
}

export interface OrderStatusEvent {
  type: "orderStatus";
  connection: string;
  accountId: number;
  orderId: number;
  contractId: ContractId;
  contract?: string | undefined; // its name, where the event says it (ProjectX)
  /** Tradovate's words (each broker maps to them): PendingNew, Working, Filled, Rejected, Canceled, … */
  status: string;
  clOrdId?: string | undefined;
  rejectReason?: string | undefined;
  /** What of the order had filled, as the broker said with this status; absent when it did not say. */
  filledQty?: number | undefined;
}

export interface RiskStatusEvent {
  type: "riskStatus";
  connection: string;
  accountId: number;
  /** The broker's words: Tradovate's adminAction (Normal, LockTradingImmediately, …); ProjectX's "canTrade: false". */
  adminAction: string;
  /** Broker-side liquidation-only (accountRiskStatus.liquidateOnly set). */
  liquidateOnly: boolean;
  /** Broker-side lock (LockTradingImmediately and friends). */
  locked: boolean;
}

export interface ConnectionEvent {
  type: "connection";
  connection: string;
  state: ConnectionState;
  reason?: string | undefined;
  /** Why this login's quotes stopped (open P&L goes unpriced); absent while they come. */
  marketData?: string | undefined;
  /** Accounts of the login that could not be read, in the broker's words: unknown, not flat. */
  unreadable?: UnreadableAccountText[] | undefined;
}

/**
 * Emitted after a snapshot is applied (first connect, each reconnect, a ProjectX account read again
 * after a lost answer): the truth for its `accounts` alone. Its fills are history, never FillEvents.
 */
export interface SyncEvent {
  type: "sync";
  connection: string;
  /** true for the first snapshot of this process, false after a reconnect. */
  initial: boolean;
  /** Renewed to take in accounts added to the config: unseen a moment, not lost (no "reconnected"). */
  forAddedAccounts?: true | undefined;
  /** Some accounts read again between connects (ProjectX: after a lost answer, or asked): no reconnect. */
  reread?: true | undefined;
  accounts: BrokerAccount[];
  positions: PositionSnapshot[];
  /** Fill ids in the snapshot this session had had live (never copied; the others: HistoryFillEvents). */
  fillIds: number[];
  /** Its fills new to the session (the historyFill events that follow): which copies went before a start. */
  fills?: HistoryFillEvent[] | undefined;
}

/** The broker busted a fill it had reported (Tradovate updates it with `active: false`): the trade
 * did not happen after all, and the account's position and cash no longer include it. */
export interface FillBustedEvent {
  type: "fillBusted";
  connection: string;
  accountId: number;
  fillId: number;
  orderId: number;
  contractId: ContractId;
  contract: string;
  side: Side;
  qty: number;
  price: number;
  clOrdId?: string | undefined;
  /** Seen busted in a snapshot (busted while away): its positions already lack it; journaled if the journal has the fill. */
  history?: true | undefined;
}

/**
 * Something about the login the trader must read, said once (not on every retry): another login
 * took the session, logins are locked out, the API key lacks permissions, the request budget is
 * running out. The engine turns it into an alert.
 */
export interface BrokerAlertEvent {
  type: "brokerAlert";
  connection: string;
  level: "info" | "warn" | "error";
  message: string;
}

export type BrokerEvent =
  | FillEvent
  | HistoryFillEvent
  | FillBustedEvent
  | PositionEvent
  | BalanceEvent
  | QuoteEvent
  | MarketDataEvent
  | OrderStatusEvent
  | OrderUpdateEvent
  | RiskStatusEvent
  | ConnectionEvent
  | SyncEvent
  | BrokerAlertEvent;

export interface PlaceOrderRequest {
  accountId: number;
  /** The account name; Tradovate's accountSpec. */
  accountName: string;
  /** The canonical contract name, e.g. MNQZ6; the session maps it to its broker's contract. */
  symbol: string;
  action: Side;
  qty: number;
  /** ≤ 64 chars; names the leader fill for copies (ProjectX: the order's customTag). */
  clOrdId: string;
  text?: string;
  /**
   * The order only reduces or closes a position. Exits may use the request budget kept in
   * reserve for them; openings are refused before it (cancels and liquidations always may).
   */
  exit?: boolean;
  /** Market when absent. A session that cannot place a type refuses it; it never sends another type. */
  orderType?: OrderType;
  /** Limit price: Limit and StopLimit. */
  price?: number;
  /** Trigger price: Stop and StopLimit; where a TrailingStop's stop starts (Tradovate needs it). */
  stopPrice?: number;
  /** TrailingStop: how far its stop follows the best price, in price (Tradovate pegDifference, ProjectX trailPrice). */
  trail?: number;
  /** Day when absent. */
  timeInForce?: TimeInForce;
}

/** Broker replies are results, never exceptions: a reject is routine for a copier. */
export type OrderResult =
  | {
      ok: true;
      orderId: number;
      /** placeOco: the second order's id, when the broker said it. */
      otherOrderId?: number | undefined;
      /** A modify or cancel: the command the broker took (its report may still refuse it). */
      commandId?: number | undefined;
      writtenAt: MonoMs;
      ackAt: MonoMs;
    }
  | { ok: false; failureReason: string; failureText?: string | undefined; writtenAt?: MonoMs; ackAt: MonoMs };

export interface BrokerSession {
  /** The config connection name. */
  readonly connection: string;
  /** The broker this session speaks. */
  readonly broker: BrokerKind;
  /** How this broker names contract roots (contracts keep their canonical names in the engine). */
  readonly symbols: SymbolMap;
  start(): Promise<void>;
  stop(): Promise<void>;
  state(): ConnectionState;
  accounts(): BrokerAccount[];
  /**
   * The config's accounts of this login, as they are now (changed while mimik runs). One it does
   * not follow yet is followed within seconds: the login reads its accounts and re-syncs, and
   * reports the account in that sync. A session that always follows every account leaves it out.
   */
  setAccounts?(names: readonly string[]): void;
  contractByName(name: string): ContractSpec | undefined;
  contractById(id: ContractId): ContractSpec | undefined;
  /** Why the account cannot be read (its position unknown: not connected); left out by whole-login syncs. */
  unreadable?(accountId: number): string | undefined;
  /** A fill of the login told but held back (its order looked up): a position report may run ahead. */
  fillsWaiting?(): boolean;
  /** Read the account again (ProjectX, over REST): its positions, and its trades as history (a SyncEvent). */
  readAgain?(accountId: number): void;
  /** Resolve (and cache) a contract by name from the broker; undefined if it does not exist. */
  findContract(name: string): Promise<ContractSpec | undefined>;
  positions(accountId: number): PositionSnapshot[];
  cashBalance(accountId: number): CashBalance | undefined;
  /** The account's open orders (working, or bracket legs waiting for their entry). */
  workingOrders(accountId: number): WorkingOrder[];
  lastPrice(contractId: ContractId): number | undefined;
  /** Ask for quotes on a contract (by canonical name); prices arrive as QuoteEvents. */
  subscribeQuotes(contract: string): void;
  placeOrder(req: PlaceOrderRequest): Promise<OrderResult>;
  /** Sends now whatever the session holds back to send in one write (the end of a copy fan-out). */
  flushWrites?(): void;
  cancelOrder(orderId: number): Promise<OrderResult>;
  /** New quantity, type or prices for a working order; the result names the order. */
  modifyOrder(req: ModifyOrderRequest): Promise<OrderResult>;
  /**
   * Two orders in one request, one cancelling the other (Tradovate's order/placeoco). A broker
   * without native OCO orders leaves this out: mimik then places two orders and links them itself.
   */
  placeOco?(req: PlaceOcoRequest): Promise<OrderResult>;
  liquidatePosition(accountId: number, contractId: ContractId): Promise<OrderResult>;
  rateBudget(): RateBudget;
  /** A request budget edited while mimik runs, taken in place; returns the limits now kept to. */
  setRequestBudget?(budget: RateLimits): Required<RateLimits>;
  /** What this login spent, handed to the session that replaces it (connection edited). */
  readonly limiter?: RequestLedger;
  on(listener: (event: BrokerEvent) => void): () => void;
}

/**
 * Where an account lives at its broker: the session of its login and the broker's account id.
 * The account directory hands these out by account name; an order target adds the name.
 */
export interface AccountRoute {
  session: BrokerSession;
  accountId: number;
}

// ---------------------------------------------------------------------------------------------
// Engine: what the copier, risk and orders report (their own file: ./events.ts)

export * from "./events.js";
// Working-order terms of the session port (issue 14; their own file: ./orderTerms.ts)
export * from "./orderTerms.js";

// ---------------------------------------------------------------------------------------------
// Persistence seams (implemented in data/, injected into the engine)

// Their own files: ./persistence.ts, ./logger.ts
export * from "./logger.js";
export * from "./persistence.js";
