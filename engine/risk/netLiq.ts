/**
 * Net liquidation of one account: cash balance plus the open P&L of its positions at live prices.
 * Money is rounded to cents so limits compare exactly: 0.01-tick products (CL, …) would otherwise
 * leave 999.9999999 where the trader sees $1,000.00.
 */

export interface PricedPosition {
  netPos: number;
  /** Average entry price; undefined when flat. */
  netPrice: number | undefined;
  /** Last price; undefined until a quote arrives. */
  price: number | undefined;
  /** Dollars per 1.0 of price per contract; undefined until the contract is known. */
  pointValue: number | undefined;
}

export interface NetLiquidation {
  netLiq: number;
  openPnl: number;
  /** Open positions that could not be valued (no price or no point value yet): counted as 0. */
  unvalued: number;
}

export function cents(dollars: number): number {
  return Math.round(dollars * 100) / 100;
}

/** Open P&L of one position, or undefined when it cannot be valued yet. */
export function positionPnl(p: PricedPosition): number | undefined {
  if (p.netPos === 0) return 0;
  if (p.netPrice === undefined || p.price === undefined || p.pointValue === undefined) return undefined;
  return p.netPos * (p.price - p.netPrice) * p.pointValue;
}

/**
 * The open P&L, at its last price, of the part of `p` that a move to `netPos` closes (all of it on
 * a flip); undefined when it cannot be valued.
 */
export function closedPnl(p: PricedPosition, netPos: number): number | undefined {
  const held = Math.abs(p.netPos);
  const closed = Math.sign(p.netPos) === Math.sign(netPos) ? Math.max(0, held - Math.abs(netPos)) : held;
  if (closed === 0) return 0;
  const pnl = positionPnl(p);
  return pnl === undefined ? undefined : (pnl * closed) / held;
}

export function netLiquidation(cashBalance: number, positions: Iterable<PricedPosition>): NetLiquidation {
  let open = 0;
  let unvalued = 0;
  for (const p of positions) {
    const pnl = positionPnl(p);
    if (pnl === undefined) unvalued++;
    else open += pnl;
  }
  const openPnl = cents(open);
  return { netLiq: cents(cashBalance + openPnl), openPnl, unvalued };
}

/** Day P&L = net liquidation − start-of-day balance. */
export function dayPnl(netLiq: number, startOfDayBalance: number): number {
  return cents(netLiq - startOfDayBalance);
}
