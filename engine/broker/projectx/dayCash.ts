import { tradingDayOf } from "../../risk/tradingDay.js";
import type { CashBalance } from "../../types.js";
import type { PxTrade } from "./wire.js";

interface Cash {
  amount: number;
  /** Realized P&L of the trades read (the snapshot's day of them, and each live one since). */
  realized: number;
  /** What the trading day's trades moved the balance by: their P&L less their fees. */
  day: { tradingDay: string; moved: number };
  /** What live trades moved that no balance has shown yet (ProjectX: trade, then account). */
  unbooked: number;
  /** A balance move no live trade has explained yet: an account update ahead of its trade. */
  unexplained: number;
}

/**
 * Each account's cash, and what it was when its trading day began. ProjectX gives only the
 * balance; its trades carry their P&L and fees, so the balance before the day's trades is the
 * balance the day started with: a follower first seen mid-day counts its morning against its
 * daily limits, as the firm does.
 */
export class DayCash {
  private readonly cash = new Map<number, Cash>();

  constructor(private readonly now: () => number) {}

  get(accountId: number): CashBalance | undefined {
    const c = this.cash.get(accountId);
    if (!c) return undefined;
    const tradingDay = tradingDayOf(this.now());
    const moved = c.day.tradingDay === tradingDay ? c.day.moved : 0;
    return { amount: c.amount, realizedPnL: c.realized, dayStart: { tradingDay, balance: c.amount - moved } };
  }

  /** A snapshot: its balance and trades (the last day's, voided ones left out) are the whole truth. */
  snapshot(accountId: number, balance: number, trades: readonly PxTrade[]): void {
    const tradingDay = tradingDayOf(this.now());
    const c: Cash = {
      amount: balance,
      realized: 0,
      day: { tradingDay, moved: 0 },
      unbooked: 0,
      unexplained: 0,
    };
    for (const t of trades) if (t.accountId === accountId && !t.voided) this.count(c, t);
    this.cash.set(accountId, c);
  }

  /** A new balance; false when it is the one known. */
  balance(accountId: number, amount: number): boolean {
    const c = this.cash.get(accountId);
    if (c?.amount === amount) return false;
    const rest = c === undefined ? 0 : amount - c.amount - c.unbooked;
    this.cash.set(accountId, {
      ...(c ?? this.empty()),
      amount,
      unbooked: 0,
      unexplained: near(rest, 0) ? 0 : rest,
    });
    return true;
  }

  /**
   * A live trade, new to the session. True when it explains the balance's last move (its account
   * update came first): the day's start, out by the trade since that balance, is right again now
   * and must be told, or it would stay out until the next balance. In ProjectX's own order (the
   * trade first) the start is out until its balance comes, which tells it.
   */
  trade(t: PxTrade): boolean {
    const c = this.cash.get(t.accountId);
    if (!c || t.voided) return false;
    this.count(c, t);
    c.unbooked += (t.profitAndLoss ?? 0) - t.fees;
    if (c.unexplained === 0 || !near(c.unbooked, c.unexplained)) return false;
    c.unbooked = 0;
    c.unexplained = 0;
    return true;
  }

  private count(c: Cash, t: PxTrade): void {
    c.realized += t.profitAndLoss ?? 0;
    // A trade without its time is taken as today's: the balance already holds it.
    const day = t.at === undefined ? tradingDayOf(this.now()) : tradingDayOf(t.at);
    if (day !== c.day.tradingDay) {
      if (day < c.day.tradingDay) return;
      c.day = { tradingDay: day, moved: 0 };
    }
    c.day.moved += (t.profitAndLoss ?? 0) - t.fees;
  }

  private empty(): Cash {
    return {
      amount: 0,
      realized: 0,
      day: { tradingDay: tradingDayOf(this.now()), moved: 0 },
      unbooked: 0,
      unexplained: 0,
    };
  }
}

/** Cents apart at most: the same money. */
function near(a: number, b: number): boolean {
  return Math.abs(a - b) < 0.005;
}
