import { applyFill, type Lot, netPos, netPrice, openPoints, type Pair } from "./lots.js";
import type { Side } from "./order.js";

/**
 * The clearing side: every fill booked into FIFO positions, realized P&L, fees per contract per
 * fill, and busts (a fill taken back: the position, P&L and pairs recomputed without it). It
 * keeps its own ledger of fills, so a bust works on any fill however old.
 */

export interface ProductTerms {
  valuePerPoint: number;
  /** Dollars per contract per fill (commission and exchange fees together). */
  fee: number;
}

export interface PositionState {
  accountId: number;
  contractId: number;
  netPos: number;
  netPrice: number | undefined;
  bought: number;
  boughtValue: number;
  sold: number;
  soldValue: number;
}

export interface PairRecord extends Pair {
  id: number;
}

export interface LedgerFill {
  id: number;
  orderId: number;
  accountId: number;
  contractId: number;
  product: string;
  action: Side;
  qty: number;
  price: number;
  fee: number;
  active: boolean;
}

export interface Booking {
  fill: LedgerFill;
  position: PositionState;
  /** Dollars realized by this change (negative for a loss, or for profit a bust took back). */
  realized: number;
  /** Dollars charged (negative: refunded). */
  fee: number;
  /** Contracts of this fill that closed open lots. */
  paired: number;
  created: PairRecord[];
  deactivated: PairRecord[];
}

interface Ledger {
  fills: LedgerFill[];
  lots: Lot[];
  pairs: PairRecord[];
  realizedPoints: number;
  totals: Totals;
}

interface Totals {
  bought: number;
  boughtValue: number;
  sold: number;
  soldValue: number;
}

const noTotals = (): Totals => ({ bought: 0, boughtValue: 0, sold: 0, soldValue: 0 });

function addTo(t: Totals, f: LedgerFill): void {
  if (f.action === "Buy") {
    t.bought += f.qty;
    t.boughtValue += f.qty * f.price;
  } else {
    t.sold += f.qty;
    t.soldValue += f.qty * f.price;
  }
}

export const cents = (n: number): number => Math.round(n * 100) / 100;

const pairKey = (p: Pair) => `${p.buyFillId}:${p.sellFillId}:${p.qty}:${p.buyPrice}:${p.sellPrice}`;

export class Clearing {
  private readonly ledgers = new Map<string, Ledger>();
  private readonly fillsById = new Map<number, LedgerFill>();
  private readonly feesByAccount = new Map<number, number>();

  constructor(
    private readonly products: Map<string, ProductTerms>,
    private readonly newId: () => number,
  ) {}

  fee(product: string): number {
    return this.terms(product).fee;
  }

  setFee(product: string, fee: number): void {
    if (!Number.isFinite(fee) || fee < 0) throw new Error(`fee must be zero or more dollars (got ${fee})`);
    this.terms(product).fee = fee;
  }

  /** Fees charged to an account so far, net of refunds for busted fills. */
  feesPaid(accountId: number): number {
    return this.feesByAccount.get(accountId) ?? 0;
  }

  fill(fillId: number): LedgerFill | undefined {
    return this.fillsById.get(fillId);
  }

  netPos(accountId: number, contractId: number): number {
    return netPos(this.ledgers.get(`${accountId}:${contractId}`)?.lots ?? []);
  }

  /** Contracts where the account holds a position. */
  openContracts(accountId: number): number[] {
    const out: number[] = [];
    for (const [key, l] of this.ledgers) {
      const [account, contract] = key.split(":").map(Number);
      if (account === accountId && l.lots.length > 0) out.push(contract!);
    }
    return out;
  }

  /** Accounts holding a position in any contract of `product`. */
  accountsIn(product: string): Set<number> {
    const out = new Set<number>();
    for (const l of this.ledgers.values())
      if (l.lots.length > 0 && l.fills[0]?.product === product) out.add(l.fills[0].accountId);
    return out;
  }

  /** Open P&L in dollars at the prices `priceOf` gives per product. */
  openPnL(accountId: number, priceOf: (product: string) => number): number {
    let total = 0;
    for (const [key, l] of this.ledgers) {
      const first = l.fills[0];
      if (l.lots.length === 0 || !first || !key.startsWith(`${accountId}:`)) continue;
      total += openPoints(l.lots, priceOf(first.product)) * this.terms(first.product).valuePerPoint;
    }
    return cents(total);
  }

  book(fill: Omit<LedgerFill, "fee" | "active">): Booking {
    const key = `${fill.accountId}:${fill.contractId}`;
    let ledger = this.ledgers.get(key);
    if (!ledger) {
      ledger = { fills: [], lots: [], pairs: [], realizedPoints: 0, totals: noTotals() };
      this.ledgers.set(key, ledger);
    }
    const terms = this.terms(fill.product);
    const entry: LedgerFill = { ...fill, fee: cents(fill.qty * terms.fee), active: true };
    ledger.fills.push(entry);
    addTo(ledger.totals, entry);
    this.fillsById.set(entry.id, entry);
    const result = applyFill(ledger.lots, entry);
    ledger.lots = result.lots;
    ledger.realizedPoints += result.realizedPoints;
    const created = result.pairs.map((p) => ({ ...p, id: this.newId() }));
    ledger.pairs.push(...created);
    this.charge(fill.accountId, entry.fee);
    return {
      fill: entry,
      position: this.position(ledger, fill.accountId, fill.contractId),
      realized: cents(result.realizedPoints * terms.valuePerPoint),
      fee: entry.fee,
      paired: result.pairs.reduce((sum, p) => sum + p.qty, 0),
      created,
      deactivated: [],
    };
  }

  /** Take a fill back: replay the contract's remaining fills, refund its fee. */
  bust(fillId: number): Booking {
    const entry = this.fillsById.get(fillId);
    if (!entry) throw new Error(`unknown fill ${fillId}`);
    if (!entry.active) throw new Error(`fill ${fillId} is already busted`);
    const ledger = this.ledgers.get(`${entry.accountId}:${entry.contractId}`)!;
    entry.active = false;
    let lots: Lot[] = [];
    let points = 0;
    const pairs: Pair[] = [];
    ledger.totals = noTotals();
    for (const f of ledger.fills) {
      if (!f.active) continue;
      addTo(ledger.totals, f);
      const r = applyFill(lots, f);
      lots = r.lots;
      points += r.realizedPoints;
      pairs.push(...r.pairs);
    }
    const vpp = this.terms(entry.product).valuePerPoint;
    const realized = cents(cents(points * vpp) - cents(ledger.realizedPoints * vpp));
    ledger.lots = lots;
    ledger.realizedPoints = points;
    const kept = new Map<string, PairRecord[]>();
    for (const p of ledger.pairs) kept.set(pairKey(p), [...(kept.get(pairKey(p)) ?? []), p]);
    const next: PairRecord[] = [];
    const created: PairRecord[] = [];
    for (const p of pairs) {
      const same = kept.get(pairKey(p))?.shift();
      if (same) next.push(same);
      else {
        const fresh = { ...p, id: this.newId() };
        created.push(fresh);
        next.push(fresh);
      }
    }
    const deactivated = [...kept.values()].flat();
    ledger.pairs = next;
    this.charge(entry.accountId, -entry.fee);
    return {
      fill: entry,
      position: this.position(ledger, entry.accountId, entry.contractId),
      realized,
      fee: -entry.fee,
      paired: 0,
      created,
      deactivated,
    };
  }

  private position(ledger: Ledger, accountId: number, contractId: number): PositionState {
    return {
      accountId,
      contractId,
      netPos: netPos(ledger.lots),
      netPrice: netPrice(ledger.lots),
      ...ledger.totals,
    };
  }

  private charge(accountId: number, fee: number): void {
    this.feesByAccount.set(accountId, cents((this.feesByAccount.get(accountId) ?? 0) + fee));
  }

  private terms(product: string): ProductTerms {
    const t = this.products.get(product);
    if (!t) throw new Error(`unknown product ${product}`);
    return t;
  }
}
