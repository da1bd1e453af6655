import type {
  CommandResult,
  ManualExit,
  ManualOrder,
  ManualStrategy,
  OcoResult,
  OrderChange,
  OrderResult,
  OsoResult,
  StrategyResult,
} from "./controlTrading.js";
import type { FillRecord, OrderRecord } from "./records.js";
import type { Scenario } from "./scenario.js";
import type { ClockReading } from "./session.js";
import type { SimStamps } from "./stamps.js";

export type {
  CommandResult,
  ManualExit,
  ManualOrder,
  ManualStrategy,
  OcoResult,
  OrderChange,
  OrderResult,
  OsoResult,
  StrategyResult,
};

export interface SimOptions {
  /** 0 or absent = a random free port. */
  port?: number;
  scenario?: Scenario;
  /** Seeds the price walk and the frame shapes. Default 1. */
  seed?: number;
  /** Close a socket that sent nothing (not even `[]`) for this long. Default 10 000 ms. */
  heartbeatTimeoutMs?: number;
  /** Random-walk step period. Default 1000 ms; 0 = prices move only through the control API. */
  priceIntervalMs?: number;
  /** Access token lifetime. Default 90 minutes. */
  tokenLifetimeMs?: number;
  /**
   * Vary frame shapes (seeded): sometimes split an order's events over two frames, send
   * `entity` as an array, merge same-kind events. Default true; false = one plain frame per batch.
   */
  varyFrames?: boolean;
  /** ProjectX tokens' lifetime. Default 24 hours. */
  projectxTokenLifetimeMs?: number;
  /** ProjectX hubs: the server pings this often (default 15 000 ms, SignalR's) … */
  hubPingMs?: number;
  /** … and closes a connection that sent nothing for this long (default 30 000 ms, SignalR's). */
  hubTimeoutMs?: number;
  /** Finished orders kept (with their fills, versions, reports) for lists and sync snapshots. Default 5000. */
  historyLimit?: number;
  /** Diagnostic lines (never tokens or passwords). */
  log?: (line: string) => void;
  /**
   * The instant (ms) the simulator's clock starts at; it runs on from there. Default: the
   * machine's time, or (unless alwaysOpen) MIMIK_SIM_CLOCK, an ISO instant, to try tests at
   * another hour.
   */
  clock?: number;
  /**
   * No session: the venue never halts, closes or rolls on its own (endSession still ends one), so
   * prices walk and orders trade at any hour. For tests whose subject is not the session.
   */
  alwaysOpen?: boolean;
  /** Stamp order arrivals and fill sends on the monotonic clock (the benchmark's outside timing). */
  stamps?: boolean;
  /**
   * The first order, fill and entity id. Default: past every id an earlier start gave (book.ts
   * firstIdAt); a test of two brokers that number alike gives both the same.
   */
  firstId?: number;
}

export interface SimRecords {
  /** Every order request that reached the order engine, including replies with failureReason (orderId null). */
  orders: OrderRecord[];
  /** Orders that can still trade: Working, or Suspended brackets waiting for their entry. */
  workingOrders: OrderRecord[];
  /** Every fill, busted ones too (active false). */
  fills: FillRecord[];
  positions: Array<{
    accountName: string;
    accountId: number;
    contract: string;
    contractId: number;
    netPos: number;
    netPrice: number | undefined;
  }>;
  cashBalances: Array<{
    accountName: string;
    accountId: number;
    amount: number;
    realizedPnL: number;
    openPnL: number;
    /** Fees charged so far (net of refunds for busted fills); amount is already net of them. */
    fees: number;
  }>;
}

export type ManualTradeResult = OrderResult;

/** In-process control of a running simulator; the same operations are served under /sim/... */
export interface SimControl {
  /** Price of a product or any of its contracts (ES or ESZ6); snapped to the tick. Returns the new price. */
  setPrice(symbol: string, price: number): number;
  jumpPrice(symbol: string, delta: number): number;
  /** The prices' random walk on or off (on by default); set and jumped prices move either way. */
  setWalk(on: boolean): void;
  price(symbol: string): number | undefined;
  /**
   * Make an account's orders fail (null = back to normal). mode "reply" (default): placeorder
   * answers {failureReason, failureText}; "event": accepted, then commandReport RiskRejected and
   * order Rejected events. `orderTypes`: only orders of these types fail (e.g. ["Limit"]: the
   * target of a protected position is refused, its stop taken).
   */
  rejectOrders(
    accountName: string,
    failureReason: string | null,
    failureText?: string,
    mode?: "reply" | "event",
    orderTypes?: readonly string[],
  ): void;
  /**
   * Make an account's modifies fail with failureReason (null = back to normal); new orders are left
   * alone. mode "reply" (default): modifyorder answers {failureReason, failureText}; "event": it
   * answers {commandId}, then the command's report is RiskRejected and the order keeps its terms.
   */
  rejectModifies(
    accountName: string,
    failureReason: string | null,
    failureText?: string,
    mode?: "reply" | "event",
  ): void;
  /**
   * An account's Tradovate cancels reach the exchange `ms` after their answer (null = at once, the
   * default): the order may fill meanwhile, and the cancel is then refused TooLate.
   */
  slowCancels(accountName: string, ms: number | null): void;
  /**
   * The account's next `count` Tradovate cancels are refused while the order works on, as
   * Tradovate's risk checks may do (0 = back to normal). mode "event" (default): answered with
   * their commandId, then refused in the command's report (RiskRejected, `failureText`); "reply":
   * refused in the answer itself ({failureReason: "UnknownReason", failureText}).
   */
  refuseCancels(accountName: string, count: number, failureText?: string, mode?: "reply" | "event"): void;
  /** Abrupt close (no close frame) of every socket, or one user's, or one kind's. Returns how many. */
  dropSockets(filter?: { user?: string; kind?: "trading" | "md" }): number;
  /**
   * Delay every outgoing frame to this user's sockets by `ms` (0 = no delay). Order is kept. A
   * ProjectX user's user hub events lag its REST answers the same way.
   */
  delaySocket(user: string, ms: number): void;
  /** Send every props frame twice. */
  duplicateEvents(on: boolean): void;
  /**
   * While on, a sync snapshot leaves out every flat position (netPos 0), as Tradovate may drop one
   * (tradovate-protocol.md §4: "positions persist at 0", yet the client handles them deleted); a
   * line traded flat earlier then goes unlisted while its bought and sold stay counted.
   */
  leaveOutFlatPositions(on: boolean): void;
  /** Swap neighbouring props events within a batch (never across an order's Created). */
  reorderEvents(on: boolean): void;
  /**
   * The next `count` accesstokenrequest/placeorder/cancelorder/liquidateposition calls get p-ticket
   * replies; such a call is served only when resent with its ticket after `pTime` seconds.
   */
  penaltyTicket(count: number, pTime: number, captcha?: boolean): void;
  /** While on, every request gets 429 (HTTP: empty body; WS: {"s":429,"i":id}). */
  rateLimit(on: boolean): void;
  /** Every issued token expires now; authorized sockets stay open. */
  expireTokens(): void;
  /**
   * The next `count` auth/renewaccesstoken calls answer HTTP `status` (408, 502: a timeout or a
   * gateway on the way) and renew nothing; the session and its token stay as they were.
   */
  failRenewals(count: number, status: number): void;
  /**
   * The next `count` order requests (Tradovate's over REST or the socket, ProjectX's place, modify,
   * cancel, close) are carried out, then answered `status` (default 500): the order stands at the
   * venue, its answer is lost. `carriedOut` false: answered the same, but never done at the venue.
   */
  loseAnswers(count: number, status?: number, carriedOut?: boolean): void;
  /** While on, every market-data socket's `authorize` answers 401 (a login without market data). */
  refuseMarketData(on: boolean): void;
  /** While on, every login answers HTTP 423 (about to be locked out). */
  lockLogins(on: boolean): void;
  /**
   * Market data goes down (true) or comes back (false): every md socket and ProjectX market hub
   * connection is dropped, and new ones are refused with HTTP 503 until it is back. Trading
   * sockets and the user hub stay up. Returns how many were dropped.
   */
  marketDataDown(down: boolean): number;
  /**
   * `user` logs in from elsewhere (the trader's own Tradovate window): with two sessions already,
   * the oldest ends, as on Tradovate. Returns how many sessions that ended.
   */
  otherLogin(user: string): number;
  /** `shutdown` event then `c[...]` and close on every socket. Returns how many. */
  shutdownSockets(reasonCode: string, reason?: string): number;
  /** A market order as if the trader clicked in Tradovate (isAutomated false). */
  manualTrade(accountName: string, symbol: string, action: "Buy" | "Sell", qty: number): ManualTradeResult;
  /**
   * Orders as the trader enters them in Tradovate's own window (isAutomated false, no session):
   * any type (Market, Limit, Stop, StopLimit, TrailingStop), an OCO pair, an entry with OSO
   * brackets, a multibracket strategy. Refusals come back as {failureReason, failureText}
   * ({errorText} for a strategy); a malformed request throws.
   */
  placeOrder(accountName: string, order: ManualOrder): OrderResult;
  placeOco(accountName: string, order: ManualOrder, other: ManualExit): OcoResult;
  placeOso(accountName: string, order: ManualOrder, bracket1: ManualExit, bracket2?: ManualExit): OsoResult;
  startStrategy(accountName: string, strategy: ManualStrategy): StrategyResult;
  /** A new version of any open order; fields left out stay as they are. */
  modifyOrder(orderId: number, change: OrderChange): CommandResult;
  cancelOrder(orderId: number): CommandResult;
  /** Contracts that trade at each price level of a product (null = unlimited: one fill per order). */
  setDepth(symbol: string, depth: number | null): void;
  /** Dollars per contract per fill for a product. */
  setFee(symbol: string, fee: number): void;
  /** Liquidation-only mode (accountRiskStatus LiquidateOnlyModeImmediately): openings refused, reductions pass. */
  setLiquidationOnly(accountName: string, on: boolean): void;
  /** The exchange busts a fill: fill Updated active:false, position, cash and fill pairs corrected. */
  bustFill(fillId: number): { fillId: number; orderId: number; accountName: string };
  /** While on, a request's events are sent before its reply. */
  eventsBeforeReplies(on: boolean): void;
  /** ProjectX: the account's `canTrade` (false: every Order/place is refused), announced on the user hub. */
  setCanTrade(accountName: string, on: boolean): void;
  /**
   * ProjectX: while set, the account's reads (Position/searchOpen, Order/searchOpen, Order/search,
   * Trade/search) answer success false, errorCode 1, with this errorMessage; the login, its other
   * accounts and this one's orders are served as before. null: its reads are served again.
   */
  failAccountReads(accountName: string, errorMessage: string | null): void;
  /** ProjectX: the account's bracket mode (only while flat); "autoOco" accepts brackets on Order/place. */
  setBracketMode(accountName: string, mode: "position" | "autoOco"): void;
  /** ProjectX: while on, Order/place answers errorCode 5 (outside trading hours). */
  marketClosed(on: boolean): void;
  /**
   * ProjectX: while on, a fill is told on the user hub by GatewayUserTrade (then position, account)
   * without the GatewayUserOrder that says the order filled, as some fills are [community].
   */
  fillsAsTradesOnly(on: boolean): void;
  /**
   * ProjectX: the account's GatewayUserTrade events go out `ms` after the order, position and
   * account events of the same fill (0 = with them): a trade that reaches the client behind its
   * position report.
   */
  delayTrades(accountName: string, ms: number): void;
  /**
   * ProjectX: the account's user hub events go out each in a frame of its own, `ms` apart (0 = the
   * events of one change together): a client that acts after every frame sees the states between
   * (an entry filled, its bracket legs still Pending).
   */
  splitFrames(accountName: string, ms: number): void;
  /**
   * While on, the daily halt (16:00-17:00 CT, Monday to Thursday) and the weekend (Friday 16:00 to
   * Sunday 17:00 CT) refuse new orders on the simulator's clock: Tradovate answers failureReason
   * SessionClosed, ProjectX errorCode 5. Off by default, so a test run in the halt is not refused.
   */
  sessionHalt(on: boolean): void;
  /** The simulator's time and when its session closes (16:00 CT, Monday to Friday). */
  clock(): ClockReading;
  /**
   * Move the simulator's clock forward (tokens, GTD expiry and trade dates follow it); passing the
   * session's close ends the session as the close itself would.
   */
  advanceClock(ms: number): ClockReading;
  /**
   * The session ends now, the clock left where it is: every Day order (Working, or a Suspended
   * bracket) expires, reported on both faces like any other order change.
   */
  endSession(): { expired: number };
  records(): SimRecords;
  /** Order arrivals and fill sends since the last call (only with SimOptions.stamps). */
  stamps(): SimStamps;
  /** Open sockets and ProjectX hub connections (all, or one user's authorized ones). */
  socketCount(filter?: { user?: string }): number;
  /**
   * In-process only (a test's function; not served under /sim/): `hook` sees each ProjectX REST
   * request (its route as sent, e.g. "Position/searchOpen", and its body) before it is served,
   * and may act (a fill that lands between two reads of a snapshot) or hold the request until a
   * promise it returns settles (an order request held on the way in). undefined = none.
   */
  interceptProjectX(hook: ProjectXHook | undefined): void;
  /**
   * In-process only: how many ProjectX REST requests arrived so far, by route as sent (e.g.
   * "Trade/search"), refused ones (401, 429) too: what a login spent of its budget.
   */
  projectxRequests(): Record<string, number>;
  /**
   * In-process only: how many TCP connections clients opened so far (REST and sockets alike): a
   * client that keeps its REST connection between requests opens one, not one per quiet spell.
   */
  connectionsOpened(): number;
}

export type ProjectXHook = (route: string, body: unknown) => undefined | Promise<void>;

export interface Simulator {
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + "/v1" */
  restUrl: string;
  /** ws://127.0.0.1:PORT/v1/websocket */
  wsUrl: string;
  /** Market data is served on the same socket path. */
  mdUrl: string;
  /** The ProjectX face: REST at apiUrl (+ /api/...), the user and market hubs. */
  projectx: { apiUrl: string; userHubUrl: string; marketHubUrl: string };
  port: number;
  scenario: Scenario;
  control: SimControl;
  close(): Promise<void>;
}
