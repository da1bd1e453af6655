import type { BrokerAccount, BrokerAlertEvent } from "../../types.js";
import type { Envelope } from "./rest.js";
import {
  isOpenStatus,
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
  /** Working orders (open or pending). */
  orders: PxOrder[];
  /** Orders of the trades' window that ended (filled, cancelled …): their customTags name the trades. */
  ended: PxOrder[];
  trades: PxTrade[];
}

/** Reads of one account that saw it trade (or its order requests on their way) before it is given up on. */
export const SNAPSHOT_TRIES = 3;

/** One account's part of the picture. */
export interface AccountPicture {
  positions: PxPosition[];
  orders: PxOrder[];
  ended: PxOrder[];
  trades: PxTrade[];
}

type Call = (path: string, body: object) => Promise<Envelope>;

/**
 * ProjectX has no sync request: after every (re)connect the picture is read over REST
 * (projectx-protocol.md "Endpoints"): the accounts (cash, canTrade), then per account its open
 * positions, its orders and the trades since `since` (history, never copied). Any part of an
 * account that fails fails that account's picture: a partial one would read as flat positions
 * that are not flat (the session holds the account as unreadable, unknown, until it reads).
 *
 * The venue trades on between those reads, and a picture whose positions and history disagree
 * misleads for good: a fill after the positions read but in the trades is history that no
 * position holds (a leader's exit never copied), one the other way round a fill counted twice.
 * So an account's trades are read before and after its positions and orders; when they differ,
 * it traded meanwhile and this read of it is no use (undefined).
 */
export async function readAccountPicture(
  call: Call,
  accountId: number,
  since: string,
): Promise<AccountPicture | undefined> {
  const tradesOf = async () =>
    list((await ok(call, "Trade/search", { accountId, startTimestamp: since })).trades, parseTrade);
  const before = await tradesOf();
  const positions = list((await ok(call, "Position/searchOpen", { accountId })).positions, parsePosition);
  const { open, ended } = await readOrders(call, accountId, since);
  const trades = await tradesOf();
  return sameTrades(before, trades) ? { positions, orders: open, ended, trades } : undefined;
}

/** The login's active accounts (Account/search), each picture's first read. */
export async function readLoginAccounts(call: Call): Promise<PxAccount[]> {
  return accountsOf(await ok(call, "Account/search", { onlyActiveAccounts: true }));
}

/** The picture of `accounts` in their order, from their parts. */
export function snapshotOf(accounts: PxAccount[], parts: Iterable<AccountPicture | undefined>): Snapshot {
  const snap: Snapshot = { accounts, positions: [], orders: [], ended: [], trades: [] };
  for (const part of parts) {
    if (!part) continue;
    snap.positions.push(...part.positions);
    snap.orders.push(...part.orders);
    snap.ended.push(...part.ended);
    snap.trades.push(...part.trades);
  }
  return snap;
}

/** Why an account's picture was given up on: it traded during `tries` reads of it. */
export function keptTradingText(account: { id: number; name?: string }, tries: number): string {
  const named = account.name === undefined ? `${account.id}` : `${account.name} (id ${account.id})`;
  return `ProjectX account ${named} kept trading: its trades changed during ${tries} reads of its picture`;
}

/**
 * The accounts' picture read at once, an account that traded during its read read again right
 * away: the re-read after a lost answer or of an account that could not be read (recheck.ts),
 * whose own pacing spaces its reads out. An account whose read fails is left out and named in
 * `unreadable` (the others' parts hold).
 */
export async function readSnapshot(
  call: Call,
  accounts: readonly Pick<BrokerAccount, "id">[],
  since: string,
): Promise<Snapshot & { unreadable: ReadonlyMap<number, string> }> {
  const found = await readLoginAccounts(call);
  const parts: AccountPicture[] = [];
  const unreadable = new Map<number, string>();
  for (const a of accounts)
    for (let tries = 1; ; tries++) {
      let part: AccountPicture | undefined;
      try {
        part = await readAccountPicture(call, a.id, since);
      } catch (error) {
        unreadable.set(a.id, error instanceof Error ? error.message : String(error));
        break;
      }
      if (part) {
        parts.push(part);
        break;
      }
      if (tries === SNAPSHOT_TRIES) throw new Error(keptTradingText(a, tries));
    }
  return { ...snapshotOf(found, parts), unreadable };
}

/** The same trades, voided or not, in both reads: no fill or bust came between them. */
function sameTrades(a: readonly PxTrade[], b: readonly PxTrade[]): boolean {
  const key = (ts: readonly PxTrade[]) =>
    ts
      .map((t) => `${t.id}${t.voided ? "v" : ""}`)
      .sort()
      .join(",");
  return a.length === b.length && key(a) === key(b);
}

/**
 * One account's orders: the working ones whatever their age (Order/searchOpen: a GTC stop placed
 * days ago still guards a position), and those of the trades' window that ended (Order/search:
 * only over a window, so not trusted for working ones). Without the ended ones a trade of an order
 * that had ended had no customTag to say whose it was: a copy mimik sent before a kill was sent
 * again, and a trade by hand on an uncertain line was sold as if it were mimik's.
 */
export async function readOrders(
  call: Call,
  accountId: number,
  since: string,
): Promise<{ open: PxOrder[]; ended: PxOrder[] }> {
  const open = list((await ok(call, "Order/searchOpen", { accountId })).orders, parseOrder);
  const day = list((await ok(call, "Order/search", { accountId, startTimestamp: since })).orders, parseOrder);
  const working = new Set(open.map((o) => o.id));
  return { open, ended: splitOrders(day).ended.filter((o) => !working.has(o.id)) };
}

/** Orders by status: working (open, pending) and ended. */
export function splitOrders(orders: readonly PxOrder[]): { open: PxOrder[]; ended: PxOrder[] } {
  const open: PxOrder[] = [];
  const ended: PxOrder[] = [];
  for (const o of orders) (isOpenStatus(o.status) ? open : ended).push(o);
  return { open, ended };
}

async function ok(call: Call, path: string, body: object): Promise<Envelope> {
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
