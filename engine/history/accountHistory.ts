/**
 * A narrow read for reports: the fills of some accounts as the broker keeps them, the broker's own
 * pairing of those fills into closed lots (fillPair, with both prices), the fees it charged per fill
 * (fillFee, where the broker reports them) and the contract specs (tick size, point value). One
 * login, a handful of REST reads through the same client the sessions use, no socket, no orders.
 */
import { asBrokerError } from "../broker/auth.js";
import {
  parseAccount,
  parseContract,
  parseFill,
  parseMaturity,
  parseOrder,
  parseProduct,
  type RawFill,
} from "../broker/entities.js";
import { RateLimiter } from "../broker/rateLimiter.js";
import { type Credentials, RestClient } from "../broker/rest.js";
import { rootOf } from "../symbols.js";
import type { Clock, ContractSpec, EpochMs, Logger, Side } from "../types.js";
import { silentLogger, systemClock } from "../types.js";

export interface HistoryRequest {
  restUrl: string;
  credentials: Credentials;
  /** Account names whose fills to read. */
  accounts: readonly string[];
  clock?: Clock;
  fetchImpl?: typeof fetch;
  logger?: Logger;
  timeoutMs?: number;
}

export interface HistoryFill {
  id: number;
  orderId: number;
  account: string;
  contract: string;
  side: Side;
  qty: number;
  price: number;
  at: EpochMs;
}

/** A closed lot as the broker paired it: `qty` bought at buyPrice and sold at sellPrice. */
export interface HistoryPair {
  account: string;
  contract: string;
  buyFillId: number;
  sellFillId: number;
  qty: number;
  buyPrice: number;
  sellPrice: number;
}

export interface AccountHistory {
  /** Accounts asked for that this login cannot see. */
  missing: string[];
  fills: HistoryFill[];
  pairs: HistoryPair[];
  /** Dollars charged per fill id; undefined when the broker reports no fees (the simulator). */
  fees: Record<number, number> | undefined;
  contracts: ContractSpec[];
  /** Gross dollars the broker says each closing fill realized, where it says (ProjectX). */
  realized?: Record<number, number>;
  /**
   * The position each account held in each contract before its first fill read, where the broker
   * gives no pairs to tell it (ProjectX): signed contracts, long positive.
   */
  carried?: CarriedPosition[];
  /** Fills the broker took back (busted, voided): not in `fills`, named so a count kept elsewhere can drop them too. */
  busted?: BustedFill[];
}

export interface BustedFill {
  account: string;
  id: number;
  /** The order it filled: a copy whose every fill was taken back did not fill after all. */
  orderId: number;
}

export interface CarriedPosition {
  account: string;
  contract: string;
  qty: number;
}

/** Fee fields of Tradovate's fillFee entity (its id is the fill's id). */
const FEE_FIELDS = [
  "commission",
  "clearingFee",
  "exchangeFee",
  "nfaFee",
  "brokerageFee",
  "ipFee",
  "orderRoutingFee",
  "datacenterFee",
] as const;

type Rec = Record<string, unknown>;
const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const num = (x: unknown): number | undefined => (typeof x === "number" && Number.isFinite(x) ? x : undefined);

export async function readAccountHistory(request: HistoryRequest): Promise<AccountHistory> {
  const clock = request.clock ?? systemClock;
  const rest = new RestClient({
    baseUrl: request.restUrl,
    clock,
    // Tradovate's published budget; a report makes about ten requests.
    limiter: new RateLimiter({ clock }),
    logger: request.logger ?? silentLogger,
    timeoutMs: request.timeoutMs ?? 15_000,
    lockoutMs: 3_600_000,
    fetchImpl: request.fetchImpl,
  });
  const { accessToken: token } = await rest.accessTokenRequest(request.credentials);
  const get = (path: string, query?: string) => rest.call(path, { token, ...(query ? { query } : {}) });

  const wanted = new Map(request.accounts.map((a) => [a.toUpperCase(), a]));
  const accounts = new Map<number, string>();
  for (const raw of list(await get("account/list"))) {
    const a = parseAccount(raw);
    const name = a && wanted.get(a.name.toUpperCase());
    if (a && name) accounts.set(a.id, name);
  }
  const seen = new Set(accounts.values());
  const missing = request.accounts.filter((a) => !seen.has(a));

  const orderAccount = new Map<number, string>();
  for (const raw of list(await get("order/list"))) {
    const o = parseOrder(raw);
    const name = o && accounts.get(o.accountId);
    if (o && name) orderAccount.set(o.id, name);
  }
  const listed = list(await get("fill/list"))
    .map(parseFill)
    .filter((f): f is RawFill => f !== undefined && orderAccount.has(f.orderId));
  const rawFills = listed.filter((f) => f.active);
  const busted = listed
    .filter((f) => !f.active)
    .map((f) => ({ account: orderAccount.get(f.orderId)!, id: f.id, orderId: f.orderId }));

  const positionOf = new Map<number, { account: string; contractId: number }>();
  for (const raw of list(await get("position/list"))) {
    const r = raw as Rec;
    const id = num(r?.id);
    const accountId = num(r?.accountId);
    const contractId = num(r?.contractId);
    const name = accountId === undefined ? undefined : accounts.get(accountId);
    if (id !== undefined && contractId !== undefined && name)
      positionOf.set(id, { account: name, contractId });
  }
  const rawPairs: { account: string; contractId: number; pair: Omit<HistoryPair, "account" | "contract"> }[] =
    [];
  for (const raw of list(await get("fillPair/list"))) {
    const r = raw as Rec;
    const position = positionOf.get(num(r?.positionId) ?? -1);
    const pair = {
      buyFillId: num(r?.buyFillId),
      sellFillId: num(r?.sellFillId),
      qty: num(r?.qty),
      buyPrice: num(r?.buyPrice),
      sellPrice: num(r?.sellPrice),
    };
    if (!position || r?.active === false || Object.values(pair).some((v) => v === undefined)) continue;
    rawPairs.push({ ...position, pair: pair as Omit<HistoryPair, "account" | "contract"> });
  }

  const contractIds = new Set([...rawFills.map((f) => f.contractId), ...rawPairs.map((p) => p.contractId)]);
  const contracts = await readSpecs(get, [...contractIds]);
  const nameOf = new Map(contracts.map((c) => [c.id, c.name]));
  const contractName = (id: number) => nameOf.get(String(id)) ?? `#${id}`;

  const fills: HistoryFill[] = rawFills.map((f) => ({
    id: f.id,
    orderId: f.orderId,
    account: orderAccount.get(f.orderId)!,
    contract: contractName(f.contractId),
    side: f.action,
    qty: f.qty,
    price: f.price,
    at: f.ts ?? 0,
  }));
  const pairs: HistoryPair[] = rawPairs.map((p) => ({
    account: p.account,
    contract: contractName(p.contractId),
    ...p.pair,
  }));
  const fees = await readFees(get, new Set(fills.map((f) => f.id)));
  return { missing, fills, pairs, fees, contracts, busted };
}

type Get = (path: string, query?: string) => Promise<unknown>;

/** contract → contractMaturity → product, each read in one `items` call. */
async function readSpecs(get: Get, ids: number[]): Promise<ContractSpec[]> {
  if (ids.length === 0) return [];
  const contracts = list(await get("contract/items", `ids=${ids.join(",")}`))
    .map(parseContract)
    .filter((c) => c !== undefined);
  const maturityIds = [...new Set(contracts.map((c) => c.contractMaturityId).filter((m) => m !== undefined))];
  const maturities = maturityIds.length
    ? list(await get("contractMaturity/items", `ids=${maturityIds.join(",")}`))
        .map(parseMaturity)
        .filter((m) => m !== undefined)
    : [];
  const productIds = [...new Set(maturities.map((m) => m.productId))];
  const products = productIds.length
    ? list(await get("product/items", `ids=${productIds.join(",")}`))
        .map(parseProduct)
        .filter((p) => p !== undefined)
    : [];
  const productOfMaturity = new Map(
    maturities.map((m) => [m.id, products.find((p) => p.id === m.productId)] as const),
  );
  return contracts.map((c) => {
    const product =
      c.contractMaturityId === undefined ? undefined : productOfMaturity.get(c.contractMaturityId);
    return {
      id: String(c.id),
      name: c.name,
      root: product?.name ?? rootOf(c.name),
      tickSize: product?.tickSize ?? Number.NaN,
      pointValue: product?.valuePerPoint ?? Number.NaN,
    };
  });
}

/** Fees per fill (fillFee/list); undefined when the broker has no such entity (404). */
async function readFees(get: Get, fillIds: Set<number>): Promise<Record<number, number> | undefined> {
  let raw: unknown;
  try {
    raw = await get("fillFee/list");
  } catch (error) {
    if (asBrokerError(error).status === 404) return undefined;
    throw error;
  }
  const fees: Record<number, number> = {};
  for (const entry of list(raw)) {
    const r = entry as Rec;
    const id = num(r?.id);
    if (id === undefined || !fillIds.has(id)) continue;
    fees[id] = FEE_FIELDS.reduce((sum, field) => sum + (num(r[field]) ?? 0), 0);
  }
  return fees;
}
