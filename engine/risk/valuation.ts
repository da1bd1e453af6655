import { messageOf } from "../messageOf.js";
import type {
  AccountRoute,
  CashBalance,
  Clock,
  ContractId,
  Logger,
  PositionSnapshot,
  SyncEvent,
} from "../types.js";
import { retryDelay } from "./backoff.js";
import type { Exposure } from "./flattener.js";
import { closedPnl, netLiquidation, type PricedPosition } from "./netLiq.js";
import { SHADOW_ACCOUNT_ID } from "./shadowRisk.js";

export interface HeldPosition extends PricedPosition {
  contractId: ContractId;
  contract: string;
  /** A findContract lookup for the point value has been started (or its retry is waiting). */
  pointValueAsked: boolean;
  /** Lookups of its point value that failed in a row (each retry waits longer). */
  pointValueFailures: number;
  /** Its first price is awaited (the trader is told once if none comes). */
  priceAwaited: boolean;
}

/** How long a held position may go without a price before the trader is told it is not valued. */
export const PRICE_WAIT_MS = 10_000;

/** What one follower holds and what it is worth. Valuation keeps it current. */
export class Holdings {
  cash: number | undefined;
  /**
   * What positions closed since the last cash balance made, at their last price. The broker books
   * a close into cash just after the position (Tradovate: position → cashBalance; ProjectX:
   * position → account): without this, a winning close would look for a moment like a drop of its
   * whole profit, and a trailing drawdown or give-back would trip on it.
   */
  unbooked = 0;
  /** The balance the broker says the account's trading day began with, when it says so. */
  dayStart: CashBalance["dayStart"];
  /** … and its trading week, when it says so (Tradovate's weekRealizedPnL). */
  weekStart: CashBalance["weekStart"];
  /** Cash plus open P&L at the last valuation; undefined until the first balance. */
  netLiq: number | undefined;
  /** Where the account lives, once its login has synced. */
  route: AccountRoute | undefined;
  readonly positions = new Map<ContractId, HeldPosition>();

  constructor(readonly follower: string) {}

  isFlat(): boolean {
    for (const p of this.positions.values()) if (p.netPos !== 0) return false;
    return true;
  }

  openPositions(): HeldPosition[] {
    const open: HeldPosition[] = [];
    for (const p of this.positions.values()) if (p.netPos !== 0) open.push(p);
    return open;
  }
}

export interface ValuationDeps {
  logger: Logger;
  /** The follower's holdings changed outside a broker event (a point value arrived): value again. */
  revalue(follower: string): void;
  warn(follower: string, message: string): void;
  clock: Pick<Clock, "setTimeout" | "clearTimeout">;
}

/**
 * Turns broker positions, balances and quotes into each follower's net liquidation. Owns the last
 * price of each contract per connection, the quote subscriptions, the point-value lookups and the
 * index of who holds what where, so a quote revalues only the followers holding that contract.
 */
export class Valuation {
  private readonly prices = new Map<string, Map<ContractId, number>>();
  /**
   * Contracts subscribed, per session: a login taken out of the config and put back is a new
   * session, which streams nothing it was not asked for (the old one's subscriptions went with it).
   */
  private readonly subscribed = new WeakMap<AccountRoute["session"], Set<string>>();
  /** connection → contract id → holdings with a non-zero position in it. */
  private readonly holders = new Map<string, Map<ContractId, Set<Holdings>>>();
  private readonly timers = new Set<unknown>();

  constructor(private readonly deps: ValuationDeps) {}

  /** The account is reachable at `route` (its login synced, or it moved): load what it holds there. */
  attach(h: Holdings, route: AccountRoute | undefined): void {
    const before = h.route;
    if (before?.session === route?.session && before?.accountId === route?.accountId) return;
    this.unindex(h);
    h.route = route;
    if (!route) return;
    // A shadow's would-be positions exist only here. An account's session lists only its open
    // positions: one closed while unwatched (out of the config) is missing, not reported flat.
    if (route.accountId === SHADOW_ACCOUNT_ID) this.reload(h);
    else this.resync(h, route.session.positions(route.accountId));
  }

  /** The account is no longer watched (left the config). */
  detach(h: Holdings): void {
    this.unindex(h);
    h.route = undefined;
  }

  /** What the holdings were is no longer theirs (a follower switched to or from shadow): empty. */
  forget(h: Holdings): void {
    this.detach(h);
    h.positions.clear();
    h.cash = undefined;
    h.dayStart = undefined;
    h.weekStart = undefined;
    h.netLiq = undefined;
    h.unbooked = 0;
  }

  /** Positions afresh from the session's cache (before a flatten decides what to close). */
  private reload(h: Holdings): void {
    const route = h.route;
    if (route) for (const snap of route.session.positions(route.accountId)) this.applyPosition(h, snap);
  }

  /** What a flatten must take away, fresh from the session; undefined while it cannot be reached. */
  exposure(h: Holdings): Exposure | undefined {
    const route = h.route;
    if (!route) return undefined;
    this.reload(h);
    return { orders: route.session.workingOrders(route.accountId), open: h.openPositions() };
  }

  /** A sync snapshot is the whole truth for the account: contracts it does not list are flat. */
  /**
   * A snapshot of the holdings' account: its positions afresh. False when the snapshot does not
   * name it (another login's, or a re-read of other accounts of this one, as ProjectX does).
   */
  synced(h: Holdings, s: Pick<SyncEvent, "connection" | "accounts" | "positions">): boolean {
    const route = h.route;
    if (route?.session.connection !== s.connection || !s.accounts.some((a) => a.id === route.accountId))
      return false;
    this.resync(h, s.positions);
    return true;
  }

  resync(h: Holdings, positions: readonly PositionSnapshot[]): void {
    const route = h.route;
    if (!route) return;
    for (const p of h.positions.values()) {
      p.netPos = 0;
      this.index(h, p);
    }
    for (const snap of positions) if (snap.accountId === route.accountId) this.applyPosition(h, snap);
    const cash = route.session.cashBalance(route.accountId);
    if (cash && finite(cash.amount)) this.setCash(h, cash);
    h.unbooked = 0;
  }

  /** False when the amount is not a number (ignored). */
  setCash(h: Holdings, cash: Pick<CashBalance, "amount" | "dayStart" | "weekStart">): boolean {
    if (!finite(cash.amount)) return false;
    h.cash = cash.amount;
    h.dayStart = cash.dayStart && finite(cash.dayStart.balance) ? cash.dayStart : undefined;
    h.weekStart = cash.weekStart && finite(cash.weekStart.balance) ? cash.weekStart : undefined;
    h.unbooked = 0;
    return true;
  }

  /** A broker's position event: what it closed counts at its last price until the cash books it. */
  positionMoved(h: Holdings, snap: PositionSnapshot): void {
    const before = h.positions.get(snap.contractId);
    if (before && finite(snap.netPos)) h.unbooked += closedPnl(before, snap.netPos) ?? 0;
    this.applyPosition(h, snap);
  }

  applyPosition(h: Holdings, snap: PositionSnapshot): void {
    if (!finite(snap.netPos) || typeof snap.contractId !== "string" || snap.contractId === "") {
      this.deps.logger.warn("risk: position without numbers ignored", { follower: h.follower });
      return;
    }
    const session = h.route?.session;
    let p = h.positions.get(snap.contractId);
    if (!p) {
      p = {
        contractId: snap.contractId,
        contract: snap.contract,
        netPos: 0,
        netPrice: undefined,
        price: undefined,
        pointValue: undefined,
        pointValueAsked: false,
        pointValueFailures: 0,
        priceAwaited: false,
      };
      h.positions.set(snap.contractId, p);
    }
    p.netPos = snap.netPos;
    p.netPrice = finite(snap.netPrice) ? snap.netPrice : undefined;
    p.price =
      (session && this.prices.get(session.connection)?.get(snap.contractId)) ??
      session?.lastPrice(snap.contractId) ??
      p.price;
    this.index(h, p);
    if (p.netPos === 0 || !session) return;
    if (p.pointValue === undefined) this.findPointValue(h, p);
    if (p.price === undefined && !p.priceAwaited) this.awaitPrice(h, p);
    const subscribed = this.subscribed.get(session) ?? new Set<string>();
    this.subscribed.set(session, subscribed);
    if (!subscribed.has(p.contract)) {
      subscribed.add(p.contract);
      session.subscribeQuotes(p.contract);
    }
  }

  /** A new price: every follower holding the contract on that connection is valued again. */
  quote(connection: string, contractId: ContractId, price: number): void {
    if (!finite(price)) return;
    let prices = this.prices.get(connection);
    if (!prices) {
      prices = new Map();
      this.prices.set(connection, prices);
    }
    prices.set(contractId, price);
    const holding = this.holders.get(connection)?.get(contractId);
    if (!holding) return;
    for (const h of holding) {
      const p = h.positions.get(contractId);
      if (!p || p.netPos === 0) continue;
      p.price = price;
      this.deps.revalue(h.follower);
    }
  }

  /** Net liquidation now (cash must be known). */
  value(h: Holdings, cash: number): number {
    h.netLiq = netLiquidation(cash + h.unbooked, h.positions.values()).netLiq;
    return h.netLiq;
  }

  /** No more timers (the engine stops). */
  stop(): void {
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers.clear();
  }

  /**
   * Unpriced, the position's open P&L counts as 0 and no limit sees what it loses: a price that
   * never comes (market data refused or never connected) is said once, not hidden behind $0.00.
   */
  private awaitPrice(h: Holdings, p: HeldPosition): void {
    p.priceAwaited = true;
    const timer = this.deps.clock.setTimeout(() => {
      this.timers.delete(timer);
      if (p.netPos === 0 || p.price !== undefined || !h.route) return;
      this.deps.warn(
        h.follower,
        `no price for ${p.contract} in ${PRICE_WAIT_MS / 1000} s; its open P&L counts as 0 and no loss limit sees it`,
      );
    }, PRICE_WAIT_MS);
    this.timers.add(timer);
  }

  private findPointValue(h: Holdings, p: HeldPosition): void {
    const session = h.route?.session;
    if (!session) return;
    const known = session.contractById(p.contractId)?.pointValue;
    if (finite(known)) {
      p.pointValue = known;
      return;
    }
    if (p.pointValueAsked) return;
    p.pointValueAsked = true;
    session.findContract(p.contract).then(
      (spec) => {
        p.pointValueFailures = 0;
        if (spec && finite(spec.pointValue)) {
          p.pointValue = spec.pointValue;
          this.deps.revalue(h.follower);
        } else {
          this.deps.warn(h.follower, `no point value for ${p.contract}; its open P&L counts as 0`);
        }
      },
      (err: unknown) => {
        p.pointValueFailures += 1;
        this.deps.logger.warn("risk: contract lookup failed", {
          contract: p.contract,
          error: messageOf(err),
        });
        this.retryPointValue(h, p);
      },
    );
  }

  /**
   * A lookup that failed (a timeout, a spent request budget) is asked again, 1 s, 2 s … 30 s
   * later: without a point value the position's open P&L counts as 0 and no limit sees its loss.
   * Nothing asks meanwhile; a position closed by then is asked afresh when it opens again.
   */
  private retryPointValue(h: Holdings, p: HeldPosition): void {
    const timer = this.deps.clock.setTimeout(() => {
      this.timers.delete(timer);
      p.pointValueAsked = false;
      if (p.netPos !== 0 && p.pointValue === undefined && h.positions.get(p.contractId) === p)
        this.findPointValue(h, p);
    }, retryDelay(p.pointValueFailures));
    this.timers.add(timer);
  }

  private index(h: Holdings, p: HeldPosition): void {
    const connection = h.route?.session.connection;
    if (connection === undefined) return;
    let byContract = this.holders.get(connection);
    if (!byContract) {
      byContract = new Map();
      this.holders.set(connection, byContract);
    }
    let holding = byContract.get(p.contractId);
    if (p.netPos === 0) {
      holding?.delete(h);
      return;
    }
    if (!holding) {
      holding = new Set();
      byContract.set(p.contractId, holding);
    }
    holding.add(h);
  }

  private unindex(h: Holdings): void {
    const connection = h.route?.session.connection;
    if (connection === undefined) return;
    const byContract = this.holders.get(connection);
    if (byContract) for (const p of h.positions.values()) byContract.get(p.contractId)?.delete(h);
  }
}

function finite(n: unknown): n is number {
  return typeof n === "number" && Number.isFinite(n);
}
