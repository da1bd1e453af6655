import type { ShadowFill } from "../copier/shadowCopy.js";
import type { AccountRoute, BrokerSession, ContractSpec, OrderResult } from "../types.js";
import type { Liquidator } from "./flattener.js";
import { cents } from "./netLiq.js";
import type { Holdings, Valuation } from "./valuation.js";

/** The broker account id a shadow's holdings are filed under: no real account ever has it. */
export const SHADOW_ACCOUNT_ID = -1;

export interface ShadowRiskDeps {
  valuation: Valuation;
  /** The session whose prices and contracts value the shadow (its account's login). */
  session(follower: string): BrokerSession | undefined;
  /** The shadow's holdings moved: value it again and see whether a flatten is done. */
  moved(follower: string): void;
  /** A would-be flatten of one contract (the copier's shadow book goes to 0 there). */
  flatten(follower: string, contract: string, price: number): void;
  mono(): number;
  holdings(follower: string): Holdings | undefined;
}

/**
 * Issue 16: a shadow follower's holdings, valued like any follower's but built from its would-be
 * trades: cash starts at $0 and takes the realized P&L of each would-be trade (at the leader's fill
 * price), positions carry their average price and are priced by the live quotes of its login. They
 * are filed under a broker account id no account has, so nothing the broker says about the real
 * account reaches them, and a flatten of them is a would-be flatten.
 */
export class ShadowRisk {
  constructor(private readonly deps: ShadowRiskDeps) {}

  /** Where the shadow's holdings are valued; undefined while its login has no session. */
  route(follower: string): AccountRoute | undefined {
    const session = this.deps.session(follower);
    return session ? { session, accountId: SHADOW_ACCOUNT_ID } : undefined;
  }

  /** Cash starts at $0: its P&L is what its would-be trades make. */
  start(h: Holdings): void {
    if (h.cash === undefined) h.cash = 0;
  }

  fill(h: Holdings, fill: ShadowFill): void {
    const session = h.route?.session;
    if (!session) return;
    const known = session.contractByName(fill.contract);
    if (known) {
      this.apply(h, fill, known);
      return;
    }
    session.findContract(fill.contract).then(
      (spec) => spec && this.apply(h, fill, spec),
      () => undefined,
    );
  }

  /** The flattener's liquidator, with a shadow's liquidations made would-be ones (never sent). */
  liquidator(base: Liquidator, isShadow: (follower: string) => boolean): Liquidator {
    return {
      cancel: (follower, orderId) => base.cancel(follower, orderId),
      liquidate: (follower, contractId) => {
        const h = isShadow(follower) ? this.deps.holdings(follower) : undefined;
        return h ? this.liquidate(h, contractId) : base.liquidate(follower, contractId);
      },
    };
  }

  /** A flatten's liquidation of one would-be position: done at once, nothing sent. */
  liquidate(h: Holdings, contractId: string): Promise<OrderResult> {
    const p = h.positions.get(contractId);
    if (p && p.netPos !== 0) this.deps.flatten(h.follower, p.contract, p.price ?? p.netPrice ?? 0);
    const at = this.deps.mono();
    return Promise.resolve({ ok: true, orderId: 0, writtenAt: at, ackAt: at });
  }

  private apply(h: Holdings, fill: ShadowFill, spec: ContractSpec): void {
    const p = h.positions.get(spec.id);
    const had = p?.netPos ?? 0;
    const avg = p?.netPrice ?? fill.price;
    const next = had + fill.delta;
    let price: number | undefined = avg;
    if (had === 0 || Math.sign(had) === Math.sign(fill.delta)) {
      price = (avg * Math.abs(had) + fill.price * Math.abs(fill.delta)) / Math.abs(next);
    } else {
      const closing = Math.min(Math.abs(fill.delta), Math.abs(had));
      h.cash = cents((h.cash ?? 0) + closing * (fill.price - avg) * Math.sign(had) * spec.pointValue);
      if (next === 0) price = undefined;
      else if (Math.sign(next) !== Math.sign(had)) price = fill.price;
    }
    this.deps.valuation.applyPosition(h, {
      accountId: SHADOW_ACCOUNT_ID,
      contractId: spec.id,
      contract: fill.contract,
      netPos: next,
      netPrice: price,
    });
    this.deps.moved(h.follower);
  }
}
