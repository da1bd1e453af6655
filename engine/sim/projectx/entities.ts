import { projectxIdOf, projectxSymbols, symbolIdOf } from "../../broker/projectx/symbols.js";
import type { Book } from "../book.js";
import type { LedgerFill } from "../clearing.js";
import type { AccountEntity, ContractEntity, PositionEntity, ProductEntity } from "../entities.js";
import { averagePrice, type OrderState, type OrderType, type SimOrder } from "../order.js";

/**
 * The simulated book's orders, positions, trades, accounts and contracts in ProjectX's shapes
 * (projectx-protocol.md "Endpoints", "Enums"): the same objects the REST searches return and the
 * user hub's events carry. Contracts get ProjectX ids (CON.F.US.EP.Z26) from their names through
 * ProjectX's own roots.
 */

export const PX_ORDER_TYPE: Readonly<Record<OrderType, number>> = {
  Limit: 1,
  Market: 2,
  StopLimit: 3,
  Stop: 4,
  TrailingStop: 5,
};

export const PX_STATUS: Readonly<Record<OrderState, number>> = {
  PendingNew: 6,
  Suspended: 6,
  Working: 1,
  Filled: 2,
  Canceled: 3,
  Expired: 4,
  Rejected: 5,
};

export const PX_SIDE = { Buy: 0, Sell: 1 } as const;

/** Contract ids both ways, fixed when the book is built. */
export class ProjectXContracts {
  private readonly ids = new Map<number, string>();
  private readonly byPx = new Map<string, ContractEntity>();

  constructor(private readonly book: Book) {
    const symbols = projectxSymbols();
    for (const info of book.products.values()) {
      for (const c of info.contracts) {
        const id = projectxIdOf(c.name, symbols, book.now());
        if (!id) continue;
        this.ids.set(c.id, id);
        this.byPx.set(id, c);
      }
    }
  }

  idOf(contractId: number): string {
    return this.ids.get(contractId) ?? `CON.UNKNOWN.${contractId}`;
  }

  byId(id: string): ContractEntity | undefined {
    return this.byPx.get(id);
  }

  all(): ContractEntity[] {
    return [...this.byPx.values()];
  }

  entity(c: ContractEntity) {
    const product = this.book.productOf(c.id) as ProductEntity;
    const id = this.idOf(c.id);
    return {
      id,
      name: c.name,
      description: product.description || product.name,
      tickSize: product.tickSize,
      tickValue: Number((product.tickSize * product.valuePerPoint).toFixed(6)),
      activeContract: true,
      symbolId: symbolIdOf(id),
    };
  }
}

export interface OrderTimes {
  created: string;
  updated: string;
}

export function orderEntity(o: SimOrder, times: OrderTimes, contracts: ProjectXContracts) {
  const id = contracts.idOf(o.contractId);
  const avg = averagePrice(o);
  return {
    id: o.id,
    accountId: o.accountId,
    contractId: id,
    symbolId: symbolIdOf(id),
    creationTimestamp: times.created,
    updateTimestamp: times.updated,
    status: PX_STATUS[o.state],
    type: PX_ORDER_TYPE[o.type],
    side: PX_SIDE[o.action],
    size: o.qty,
    limitPrice: o.type === "Limit" || o.type === "StopLimit" ? (o.price ?? null) : null,
    stopPrice:
      o.type === "Stop" || o.type === "StopLimit" || o.type === "TrailingStop" ? (o.stopPrice ?? null) : null,
    fillVolume: o.filled,
    filledPrice: avg === undefined ? null : Number(avg.toFixed(6)),
    customTag: o.origin.clOrdId ?? null,
  };
}

export function positionEntity(p: PositionEntity, contracts: ProjectXContracts) {
  return {
    id: p.id,
    accountId: p.accountId,
    contractId: contracts.idOf(p.contractId),
    creationTimestamp: p.timestamp,
    // PositionType: 1 long, 2 short; 0 (undefined) once the position is closed.
    type: p.netPos > 0 ? 1 : p.netPos < 0 ? 2 : 0,
    size: Math.abs(p.netPos),
    averagePrice: p.netPos === 0 ? 0 : (p.netPrice ?? 0),
  };
}

export function tradeEntity(
  fill: LedgerFill,
  at: string,
  profitAndLoss: number | null,
  contracts: ProjectXContracts,
) {
  return {
    id: fill.id,
    accountId: fill.accountId,
    contractId: contracts.idOf(fill.contractId),
    creationTimestamp: at,
    price: fill.price,
    // A half-turn: null on an opening fill, the realized dollars on a closing one.
    profitAndLoss,
    fees: fill.fee,
    side: PX_SIDE[fill.action],
    size: fill.qty,
    voided: !fill.active,
    orderId: fill.orderId,
  };
}

export function accountEntity(a: AccountEntity, balance: number, canTrade: boolean) {
  return { id: a.id, name: a.name, balance, canTrade, isVisible: true, simulated: true };
}

export type PxOrder = ReturnType<typeof orderEntity>;
export type PxTrade = ReturnType<typeof tradeEntity>;
export type PxPosition = ReturnType<typeof positionEntity>;
export type PxAccount = ReturnType<typeof accountEntity>;
