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
 * Tradovate's server-side daily loss limit (userAccountAutoLiq.dailyLossAutoLiq): once the day's
 * realized P&L net of fees plus open P&L reaches the limit, the account is locked
 * (LockTradingImmediately), its orders cancelled and every position closed at market.
 */
export class AutoLiquidation {
  constructor(
    private readonly book: Book,
    private readonly clearing: Clearing,
    private readonly venue: Venue,
    private readonly flow: OrderFlow,
    private readonly out: Reporters,
    private readonly priceOf: (product: string) => number,
    private readonly riskMode: (accountId: number) => string,
  ) {}

  check(accountId: number): void {
    const limit = this.book.get<UserAccountAutoLiqEntity>("userAccountAutoLiq", accountId)?.dailyLossAutoLiq;
    if (limit === undefined || this.riskMode(accountId) === "locked") return;
    const cash = this.book.get<CashBalanceEntity>("cashBalance", accountId)!;
    const pnl =
      cash.realizedPnL - this.clearing.feesPaid(accountId) + this.clearing.openPnL(accountId, this.priceOf);
    if (pnl > -limit) return;
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
