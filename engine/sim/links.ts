import { isOpen, type Side, type SimOrder } from "./order.js";

/**
 * How orders hang together: OCO pairs, OSO brackets waiting for their entry, and multibracket
 * strategies. An exit set is one or two exit orders (two = OCO) that together close at most a
 * target number of contracts: a plain OCO's quantity, or what the entry has filled so far (for a
 * strategy bracket, its share of the entry). After every fill or end of a linked order this module
 * says what must follow; order-flow.ts carries it out.
 *
 * Rules (Tradovate's, as far as the public sources describe them; the partial-fill ones inferred):
 * brackets wait Suspended until the entry fills, then work sized to what filled and grow with it;
 * an OCO leg that fills completely, or is cancelled, cancels its partner; a partial fill shrinks
 * the partner so the pair never closes more than its target; an entry that ends without a fill
 * takes its brackets with it.
 */

export interface StrategyBracket {
  qty: number;
  /** Signed price offset from the entry's average fill price (positive above). */
  profitTarget?: number | undefined;
  stopLoss?: number | undefined;
  trailingStop: boolean;
}

export interface ExitSet {
  id: number;
  legs: number[];
  parentId?: number | undefined;
  /** Contracts of the entry before this set's share (strategy brackets after the first). */
  offset: number;
  /** Contracts of the entry this set covers; undefined = all of it. */
  share?: number | undefined;
  /** A plain OCO: the contracts the pair covers. */
  qty?: number | undefined;
  /** Strategy bracket whose legs are made when the entry first fills (their prices follow it). */
  bracket?: StrategyBracket | undefined;
  strategyId?: number | undefined;
  closed: boolean;
}

export type StrategyStatus = "ActiveStrategy" | "ExecutionFinished" | "ExecutionInterrupted";

export interface SimStrategy {
  id: number;
  accountId: number;
  contractId: number;
  action: Side;
  /** The request's params, verbatim (Tradovate sends them back as a JSON string). */
  params: string;
  entryId: number;
  status: StrategyStatus;
  userId: number;
  sets: number[];
}

export type LinkAction =
  | { kind: "cancel"; orderId: number }
  | { kind: "reject"; orderId: number; reason: string; text: string }
  | { kind: "resize"; orderId: number; qty: number }
  | { kind: "activate"; orderId: number; qty: number }
  | { kind: "createLegs"; set: ExitSet; qty: number };

type Lookup = (orderId: number) => SimOrder | undefined;

export class Links {
  private readonly sets = new Map<number, ExitSet>();
  private readonly setOfLeg = new Map<number, ExitSet>();
  private readonly setsOfParent = new Map<number, ExitSet[]>();
  private readonly strategies = new Map<number, SimStrategy>();

  constructor(private readonly newId: () => number) {}

  addOco(legs: [number, number], qty: number): ExitSet {
    return this.register({ id: this.newId(), legs, offset: 0, qty, closed: false });
  }

  addBrackets(parentId: number, legs: number[]): ExitSet {
    return this.register({ id: this.newId(), legs, parentId, offset: 0, closed: false });
  }

  addStrategy(strategy: SimStrategy, brackets: readonly StrategyBracket[]): void {
    this.strategies.set(strategy.id, strategy);
    let offset = 0;
    for (const bracket of brackets) {
      const set = this.register({
        id: this.newId(),
        legs: [],
        parentId: strategy.entryId,
        offset,
        share: bracket.qty,
        bracket,
        strategyId: strategy.id,
        closed: false,
      });
      strategy.sets.push(set.id);
      offset += bracket.qty;
    }
  }

  attachLegs(set: ExitSet, legs: number[]): void {
    set.legs.push(...legs);
    for (const leg of legs) this.setOfLeg.set(leg, set);
  }

  /**
   * A client changed a leg: a plain OCO now covers that leg's quantity plus what its partner has
   * closed (else its next partial fill would size both legs back to what the pair was placed with).
   */
  revised(order: SimOrder, get: Lookup): void {
    const set = this.setOfLeg.get(order.id);
    if (!set || set.parentId !== undefined || set.closed) return;
    const others = set.legs.filter((id) => id !== order.id).map(get);
    set.qty = order.qty + others.reduce((sum, o) => sum + (o?.filled ?? 0), 0);
  }

  strategy(id: number): SimStrategy | undefined {
    return this.strategies.get(id);
  }

  /** Every order of a strategy: its entry and the legs made so far. */
  strategyOrders(s: SimStrategy): number[] {
    return [s.entryId, ...s.sets.flatMap((id) => this.sets.get(id)!.legs)];
  }

  /** What follows a fill of `order`. */
  afterFill(order: SimOrder, get: Lookup): LinkAction[] {
    const actions: LinkAction[] = [];
    for (const set of this.setsOfParent.get(order.id) ?? []) {
      if (set.closed) continue;
      const target = this.target(set, get);
      if (target === 0) continue;
      if (set.legs.length === 0 && set.bracket) {
        actions.push({ kind: "createLegs", set, qty: target });
        continue;
      }
      actions.push(...this.sizeLegs(set, target, get));
    }
    const set = this.setOfLeg.get(order.id);
    if (set && !set.closed) {
      if (order.state === "Filled") actions.push(...this.close(set, order.id, get));
      else actions.push(...this.sizeLegs(set, this.target(set, get), get));
    }
    return actions;
  }

  /** What follows the end (cancel, reject, expiry) of `order` before it filled completely. */
  afterEnd(order: SimOrder, get: Lookup): LinkAction[] {
    const actions: LinkAction[] = [];
    for (const set of this.setsOfParent.get(order.id) ?? []) {
      if (set.closed || this.target(set, get) > 0) continue;
      set.closed = true;
      for (const leg of set.legs) {
        const o = get(leg);
        if (!o || !isOpen(o)) continue;
        if (order.state === "Rejected")
          actions.push({
            kind: "reject",
            orderId: leg,
            reason: "ParentRejected",
            text: `Entry order ${order.id} was rejected`,
          });
        else actions.push({ kind: "cancel", orderId: leg });
      }
    }
    const set = this.setOfLeg.get(order.id);
    if (set && !set.closed) actions.push(...this.close(set, order.id, get));
    return actions;
  }

  /** A strategy is finished once none of its orders can still trade. */
  finished(s: SimStrategy, get: Lookup): boolean {
    return this.strategyOrders(s).every((id) => {
      const o = get(id);
      return !o || !isOpen(o);
    });
  }

  private register(set: ExitSet): ExitSet {
    this.sets.set(set.id, set);
    for (const leg of set.legs) this.setOfLeg.set(leg, set);
    if (set.parentId !== undefined)
      this.setsOfParent.set(set.parentId, [...(this.setsOfParent.get(set.parentId) ?? []), set]);
    return set;
  }

  /** Contracts the set may close: a plain OCO's quantity, else its share of what the entry filled. */
  private target(set: ExitSet, get: Lookup): number {
    if (set.parentId === undefined) return set.qty ?? 0;
    const filled = get(set.parentId)?.filled ?? 0;
    return Math.max(0, Math.min(filled - set.offset, set.share ?? Number.POSITIVE_INFINITY));
  }

  /** Size every open leg to its fills plus what the set still has to close. */
  private sizeLegs(set: ExitSet, target: number, get: Lookup): LinkAction[] {
    const legs = set.legs.map(get).filter((o): o is SimOrder => o !== undefined);
    const room = Math.max(0, target - legs.reduce((sum, o) => sum + o.filled, 0));
    const actions: LinkAction[] = [];
    for (const o of legs) {
      if (!isOpen(o)) continue;
      const qty = o.filled + room;
      if (o.state === "Suspended") actions.push({ kind: "activate", orderId: o.id, qty });
      else if (room === 0) actions.push({ kind: "cancel", orderId: o.id });
      else if (qty !== o.qty) actions.push({ kind: "resize", orderId: o.id, qty });
    }
    return actions;
  }

  private close(set: ExitSet, except: number, get: Lookup): LinkAction[] {
    set.closed = true;
    const actions: LinkAction[] = [];
    for (const leg of set.legs) {
      const o = get(leg);
      if (leg !== except && o && isOpen(o)) actions.push({ kind: "cancel", orderId: leg });
    }
    return actions;
  }
}
