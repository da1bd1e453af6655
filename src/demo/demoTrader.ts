import type { Side } from "../../engine/types.js";

/** The slice of the simulator's control API the demo trader needs. */
export interface DemoMarket extends Partial<BracketMarket> {
  manualTrade(accountName: string, symbol: string, action: Side, qty: number): unknown;
  jumpPrice(symbol: string, delta: number): unknown;
}

/**
 * What brackets need besides (the simulator's control has it all): the price, an entry with its
 * stop and target (OSO), moving a stop, and the broker's records, which say where the position
 * is once a leg has filled on its own.
 */
export interface BracketMarket {
  price(symbol: string): number | undefined;
  placeOso(
    accountName: string,
    order: { symbol: string; action: Side; qty: number; orderType: "Market" },
    stop: { orderType: "Stop"; stopPrice: number },
    target: { orderType: "Limit"; price: number },
  ): unknown;
  modifyOrder(orderId: number, change: { stopPrice: number }): unknown;
  cancelOrder(orderId: number): unknown;
  records(): {
    positions: ReadonlyArray<{
      accountName: string;
      contract: string;
      netPos: number;
      netPrice: number | undefined;
    }>;
    workingOrders: ReadonlyArray<{
      accountName: string;
      symbol: string;
      orderId: number | null;
      orderType: string;
      stopPrice?: number | undefined;
    }>;
  };
}

export interface DemoTraderOptions {
  leader: string;
  /** Contracts the trader rotates through; include one the group's whitelist holds back. */
  symbols: readonly { name: string; tick: number }[];
  /** Returns a number in [0, 1); seeded in tests. */
  random?: () => number;
  /** Every this many steps, a sharp move against the open position (so a lock shows up). */
  shockEvery?: number;
  /**
   * Every this many steps, when flat in the symbol, an entry at market with a stop and a target
   * (an OSO bracket), if the market takes brackets; protected followers get an OCO of their own.
   */
  bracketEvery?: number;
}

/**
 * Trades the demo leader as a person would in Tradovate: opens, adds, scales out, closes and
 * sometimes flips, across several contracts, with an occasional adverse price shock, and now and
 * then enters with a bracket (a stop and a target working at the broker) and moves its stop to
 * break-even. Pure decision logic driven by `step()`; the caller owns the timer.
 */
export class DemoTrader {
  private readonly positions = new Map<string, number>();
  private steps = 0;
  private readonly random: () => number;

  constructor(
    private readonly market: DemoMarket,
    private readonly options: DemoTraderOptions,
  ) {
    this.random = options.random ?? Math.random;
  }

  position(symbol: string): number {
    return this.positions.get(symbol) ?? 0;
  }

  step(): void {
    this.steps += 1;
    const { symbols, shockEvery = 9, bracketEvery = 4 } = this.options;
    const brackets = this.bracketMarket();
    // A bracket's leg fills on its own: the broker says where the position is now.
    if (brackets) this.syncPositions(brackets);
    // The first trade is always in the first (whitelisted) symbol, so a newcomer sees a copy at once.
    const pick =
      this.steps === 1 ? symbols[0] : (symbols[Math.floor(this.random() * symbols.length)] ?? symbols[0]);
    if (!pick) return;
    const pos = this.position(pick.name);
    if (this.steps % shockEvery === 0 && pos !== 0) {
      // Against the position: enough ticks to hurt a follower with a tight daily loss limit.
      this.market.jumpPrice(pick.name, -Math.sign(pos) * pick.tick * 60);
      return;
    }
    if (brackets) {
      const legs = this.legs(brackets, pick.name);
      // While a bracket works the trader leaves the position to it, or moves its stop to break-even.
      if (legs.length > 0) {
        this.tendBracket(brackets, pick, pos, legs);
        return;
      }
      if (pos === 0 && this.steps % bracketEvery === 0) {
        this.bracket(brackets, pick);
        return;
      }
    }
    const roll = this.random();
    if (pos === 0) {
      this.trade(pick.name, roll < 0.5 ? "Buy" : "Sell", 1 + Math.floor(this.random() * 3));
    } else if (roll < 0.3) {
      this.trade(pick.name, pos > 0 ? "Buy" : "Sell", 1 + Math.floor(this.random() * 2));
    } else if (roll < 0.6 && Math.abs(pos) > 1) {
      this.trade(pick.name, pos > 0 ? "Sell" : "Buy", 1);
    } else if (roll < 0.9) {
      this.trade(pick.name, pos > 0 ? "Sell" : "Buy", Math.abs(pos));
    } else {
      this.trade(pick.name, pos > 0 ? "Sell" : "Buy", Math.abs(pos) + 1);
    }
  }

  private bracketMarket(): BracketMarket | undefined {
    const m = this.market;
    return m.price && m.placeOso && m.modifyOrder && m.cancelOrder && m.records
      ? (m as BracketMarket)
      : undefined;
  }

  private syncPositions(market: BracketMarket): void {
    const mine = market.records().positions.filter((p) => p.accountName === this.options.leader);
    for (const { name } of this.options.symbols) {
      this.positions.set(name, mine.find((p) => p.contract === name)?.netPos ?? 0);
    }
  }

  private legs(market: BracketMarket, symbol: string) {
    return market
      .records()
      .workingOrders.filter((o) => o.accountName === this.options.leader && o.symbol === symbol);
  }

  /** An entry at market, its stop 16 ticks away and its target 24 (an OSO bracket). */
  private bracket(market: BracketMarket, pick: { name: string; tick: number }): void {
    const price = market.price(pick.name);
    if (price === undefined) return;
    const action: Side = this.random() < 0.5 ? "Buy" : "Sell";
    const s = action === "Buy" ? 1 : -1;
    const at = (ticks: number) => Math.round((price + s * ticks * pick.tick) / pick.tick) * pick.tick;
    const qty = 1 + Math.floor(this.random() * 2);
    market.placeOso(
      this.options.leader,
      { symbol: pick.name, action, qty, orderType: "Market" },
      { orderType: "Stop", stopPrice: Number(at(-16).toFixed(6)) },
      { orderType: "Limit", price: Number(at(24).toFixed(6)) },
    );
    this.positions.set(pick.name, s * qty);
  }

  private tendBracket(
    market: BracketMarket,
    pick: { name: string; tick: number },
    pos: number,
    legs: ReturnType<DemoTrader["legs"]>,
  ): void {
    if (pos === 0) {
      // The position is gone (closed by hand, or flattened): no leg may stay behind to open one.
      for (const leg of legs) if (leg.orderId !== null) market.cancelOrder(leg.orderId);
      return;
    }
    const stop = legs.find((o) => o.orderType === "Stop");
    const entry = market
      .records()
      .positions.find((p) => p.accountName === this.options.leader && p.contract === pick.name)?.netPrice;
    if (!stop || stop.orderId === null || entry === undefined || this.random() < 0.5) return;
    const breakEven = Number((Math.round(entry / pick.tick) * pick.tick).toFixed(6));
    const price = market.price(pick.name);
    // Only while the price is on the right side of it: a stop past the price would fill at once.
    const safe = price !== undefined && (pos > 0 ? price > breakEven : price < breakEven);
    if (safe && stop.stopPrice !== breakEven) market.modifyOrder(stop.orderId, { stopPrice: breakEven });
  }

  private trade(symbol: string, action: Side, qty: number): void {
    this.market.manualTrade(this.options.leader, symbol, action, qty);
    this.positions.set(symbol, this.position(symbol) + (action === "Buy" ? qty : -qty));
  }
}
