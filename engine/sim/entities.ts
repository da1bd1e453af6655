import type { RiskMode } from "./accountGate.js";
import type { LedgerFill, PairRecord, PositionState } from "./clearing.js";
import type { SimStrategy } from "./links.js";
import type { OrderRequest, SimOrder } from "./order.js";

/**
 * Tradovate entity shapes as the simulator stores and sends them (tradovate-protocol.md §4), and
 * how the simulator's own order, fill and strategy models are shaped into them. Every entity is
 * plain JSON; the field names are Tradovate's.
 */

export interface Entity {
  id: number;
  [field: string]: unknown;
}

export interface TradeDate {
  year: number;
  month: number;
  day: number;
}

export interface UserEntity extends Entity {
  name: string;
  timestamp: string;
  status: string;
}

export interface AccountEntity extends Entity {
  name: string;
  userId: number;
  accountType: string;
  active: boolean;
  clearingHouseId: number;
  riskCategoryId: number;
  autoLiqProfileId: number;
  marginAccountType: string;
  legalStatus: string;
  archived: boolean;
  readonly: boolean;
  timestamp: string;
}

export interface ProductEntity extends Entity {
  name: string;
  currencyId: number;
  productType: string;
  description: string;
  exchangeId: number;
  contractGroupId: number;
  status: string;
  months: string;
  valuePerPoint: number;
  tickSize: number;
  priceFormatType: string;
  priceFormat: number;
  isMicro: boolean;
}

export interface ContractMaturityEntity extends Entity {
  productId: number;
  expirationMonth: number;
  expirationDate: string;
  isFront: boolean;
}

export interface ContractEntity extends Entity {
  name: string;
  contractMaturityId: number;
  timestamp: string;
}

export interface OrderEntity extends Entity {
  accountId: number;
  contractId: number;
  timestamp: string;
  action: "Buy" | "Sell";
  ordStatus: string;
  executionProviderId: number;
  ocoId?: number;
  parentId?: number;
  linkedId?: number;
  admin: boolean;
}

export interface OrderVersionEntity extends Entity {
  orderId: number;
  orderQty: number;
  orderType: string;
  price?: number;
  stopPrice?: number;
  pegDifference?: number;
  timeInForce: string;
  expireTime?: string;
  text?: string;
}

export interface CommandEntity extends Entity {
  orderId: number;
  timestamp: string;
  clOrdId?: string;
  commandType: "New" | "Modify" | "Cancel";
  commandStatus: string;
  senderId: number;
  userSessionId: number;
  isAutomated: boolean;
  customTag50?: string;
}

export interface CommandReportEntity extends Entity {
  commandId: number;
  timestamp: string;
  commandStatus: string;
  ordStatus: string;
  rejectReason?: string;
  text?: string;
}

export interface ExecutionReportEntity extends Entity {
  commandId: number;
  name: string;
  accountId: number;
  contractId: number;
  timestamp: string;
  tradeDate: TradeDate;
  orderId: number;
  execType: string;
  execRefId: string;
  action: "Buy" | "Sell";
  ordStatus: string;
  cumQty: number;
  avgPx?: number;
  lastQty?: number;
  lastPx?: number;
  rejectReason?: string;
  text?: string;
  exchangeOrderId?: string;
}

export interface FillEntity extends Entity {
  orderId: number;
  contractId: number;
  timestamp: string;
  tradeDate: TradeDate;
  action: "Buy" | "Sell";
  qty: number;
  price: number;
  active: boolean;
  finallyPaired: number;
  external: boolean;
}

export interface PositionEntity extends Entity {
  accountId: number;
  contractId: number;
  timestamp: string;
  tradeDate: TradeDate;
  netPos: number;
  netPrice?: number;
  bought: number;
  boughtValue: number;
  sold: number;
  soldValue: number;
  prevPos: number;
  prevPrice?: number;
}

export interface FillPairEntity extends Entity {
  positionId: number;
  buyFillId: number;
  sellFillId: number;
  qty: number;
  buyPrice: number;
  sellPrice: number;
  active: boolean;
}

export interface CashBalanceEntity extends Entity {
  accountId: number;
  timestamp: string;
  tradeDate: TradeDate;
  currencyId: number;
  amount: number;
  realizedPnL: number;
  weekRealizedPnL: number;
}

export interface AccountRiskStatusEntity extends Entity {
  adminAction: string;
  adminTimestamp?: string;
  liquidateOnly?: string;
  userTriggeredLiqOnly: boolean;
}

export interface UserAccountAutoLiqEntity extends Entity {
  changesLocked: boolean;
  dailyLossAutoLiq?: number;
  /** Dollars below the high of net liquidation at which the account is liquidated and locked. */
  trailingMaxDrawdown?: number;
  /** Net liquidation at which the trailing floor stops rising. */
  trailingMaxDrawdownLimit?: number;
  /** RealTime: the high follows net liquidation as it moves; EOD: only at the session's close. */
  trailingMaxDrawdownMode?: "EOD" | "RealTime";
  doNotUnlock: boolean;
}

export interface MarginSnapshotEntity extends Entity {
  initialMargin: number;
  maintenanceMargin: number;
  autoLiqLevel: number;
  liqOnlyLevel: number;
  totalUsedMargin: number;
  fullInitialMargin: number;
  timestamp: string;
}

export interface OrderStrategyEntity extends Entity {
  accountId: number;
  timestamp: string;
  contractId: number;
  orderStrategyTypeId: number;
  action: "Buy" | "Sell";
  params: string;
  status: string;
  senderId: number;
}

export interface OrderStrategyLinkEntity extends Entity {
  orderStrategyId: number;
  orderId: number;
  label: string;
}

/** Entity types the simulator keeps, keyed by Tradovate's entityType name. */
export const ENTITY_TYPES = [
  "user",
  "account",
  "accountRiskStatus",
  "userAccountAutoLiq",
  "marginSnapshot",
  "cashBalance",
  "position",
  "order",
  "orderVersion",
  "command",
  "commandReport",
  "executionReport",
  "fill",
  "fillPair",
  "orderStrategy",
  "orderStrategyLink",
  "orderStrategyType",
  "contract",
  "contractMaturity",
  "product",
  "contractGroup",
  "currency",
  "exchange",
] as const;

export type EntityType = (typeof ENTITY_TYPES)[number];

/** The SyncMessage collection name of each entity type (tradovate-protocol.md §3.5). */
export const COLLECTION_OF: Record<EntityType, string> = {
  user: "users",
  account: "accounts",
  accountRiskStatus: "accountRiskStatuses",
  userAccountAutoLiq: "userAccountAutoLiqs",
  marginSnapshot: "marginSnapshots",
  cashBalance: "cashBalances",
  position: "positions",
  order: "orders",
  orderVersion: "orderVersions",
  command: "commands",
  commandReport: "commandReports",
  executionReport: "executionReports",
  fill: "fills",
  fillPair: "fillPairs",
  orderStrategy: "orderStrategies",
  orderStrategyLink: "orderStrategyLinks",
  orderStrategyType: "orderStrategyTypes",
  contract: "contracts",
  contractMaturity: "contractMaturities",
  product: "products",
  contractGroup: "contractGroups",
  currency: "currencies",
  exchange: "exchanges",
};

/** SyncMessage collections the simulator has nothing for; sent as empty arrays. */
export const EMPTY_COLLECTIONS = [
  "spreadDefinitions",
  "userProperties",
  "properties",
  "userPlugins",
  "userReadStatuses",
  "fillFees",
] as const;

/** `deps?masterid=` master field per entity type (CS EntityCacheSpecs). */
export const MASTER_FIELD: Partial<Record<EntityType, string>> = {
  position: "accountId",
  order: "accountId",
  cashBalance: "accountId",
  executionReport: "commandId",
  commandReport: "commandId",
  fill: "orderId",
  orderVersion: "orderId",
  command: "orderId",
  fillPair: "positionId",
  orderStrategy: "accountId",
  orderStrategyLink: "orderStrategyId",
  contract: "contractMaturityId",
  contractMaturity: "productId",
  account: "userId",
};

/** Named entities support `find?name=`. */
export const NAMED: ReadonlySet<EntityType> = new Set([
  "user",
  "account",
  "contract",
  "product",
  "contractGroup",
  "currency",
  "exchange",
  "orderStrategyType",
]);

export interface PropsEvent {
  e: "props";
  d: { entityType: EntityType; eventType: "Created" | "Updated" | "Deleted"; entity: Entity | Entity[] };
}

// ------------------------------------------------------------------------------------------------
// Shaping: the simulator's own models (order.ts, clearing.ts, links.ts) as Tradovate entities.

/** Stamps every entity of one change with the same time and trading day. */
export interface Stamp {
  timestamp: string;
  tradeDate: TradeDate;
}

const defined = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function commandEntity(req: OrderRequest, orderId: number, at: Stamp): CommandEntity {
  return defined({
    id: req.id,
    orderId,
    timestamp: at.timestamp,
    clOrdId: req.origin.clOrdId,
    commandType: req.kind,
    commandStatus: "AtExecution",
    senderId: req.origin.userId,
    userSessionId: req.origin.sessionId,
    isAutomated: req.origin.isAutomated,
    customTag50: req.origin.customTag50,
  });
}

export function orderEntity(o: SimOrder, at: Stamp): OrderEntity {
  return defined({
    id: o.id,
    accountId: o.accountId,
    contractId: o.contractId,
    timestamp: at.timestamp,
    action: o.action,
    ordStatus: o.state,
    executionProviderId: 1,
    ocoId: o.ocoId,
    parentId: o.parentId,
    linkedId: o.linkedId,
    admin: false,
  });
}

/** The order's current terms; its id is the request's (Tradovate: orderVersion.id == command.id). */
export function orderVersionEntity(o: SimOrder): OrderVersionEntity {
  const priced = o.type === "Limit" || o.type === "StopLimit";
  const stopped = o.type === "Stop" || o.type === "StopLimit" || o.type === "TrailingStop";
  return defined({
    id: o.versionId,
    orderId: o.id,
    orderQty: o.qty,
    orderType: o.type,
    price: priced ? o.price : undefined,
    stopPrice: stopped ? o.stopPrice : undefined,
    pegDifference: o.type === "TrailingStop" ? o.trail : undefined,
    timeInForce: o.timeInForce,
    expireTime: o.expireTime,
    text: o.text,
  });
}

export function commandReportEntity(
  id: number,
  commandId: number,
  ordStatus: string,
  at: Stamp,
  /** `status`: the command's, RiskRejected unless said (a cancel too late is ExecutionRejected). */
  rejection?: { reason: string; text: string; status?: string },
): CommandReportEntity {
  return defined({
    id,
    commandId,
    timestamp: at.timestamp,
    commandStatus: rejection ? (rejection.status ?? "RiskRejected") : "RiskPassed",
    ordStatus,
    rejectReason: rejection?.reason,
    text: rejection?.text,
  });
}

export function executionReportEntity(
  id: number,
  commandId: number,
  o: SimOrder,
  execType: string,
  at: Stamp,
  extra: Partial<ExecutionReportEntity> = {},
): ExecutionReportEntity {
  return defined({
    id,
    commandId,
    name: o.symbol,
    accountId: o.accountId,
    contractId: o.contractId,
    timestamp: at.timestamp,
    tradeDate: at.tradeDate,
    orderId: o.id,
    execType,
    execRefId: String(id),
    action: o.action,
    ordStatus: o.state,
    exchangeOrderId: `SIM${o.id}`,
    cumQty: o.filled,
    ...extra,
  });
}

export function fillEntity(f: LedgerFill, paired: number, at: Stamp): FillEntity {
  return {
    id: f.id,
    orderId: f.orderId,
    contractId: f.contractId,
    timestamp: at.timestamp,
    tradeDate: at.tradeDate,
    action: f.action,
    qty: f.qty,
    price: f.price,
    active: f.active,
    finallyPaired: paired,
    external: false,
  };
}

export function fillPairEntity(p: PairRecord, positionId: number, active: boolean): FillPairEntity {
  return {
    id: p.id,
    positionId,
    buyFillId: p.buyFillId,
    sellFillId: p.sellFillId,
    qty: p.qty,
    buyPrice: p.buyPrice,
    sellPrice: p.sellPrice,
    active,
  };
}

/** The position fields that follow from clearing; prevPos/prevPrice are the session's start (flat). */
export function positionFields(p: PositionState, at: Stamp) {
  return defined({
    timestamp: at.timestamp,
    netPos: p.netPos,
    netPrice: p.netPrice,
    bought: p.bought,
    boughtValue: p.boughtValue,
    sold: p.sold,
    soldValue: p.soldValue,
  });
}

export function orderStrategyEntity(s: SimStrategy, at: Stamp): OrderStrategyEntity {
  return {
    id: s.id,
    accountId: s.accountId,
    timestamp: at.timestamp,
    contractId: s.contractId,
    orderStrategyTypeId: MULTIBRACKET.id,
    action: s.action,
    params: s.params,
    status: s.status,
    senderId: s.userId,
  };
}

/** The one strategy type the simulator runs (Tradovate's type 2). */
export const MULTIBRACKET = { id: 2, name: "multibracket", enabled: true } as const;

const LOCKING = new Set(["LockTradingImmediately", "LiquidateImmediately", "AgreedOnLiquidationByAutoLiq"]);
const LIQUIDATION_ONLY = new Set(["LiquidateOnlyModeImmediately", "AgreedOnLiqOnlyModeByAutoLiq"]);

/** What an accountRiskStatus means for new orders. */
export function riskModeOf(status: AccountRiskStatusEntity | undefined): RiskMode {
  if (!status) return "normal";
  if (LOCKING.has(status.adminAction)) return "locked";
  if (LIQUIDATION_ONLY.has(status.adminAction) || status.userTriggeredLiqOnly || status.liquidateOnly)
    return "liquidationOnly";
  return "normal";
}

/** The accountRiskStatus fields that put an account in (or out of) liquidation-only mode. */
export function liquidationOnlyFields(on: boolean, at: Stamp): Partial<AccountRiskStatusEntity> {
  return on
    ? {
        adminAction: "LiquidateOnlyModeImmediately",
        adminTimestamp: at.timestamp,
        liquidateOnly: at.timestamp,
      }
    : { adminAction: "Normal", adminTimestamp: at.timestamp, liquidateOnly: undefined };
}
