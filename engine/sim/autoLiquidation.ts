import type { Book } from "./book.js";
import type { Clearing } from "./clearing.js";
import type {
  AccountEntity,
  CashBalanceEntity,
  ContractEntity,
  UserAccountAutoLiqEntity,
} from "./entities.js";
import type { OrderFlow } from "./orderFlow.js";
import type { Reporters } from "./reporters.js";
import type { Venue } from "./venue.js";

/**
 * Where a trailing max drawdown liquidates: `drawdown` below the high of net liquidation, rising
 * with it until it reaches `limit` (trailingMaxDrawdownLimit; read as prop firms use it: the floor
 * stops trailing there, e.g. the starting balance plus $100).
 */
export function trailingFloor(high: number, drawdown: number, limit: number | undefined): number {
  return Math.min(high - drawdown, limit ?? Number.POSITIVE_INFINITY);
}

/**
 * Tradovate's server-side post-trade risk (userAccountAutoLiq; tradovate-protocol.md §8.3):
 * - dailyLossAutoLiq: the day's realized P&L net of fees plus open P&L reaches the limit;
 * - trailingMaxDrawdown: net liquidation (cash plus open P&L) falls that far below its high. The
 *   high starts at the starting balance and follows net liquidation as it moves (RealTime) or
 *   only at the session's close (EOD).
 * Either locks the account (LockTradingImmediately), cancels its orders and closes every position
 * at market. At the next trade date the day starts again: the daily loss counts from the net
 * liquidation at the roll, positions valued at the close (a gap through the halt is the new
 * day's), and a daily-loss lock clears unless the rule says doNotUnlock; a trailing-drawdown lock
 * stays (the high never resets).
 */
export class AutoLiquidation {
  /** High of net liquidation per account with a trailing max drawdown. */
  private readonly highs = new Map<number, number>();
  /** Net liquidation at the start of the trade date, per account with a daily loss limit. */
  private readonly dayStarts = new Map<number, number>();
  /** Accounts this locked, and for which rule. */
  private readonly locks = new Map<number, "dailyLoss" | "drawdown">();

  constructor(
    private readonly book: Book,
    private readonly clearing: Clearing,
    private readonly venue: Venue,
    private readonly flow: OrderFlow,
    private readonly out: Reporters,
    private readonly priceOf: (product: string) => number,
    private readonly riskMode: (accountId: number) => string,
  ) {
    for (const rule of book.all<UserAccountAutoLiqEntity>("userAccountAutoLiq")) {
      const balance = book.get<CashBalanceEntity>("cashBalance", rule.id)!.amount;
      if (rule.trailingMaxDrawdown !== undefined) this.highs.set(rule.id, balance);
      if (rule.dailyLossAutoLiq !== undefined) this.dayStarts.set(rule.id, balance);
    }
  }

  check(accountId: number): void {
    const rule = this.book.get<UserAccountAutoLiqEntity>("userAccountAutoLiq", accountId);
    if (!rule || this.riskMode(accountId) === "locked") return;
    if (this.dailyLossReached(accountId, rule)) this.liquidate(accountId, "dailyLoss");
    else if (this.drawdownReached(accountId, rule, "RealTime")) this.liquidate(accountId, "drawdown");
  }

  /**
   * The next trade date: the day's loss counts from here, open positions valued at `settlement`
   * (the close's prices, not a gap's set in the halt); daily-loss locks clear (not doNotUnlock).
   */
  newTradeDate(settlement: (product: string) => number = this.priceOf): void {
    for (const accountId of this.dayStarts.keys())
      this.dayStarts.set(accountId, this.netLiq(accountId, settlement));
    for (const [accountId, reason] of this.locks) {
      const rule = this.book.get<UserAccountAutoLiqEntity>("userAccountAutoLiq", accountId)!;
      if (reason !== "dailyLoss" || rule.doNotUnlock || this.riskMode(accountId) !== "locked") continue;
      this.locks.delete(accountId);
      this.out.riskChanged(accountId, { adminAction: "Normal", adminTimestamp: this.book.timestamp() });
    }
    this.out.flush();
  }

  /** The session closed: an EOD trailing drawdown's high moves now, to the net liquidation at the close. */
  sessionClosed(): void {
    for (const accountId of this.highs.keys()) {
      const rule = this.book.get<UserAccountAutoLiqEntity>("userAccountAutoLiq", accountId)!;
      if (this.riskMode(accountId) !== "locked" && this.drawdownReached(accountId, rule, "EOD"))
        this.liquidate(accountId, "drawdown");
    }
  }

  /** The day's P&L, realized net of fees plus open, is net liquidation's move since the roll. */
  private dailyLossReached(accountId: number, rule: UserAccountAutoLiqEntity): boolean {
    const start = this.dayStarts.get(accountId);
    if (rule.dailyLossAutoLiq === undefined || start === undefined) return false;
    return this.netLiq(accountId) - start <= -rule.dailyLossAutoLiq;
  }

  /** Cash (already net of fees) plus open P&L. */
  private netLiq(accountId: number, priceOf: (product: string) => number = this.priceOf): number {
    return (
      this.book.get<CashBalanceEntity>("cashBalance", accountId)!.amount +
      this.clearing.openPnL(accountId, priceOf)
    );
  }

  /** Moves the high when `moment` is the rule's mode (RealTime: now; EOD: at the close), then compares. */
  private drawdownReached(
    accountId: number,
    rule: UserAccountAutoLiqEntity,
    moment: "RealTime" | "EOD",
  ): boolean {
    const high = this.highs.get(accountId);
    if (rule.trailingMaxDrawdown === undefined || high === undefined) return false;
    const netLiq = this.netLiq(accountId);
    const next = (rule.trailingMaxDrawdownMode ?? "RealTime") === moment ? Math.max(high, netLiq) : high;
    this.highs.set(accountId, next);
    return netLiq <= trailingFloor(next, rule.trailingMaxDrawdown, rule.trailingMaxDrawdownLimit);
  }

  private liquidate(accountId: number, reason: "dailyLoss" | "drawdown"): void {
    this.locks.set(accountId, reason);
    // Lock first, so the liquidation's own fills cannot trigger this again.
    this.out.riskChanged(accountId, {
      adminAction: "LockTradingImmediately",
      adminTimestamp: this.book.timestamp(),
    });
    this.out.flush();
    const owner = this.book.userById(this.book.get<AccountEntity>("account", accountId)!.userId)!;
    const contracts = new Set(this.clearing.openContracts(accountId));
    for (const o of this.venue.orders((w) => w.accountId === accountId)) contracts.add(o.contractId);
    for (const id of contracts) {
      const contract = this.book.get<ContractEntity>("contract", id)!;
      const product = this.book.productOf(id)!;
      this.flow.liquidate(
        {
          accountId,
          contractId: id,
          symbol: contract.name,
          product: product.name,
          tickSize: product.tickSize,
        },
        { userId: owner.id, sessionId: 0, isAutomated: true },
      );
    }
  }
}
