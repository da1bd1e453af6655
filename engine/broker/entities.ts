/**
 * Raw Tradovate entities (tradovate-protocol.md §4) → the few typed fields mimik uses.
 * Every parser returns undefined for a malformed entity instead of throwing.
 */

import { tradingWeekOf } from "../risk/tradingDay.js";
import type { CashBalance, Side } from "../types.js";

export interface RawAccount {
  id: number;
  name: string;
  active: boolean;
}
export interface RawOrder {
  id: number;
  accountId: number;
  contractId: number | undefined;
  ordStatus: string;
  action: Side | undefined;
  /** OCO partner (Tradovate's linkedId). */
  linkedId?: number | undefined;
  /** The OCO pair's id: both legs carry it. */
  ocoId?: number | undefined;
  /** OSO / strategy bracket leg: its entry order. */
  parentId?: number | undefined;
  /** Creation time (broker clock), parsed once per order by the order cache from `timestamp`. */
  createdAt?: number | undefined;
  timestamp?: string | undefined;
}
/** orderVersion: what an order says (qty, type, prices); a modify makes a new version. */
export interface RawOrderVersion {
  id: number;
  orderId: number;
  orderQty: number;
  orderType: string;
  price: number | undefined;
  stopPrice: number | undefined;
  /** TrailingStop: how far its stop follows the price. */
  pegDifference: number | undefined;
  timeInForce: string | undefined;
}
export interface RawFill {
  id: number;
  orderId: number;
  contractId: number;
  action: Side;
  qty: number;
  price: number;
  ts: number | undefined;
  active: boolean;
}
export interface RawPosition {
  accountId: number;
  contractId: number;
  netPos: number;
  netPrice: number | undefined;
  /** bought + sold, when the broker sent both. */
  volume: number | undefined;
}
export interface RawCashBalance extends CashBalance {
  accountId: number;
}
export interface RawRiskStatus {
  accountId: number;
  adminAction: string;
  liquidateOnly: boolean;
}
export interface RawContract {
  id: number;
  name: string;
  contractMaturityId: number | undefined;
}
export interface RawMaturity {
  id: number;
  productId: number;
}
export interface RawProduct {
  id: number;
  name: string;
  tickSize: number | undefined;
  valuePerPoint: number | undefined;
}
/** command (clOrdId, orderId) and its reports (rejectReason). */
export interface RawCommand {
  id: number;
  orderId: number;
  clOrdId: string | undefined;
  /** New, Modify, Cancel … */
  commandType?: string | undefined;
}
export interface RawReport {
  commandId: number | undefined;
  orderId: number | undefined;
  rejectReason: string | undefined;
  text: string | undefined;
  /** commandReport: RiskPassed, RiskRejected, ExecutionRejected … */
  commandStatus?: string | undefined;
  /** executionReport: contracts of the order filled so far. */
  cumQty?: number | undefined;
}

type Rec = Record<string, unknown>;

function rec(x: unknown): Rec | undefined {
  return typeof x === "object" && x !== null && !Array.isArray(x) ? (x as Rec) : undefined;
}
function num(x: unknown): number | undefined {
  return typeof x === "number" && Number.isFinite(x) ? x : undefined;
}
function str(x: unknown): string | undefined {
  return typeof x === "string" ? x : undefined;
}
function side(x: unknown): Side | undefined {
  return x === "Buy" || x === "Sell" ? x : undefined;
}
function time(x: unknown): number | undefined {
  if (typeof x !== "string") return undefined;
  const t = Date.parse(x);
  return Number.isFinite(t) ? t : undefined;
}

export function parseAccount(x: unknown): RawAccount | undefined {
  const r = rec(x);
  const id = num(r?.id);
  const name = str(r?.name);
  if (!r || id === undefined || !name) return undefined;
  return { id, name, active: r.active !== false };
}

export function parseOrder(x: unknown): RawOrder | undefined {
  const r = rec(x);
  const id = num(r?.id);
  const accountId = num(r?.accountId);
  if (!r || id === undefined || accountId === undefined) return undefined;
  return {
    id,
    accountId,
    contractId: num(r.contractId),
    ordStatus: str(r.ordStatus) ?? "Unknown",
    action: side(r.action),
    linkedId: num(r.linkedId),
    ocoId: num(r.ocoId),
    parentId: num(r.parentId),
    createdAt: undefined,
    timestamp: str(r.timestamp),
  };
}

export function parseOrderVersion(x: unknown): RawOrderVersion | undefined {
  const r = rec(x);
  const id = num(r?.id);
  const orderId = num(r?.orderId);
  const orderQty = num(r?.orderQty);
  const orderType = str(r?.orderType);
  if (!r || id === undefined || orderId === undefined || orderQty === undefined || !orderType)
    return undefined;
  return {
    id,
    orderId,
    orderQty,
    orderType,
    price: num(r.price),
    stopPrice: num(r.stopPrice),
    pegDifference: num(r.pegDifference),
    timeInForce: str(r.timeInForce),
  };
}

export function parseFill(x: unknown): RawFill | undefined {
  const r = rec(x);
  const id = num(r?.id);
  const orderId = num(r?.orderId);
  const contractId = num(r?.contractId);
  const action = side(r?.action);
  const qty = num(r?.qty);
  const price = num(r?.price);
  if (!r || id === undefined || orderId === undefined || contractId === undefined) return undefined;
  if (!action || qty === undefined || qty <= 0 || price === undefined) return undefined;
  return { id, orderId, contractId, action, qty, price, ts: time(r.timestamp), active: r.active !== false };
}

export function parsePosition(x: unknown): RawPosition | undefined {
  const r = rec(x);
  const accountId = num(r?.accountId);
  const contractId = num(r?.contractId);
  const netPos = num(r?.netPos);
  if (!r || accountId === undefined || contractId === undefined || netPos === undefined) return undefined;
  const bought = num(r.bought);
  const sold = num(r.sold);
  const volume = bought !== undefined && sold !== undefined ? bought + sold : undefined;
  return { accountId, contractId, netPos, netPrice: netPos === 0 ? undefined : num(r.netPrice), volume };
}

export function parseCashBalance(x: unknown): RawCashBalance | undefined {
  const r = rec(x);
  const accountId = num(r?.accountId);
  const amount = num(r?.amount);
  if (!r || accountId === undefined || amount === undefined) return undefined;
  const realizedPnL = num(r.realizedPnL) ?? 0;
  // realizedPnL is the session's (its tradeDate's): the cash before it is what the day began with;
  // weekRealizedPnL the same of the week's. Fees are in neither, so they are not counted back
  // (tradovate-protocol.md §4).
  const tradingDay = tradeDateText(r.tradeDate);
  const dayStart = tradingDay === undefined ? undefined : { tradingDay, balance: amount - realizedPnL };
  const week = num(r.weekRealizedPnL);
  const weekStart =
    tradingDay === undefined || week === undefined
      ? undefined
      : { tradingWeek: tradingWeekOf(tradingDay), balance: amount - week };
  return { accountId, amount, realizedPnL, dayStart, weekStart };
}

/** Tradovate's `tradeDate` ({year, month, day}) as YYYY-MM-DD; undefined when not one. */
export function tradeDateText(x: unknown): string | undefined {
  const d = rec(x);
  const [year, month, day] = [num(d?.year), num(d?.month), num(d?.day)];
  if (year === undefined || month === undefined || day === undefined) return undefined;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** accountRiskStatus: its id is the account id (§4, inferred); accept an explicit accountId too. */
export function parseRiskStatus(x: unknown): RawRiskStatus | undefined {
  const r = rec(x);
  const accountId = num(r?.accountId) ?? num(r?.id);
  if (!r || accountId === undefined) return undefined;
  const adminAction = str(r.adminAction) ?? "Normal";
  // liquidateOnly is a timestamp when set; tolerate a boolean.
  const liq = r.liquidateOnly;
  const liquidateOnly =
    (typeof liq === "string" && liq !== "") ||
    liq === true ||
    r.userTriggeredLiqOnly === true ||
    LIQ_ONLY_ACTIONS.has(adminAction);
  return { accountId, adminAction, liquidateOnly };
}

const LIQ_ONLY_ACTIONS = new Set(["LiquidateOnlyModeImmediately", "AgreedOnLiqOnlyModeByAutoLiq"]);
/** Admin actions after which the account cannot open positions (safer reading: treat as locked). */
export const LOCKING_ACTIONS = new Set([
  "LockTradingImmediately",
  "LiquidateImmediately",
  "AgreedOnLiquidationByAutoLiq",
]);

export function parseContract(x: unknown): RawContract | undefined {
  const r = rec(x);
  const id = num(r?.id);
  const name = str(r?.name);
  if (!r || id === undefined || !name) return undefined;
  return { id, name, contractMaturityId: num(r.contractMaturityId) };
}

export function parseMaturity(x: unknown): RawMaturity | undefined {
  const r = rec(x);
  const id = num(r?.id);
  const productId = num(r?.productId);
  if (!r || id === undefined || productId === undefined) return undefined;
  return { id, productId };
}

export function parseProduct(x: unknown): RawProduct | undefined {
  const r = rec(x);
  const id = num(r?.id);
  const name = str(r?.name);
  if (!r || id === undefined || !name) return undefined;
  return { id, name, tickSize: num(r.tickSize), valuePerPoint: num(r.valuePerPoint) };
}

export function parseCommand(x: unknown): RawCommand | undefined {
  const r = rec(x);
  const id = num(r?.id);
  const orderId = num(r?.orderId);
  if (!r || id === undefined || orderId === undefined) return undefined;
  const clOrdId = str(r.clOrdId);
  return { id, orderId, clOrdId: clOrdId || undefined, commandType: str(r.commandType) || undefined };
}

export function parseReport(x: unknown): RawReport | undefined {
  const r = rec(x);
  if (!r) return undefined;
  return {
    commandId: num(r.commandId),
    orderId: num(r.orderId),
    rejectReason: str(r.rejectReason) || undefined,
    text: str(r.text) || undefined,
    commandStatus: str(r.commandStatus) || undefined,
    cumQty: num(r.cumQty),
  };
}

const lowerTypes = new Map<string, string>();

/**
 * An entity type lower-cased (the model matches types case-blind). Every message names one of a
 * handful, and most have a capital ("orderVersion"): lower-casing each afresh made a string a
 * message. Bounded: types a broker made up must not grow it for ever.
 */
export function lowerEntityType(entityType: string): string {
  let type = lowerTypes.get(entityType);
  if (type === undefined) {
    type = entityType.toLowerCase();
    if (lowerTypes.size < 64) lowerTypes.set(entityType, type);
  }
  return type;
}
