/**
 * Per-account state of one login (tradovate-protocol.md §4): positions, cash balances (which
 * Tradovate moves by realized P&L and by fees: net liquidation and loss limits read `amount`) and
 * risk status; each change becomes its event only when it is a change.
 */
import type {
  BalanceEvent,
  BrokerEvent,
  CashBalance,
  PositionEvent,
  PositionSnapshot,
  RiskStatusEvent,
} from "../types.js";
import type { ContractCache } from "./contractCache.js";
import {
  LOCKING_ACTIONS,
  parseCashBalance,
  parsePosition,
  parseRiskStatus,
  type RawPosition,
  type RawRiskStatus,
} from "./entities.js";

type Cash = CashBalance;

export class AccountState {
  /** By account, then contract: an account's positions are read on each of its position events. */
  private readonly positionsByAccount = new Map<number, Map<number, RawPosition>>();
  private readonly cash = new Map<number, Cash>();
  private readonly risk = new Map<number, RawRiskStatus>();

  constructor(
    private readonly connection: string,
    private readonly contracts: ContractCache,
    private readonly isAllowed: (accountId: number) => boolean,
  ) {}

  positions(accountId: number): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    for (const p of this.positionsByAccount.get(accountId)?.values() ?? []) out.push(this.snapshotOf(p));
    return out;
  }

  allPositions(): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    for (const [accountId, positions] of this.positionsByAccount)
      if (this.isAllowed(accountId)) for (const p of positions.values()) out.push(this.snapshotOf(p));
    return out;
  }

  cashBalance(accountId: number): Cash | undefined {
    const c = this.cash.get(accountId);
    return c ? { ...c } : undefined;
  }

  /**
   * A snapshot is the truth now: forget what may be stale after a gap. A re-read of `only` some
   * accounts brings their positions and cash, not their risk status, which is kept.
   */
  clear(only?: ReadonlySet<number>): void {
    if (!only) {
      this.positionsByAccount.clear();
      this.cash.clear();
      this.risk.clear();
      return;
    }
    for (const accountId of only) {
      this.positionsByAccount.delete(accountId);
      this.cash.delete(accountId);
    }
  }

  /** Caches a snapshot entity of a type this state owns; false for other types. */
  store(entityType: string, entity: unknown): boolean {
    switch (entityType) {
      case "position": {
        const p = parsePosition(entity);
        if (p) this.setPosition(p);
        return true;
      }
      case "cashbalance": {
        const c = parseCashBalance(entity);
        if (c) this.cash.set(c.accountId, cashOf(c));
        return true;
      }
      case "accountriskstatus": {
        const r = parseRiskStatus(entity);
        if (r) this.risk.set(r.accountId, r);
        return true;
      }
      default:
        return false;
    }
  }

  /** The balance and risk events a fresh snapshot (of `only` some accounts) implies. */
  snapshotEvents(only?: ReadonlySet<number>): BrokerEvent[] {
    const told = (accountId: number) => this.isAllowed(accountId) && (!only || only.has(accountId));
    const events: BrokerEvent[] = [];
    for (const [accountId, c] of this.cash) if (told(accountId)) events.push(this.balanceEvent(accountId, c));
    for (const r of this.risk.values()) if (told(r.accountId)) events.push(this.riskEvent(r));
    return events;
  }

  /** A live position: the position when it changed for an allowed account, else undefined. */
  livePosition(p: RawPosition): RawPosition | undefined {
    const before = this.setPosition(p);
    if (before && before.netPos === p.netPos && before.netPrice === p.netPrice) return undefined;
    return this.isAllowed(p.accountId) ? p : undefined;
  }

  liveCash(entity: unknown, events: BrokerEvent[]): boolean {
    const c = parseCashBalance(entity);
    if (!c) return false;
    const before = this.cash.get(c.accountId);
    this.cash.set(c.accountId, cashOf(c));
    const same = before?.amount === c.amount && before.realizedPnL === c.realizedPnL;
    if (same && before.dayStart?.tradingDay === c.dayStart?.tradingDay) return true;
    if (this.isAllowed(c.accountId)) events.push(this.balanceEvent(c.accountId, c));
    return true;
  }

  liveRisk(entity: unknown, events: BrokerEvent[]): boolean {
    const r = parseRiskStatus(entity);
    if (!r) return false;
    const before = this.risk.get(r.accountId);
    this.risk.set(r.accountId, r);
    if (before && before.adminAction === r.adminAction && before.liquidateOnly === r.liquidateOnly)
      return true;
    if (this.isAllowed(r.accountId)) events.push(this.riskEvent(r));
    return true;
  }

  /**
   * A position Tradovate deleted: the flat position to report (like livePosition's, it may have
   * to wait for its contract behind an earlier report), or undefined when it was flat already.
   */
  deletedPosition(entity: unknown): RawPosition | undefined {
    const p = parsePosition(entity);
    if (!p) return undefined;
    const positions = this.positionsByAccount.get(p.accountId);
    const before = positions?.get(p.contractId);
    if (positions?.delete(p.contractId) && positions.size === 0) this.positionsByAccount.delete(p.accountId);
    if (!before || before.netPos === 0 || !this.isAllowed(p.accountId)) return undefined;
    return { ...p, netPos: 0, netPrice: undefined };
  }

  positionEvent(p: RawPosition): PositionEvent {
    return { type: "position", connection: this.connection, position: this.snapshotOf(p) };
  }

  /** Stores `p`; returns the position it replaced. */
  private setPosition(p: RawPosition): RawPosition | undefined {
    let positions = this.positionsByAccount.get(p.accountId);
    if (!positions) {
      positions = new Map();
      this.positionsByAccount.set(p.accountId, positions);
    }
    const before = positions.get(p.contractId);
    positions.set(p.contractId, p);
    return before;
  }

  private snapshotOf(p: RawPosition): PositionSnapshot {
    return {
      accountId: p.accountId,
      contractId: String(p.contractId),
      contract: this.contracts.name(p.contractId) ?? String(p.contractId),
      netPos: p.netPos,
      netPrice: p.netPos === 0 ? undefined : p.netPrice,
      volume: p.volume,
    };
  }

  private balanceEvent(accountId: number, c: Cash): BalanceEvent {
    return {
      type: "balance",
      connection: this.connection,
      accountId,
      ...c,
    };
  }

  private riskEvent(r: RawRiskStatus): RiskStatusEvent {
    return {
      type: "riskStatus",
      connection: this.connection,
      accountId: r.accountId,
      adminAction: r.adminAction,
      liquidateOnly: r.liquidateOnly,
      locked: LOCKING_ACTIONS.has(r.adminAction),
    };
  }
}

function cashOf(c: CashBalance): Cash {
  return { amount: c.amount, realizedPnL: c.realizedPnL, dayStart: c.dayStart, weekStart: c.weekStart };
}
