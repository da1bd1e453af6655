/**
 * Tradovate entity shapes as the simulator stores and sends them (tradovate-protocol.md §4).
 * Every entity is plain JSON; the field names are Tradovate's.
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
  admin: boolean;
}

export interface OrderVersionEntity extends Entity {
  orderId: number;
  orderQty: number;
  orderType: string;
  price?: number;
  stopPrice?: number;
  timeInForce: string;
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
  "orderStrategies",
  "orderStrategyLinks",
  "orderStrategyTypes",
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
]);

export interface PropsEvent {
  e: "props";
  d: { entityType: EntityType; eventType: "Created" | "Updated" | "Deleted"; entity: Entity | Entity[] };
}
