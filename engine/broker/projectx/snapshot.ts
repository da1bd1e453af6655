import type { BrokerAccount, BrokerAlertEvent } from "../../types.js";
import type { Envelope } from "./rest.js";
import {
  type PxAccount,
  type PxOrder,
  type PxPosition,
  type PxTrade,
  parseAccount,
  parseOrder,
  parsePosition,
  parseTrade,
} from "./wire.js";

/** Trades read back with a snapshot: the last day's are history, never copied. */
export const HISTORY_MS = 24 * 3_600_000;

/** The picture a (re)connect reads over REST. */
export interface Snapshot {
  accounts: PxAccount[];
  positions: PxPosition[];
  orders: PxOrder[];
  trades: PxTrade[];
}

/**
 * ProjectX has no sync request: after every (re)connect the picture is read over REST
 * (projectx-protocol.md "Endpoints"): the accounts (cash, canTrade), then per account its open
 * positions, its open orders and the trades since `since` (history, never copied). Any part that
 * fails fails the whole: a partial picture would read as flat positions that are not flat.
 */
export async function readSnapshot(
  call: (path: string, body: object) => Promise<Envelope>,
  accounts: readonly Pick<BrokerAccount, "id">[],
  since: string,
): Promise<Snapshot> {
  const snap: Snapshot = {
    accounts: accountsOf(await ok(call, "Account/search", { onlyActiveAccounts: true })),
    positions: [],
    orders: [],
    trades: [],
  };
  for (const a of accounts) {
    const positions = await ok(call, "Position/searchOpen", { accountId: a.id });
    const orders = await readOpenOrders(call, a.id);
    const trades = await ok(call, "Trade/search", { accountId: a.id, startTimestamp: since });
    snap.positions.push(...list(positions.positions, parsePosition));
    snap.orders.push(...orders);
    snap.trades.push(...list(trades.trades, parseTrade));
  }
  return snap;
}

/** One account's open orders (Order/searchOpen). */
export async function readOpenOrders(
  call: (path: string, body: object) => Promise<Envelope>,
  accountId: number,
): Promise<PxOrder[]> {
  return list((await ok(call, "Order/searchOpen", { accountId })).orders, parseOrder);
}

async function ok(
  call: (path: string, body: object) => Promise<Envelope>,
  path: string,
  body: object,
): Promise<Envelope> {
  const env = await call(path, body);
  if (!env.success)
    throw new Error(`ProjectX ${path} failed (${env.errorCode}): ${env.errorMessage ?? "no message"}`);
  return env;
}

export function accountsOf(env: Record<string, unknown>): PxAccount[] {
  return list(env.accounts, parseAccount);
}

function list<T>(value: unknown, parse: (v: unknown) => T | undefined): T[] {
  if (!Array.isArray(value)) return [];
  const out: T[] = [];
  for (const v of value) {
    const parsed = parse(v);
    if (parsed !== undefined) out.push(parsed);
  }
  return out;
}

/** The configured account names this ProjectX user does not have (active), as an alert; none missing, undefined. */
export function missingAccountsAlert(
  connection: string,
  userName: string,
  wanted: ReadonlySet<string> | undefined,
  found: readonly PxAccount[],
): BrokerAlertEvent | undefined {
  if (!wanted) return undefined;
  const names = new Set(found.map((a) => a.name.toUpperCase()));
  const missing = [...wanted].filter((n) => !names.has(n));
  if (missing.length === 0) return undefined;
  const has = [...names].join(", ") || "none";
  return {
    type: "brokerAlert",
    connection,
    level: "warn",
    message: `ProjectX user ${userName} has no active account named ${missing.join(", ")} (it has: ${has})`,
  };
}
