/**
 * The report's read of a ProjectX login: the accounts' trades (half-turns, with the fees ProjectX
 * charged on each and the P&L it realized on each closing one) since a time, the position each
 * account held before them, and the contract specs. ProjectX gives no fill pairs: the report pairs
 * the fills itself by the same FIFO rule, but prices them with ProjectX's own P&L, so a position
 * opened before the trades read is still right. One API-key login, a few REST reads, no hubs.
 */

import { BrokerRequestError } from "../broker/errors.js";
import { ProjectXRest } from "../broker/projectx/rest.js";
import { canonicalOf, projectxSymbols } from "../broker/projectx/symbols.js";
import { parseAccount, parseContract, parsePosition, parseTrade, sideOf } from "../broker/projectx/wire.js";
import { RateLimiter } from "../broker/rateLimiter.js";
import type { Clock, ContractSpec, EpochMs, Logger } from "../types.js";
import { silentLogger, systemClock } from "../types.js";
import type { AccountHistory, BustedFill, CarriedPosition, HistoryFill } from "./accountHistory.js";

export interface ProjectXHistoryRequest {
  apiUrl: string;
  userName: string;
  apiKey: string;
  accounts: readonly string[];
  /** Trades from this time on. */
  since: EpochMs;
  /** Canonical root → ProjectX root on top of the built-in table (the connection's `symbols`). */
  symbols?: Record<string, string> | undefined;
  clock?: Clock;
  fetchImpl?: typeof fetch;
  logger?: Logger;
  timeoutMs?: number;
}

const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

export async function readProjectXHistory(request: ProjectXHistoryRequest): Promise<AccountHistory> {
  const clock = request.clock ?? systemClock;
  const rest = new ProjectXRest({
    baseUrl: request.apiUrl,
    clock,
    // ProjectX's 200 a minute; a report makes a handful of requests.
    limiter: new RateLimiter({ clock, limits: { perSecond: 200, perMinute: 200, perHour: 12_000 } }),
    logger: request.logger ?? silentLogger,
    timeoutMs: request.timeoutMs ?? 15_000,
    lockoutMs: 10_000,
    fetchImpl: request.fetchImpl,
  });
  const post = async (path: string, body: object, token?: string) => {
    const env = await rest.call(path, body, { kind: "read", token });
    if (!env.success)
      throw new BrokerRequestError(
        "rejected",
        `${path} failed: ${env.errorMessage ?? `error ${env.errorCode}`}`,
      );
    return env;
  };
  const login = await post("Auth/loginKey", { userName: request.userName, apiKey: request.apiKey });
  const token = typeof login.token === "string" ? login.token : undefined;
  if (!token) throw new BrokerRequestError("rejected", "Auth/loginKey answered without a token");

  const wanted = new Map(request.accounts.map((a) => [a.toUpperCase(), a]));
  const accounts = new Map<number, string>();
  for (const raw of list((await post("Account/search", { onlyActiveAccounts: false }, token)).accounts)) {
    const a = parseAccount(raw);
    const name = a && wanted.get(a.name.toUpperCase());
    if (a && name) accounts.set(a.id, name);
  }
  const seen = new Set(accounts.values());
  const missing = request.accounts.filter((a) => !seen.has(a));

  const symbols = projectxSymbols(request.symbols);
  const nameOf = (id: string) => canonicalOf(id, symbols) ?? id;
  const since = new Date(request.since).toISOString();
  const fills: HistoryFill[] = [];
  const fees: Record<number, number> = {};
  const realized: Record<number, number> = {};
  const carried: CarriedPosition[] = [];
  const busted: BustedFill[] = [];
  const contractIds = new Set<string>();
  for (const [accountId, account] of accounts) {
    const env = await post("Trade/search", { accountId, startTimestamp: since }, token);
    // The position before the first trade read: what is open now, less what the trades since did.
    const before = new Map<string, number>();
    for (const raw of list((await post("Position/searchOpen", { accountId }, token)).positions)) {
      const p = parsePosition(raw);
      if (p) before.set(p.contractId, (before.get(p.contractId) ?? 0) + p.netPos);
    }
    const trades = list(env.trades)
      .map(parseTrade)
      .filter((t) => t !== undefined);
    const stale = staleAfterBusts(trades);
    for (const t of trades) {
      if (t.voided) {
        busted.push({ account, id: t.id, orderId: t.orderId });
        continue;
      }
      const signed = sideOf(t.side) === "Buy" ? t.size : -t.size;
      before.set(t.contractId, (before.get(t.contractId) ?? 0) - signed);
      if (t.profitAndLoss !== undefined && !stale.has(t.id)) realized[t.id] = t.profitAndLoss;
      contractIds.add(t.contractId);
      fills.push({
        id: t.id,
        orderId: t.orderId,
        account,
        contract: nameOf(t.contractId),
        side: sideOf(t.side),
        qty: t.size,
        price: t.price,
        at: t.at ?? 0,
      });
      fees[t.id] = t.fees;
    }
    for (const [contractId, qty] of before)
      if (qty !== 0) carried.push({ account, contract: nameOf(contractId), qty });
  }
  const contracts: ContractSpec[] = [];
  for (const id of contractIds) {
    const c = parseContract((await post("Contract/searchById", { contractId: id }, token)).contract);
    if (!c) continue;
    const name = nameOf(c.id);
    contracts.push({
      id: c.id,
      name,
      root: name === c.id ? c.id : name.slice(0, -2),
      tickSize: c.tickSize,
      pointValue: c.tickValue / c.tickSize,
    });
  }
  return { missing, fills, pairs: [], fees, contracts, realized, carried, busted };
}

/**
 * The trades whose P&L ProjectX reckoned against a lot a later bust took back: every trade of the
 * account's contract after its first voided one. The report prices those from the fills instead
 * (the FIFO pairs, at the contract's point value), as the account's realized P&L now stands.
 */
function staleAfterBusts(
  trades: readonly { id: number; contractId: string; voided: boolean; at?: EpochMs | undefined }[],
): Set<number> {
  const key = (t: { id: number; at?: EpochMs | undefined }) => [t.at ?? 0, t.id] as const;
  const after = (a: readonly [number, number], b: readonly [number, number]) =>
    a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
  const firstBust = new Map<string, readonly [number, number]>();
  for (const t of trades) {
    const seen = firstBust.get(t.contractId);
    if (t.voided && (!seen || after(seen, key(t)))) firstBust.set(t.contractId, key(t));
  }
  const stale = new Set<number>();
  for (const t of trades) {
    const bust = firstBust.get(t.contractId);
    if (!t.voided && bust && after(key(t), bust)) stale.add(t.id);
  }
  return stale;
}
