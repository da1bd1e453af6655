/**
 * Some accounts of a login read again over its live trading socket (tradovate-protocol.md §4,
 * §5.3), shaped as a SyncMessage so the model takes it as those accounts' snapshot: positions,
 * orders and cash by account, then the orders' versions (their terms), commands (our clOrdIds) and
 * fills (history), then the execution reports of the orders still working (what they filled).
 * Not a second user/syncrequest: Tradovate takes one per socket (§3.5), and its subscription
 * cannot be undone; nor a second socket, whose sync would fetch the whole login. Seven reads at
 * most, in three rounds, whatever the number of accounts, and only after a lost answer.
 */
import type { BrokerEvent, Clock, Logger } from "../types.js";
import { AccountReread } from "./accountReread.js";
import type { Connector } from "./connector.js";
import { BrokerRequestError } from "./errors.js";
import type { EntityLookups } from "./lookups.js";
import type { BrokerModel } from "./model.js";
import { isWorking } from "./orderCache.js";
import type { OrderSender } from "./orderSender.js";

/** One read (`position/ldeps`, `masterids=1,2`) answered with its `d`. */
export type EntityRead = (endpoint: string, query: string) => Promise<unknown>;

type Entity = Record<string, unknown>;

export async function readAccounts(
  read: EntityRead,
  accountIds: readonly number[],
): Promise<Record<string, unknown>> {
  const deps = async (type: string, masters: readonly number[]): Promise<Entity[]> => {
    if (masters.length === 0) return [];
    const list = await read(`${type}/ldeps`, `masterids=${masters.join(",")}`);
    if (!Array.isArray(list))
      throw new BrokerRequestError("transport", `${type}/ldeps: the answer is not a list`);
    return list.filter((e): e is Entity => typeof e === "object" && e !== null);
  };
  const round = (types: string[], masters: readonly number[]) =>
    Promise.all(types.map((type) => deps(type, masters)));
  const [positions, orders = [], cashBalances] = await round(
    ["position", "order", "cashBalance"],
    accountIds,
  );
  const [orderVersions, commands = [], fills] = await round(
    ["orderVersion", "command", "fill"],
    idsOf(orders),
  );
  const working = new Set(idsOf(orders.filter((o) => isWorking(String(o.ordStatus)))));
  const executionReports = await deps(
    "executionReport",
    idsOf(commands.filter((c) => working.has(c.orderId as number))),
  );
  return { positions, orders, cashBalances, orderVersions, commands, fills, executionReports };
}

/**
 * The part of a read that is about `accounts` (some of those read): their positions, orders and
 * cash, and what hangs off those orders. The model applies every entity a snapshot holds, and an
 * account left out of it (it sent while read) must not take its older picture this way.
 */
export function pictureFor(
  picture: Record<string, unknown>,
  accounts: ReadonlySet<number>,
): Record<string, unknown> {
  const list = (key: string) => (Array.isArray(picture[key]) ? (picture[key] as Entity[]) : []);
  const byAccount = (key: string) => list(key).filter((e) => accounts.has(e.accountId as number));
  const orders = byAccount("orders");
  const ids = new Set(idsOf(orders));
  const byOrder = (key: string) => list(key).filter((e) => ids.has(e.orderId as number));
  return {
    positions: byAccount("positions"),
    orders,
    cashBalances: byAccount("cashBalances"),
    orderVersions: byOrder("orderVersions"),
    commands: byOrder("commands"),
    fills: byOrder("fills"),
    executionReports: byOrder("executionReports"),
  };
}

function idsOf(list: readonly Entity[]): number[] {
  const ids: number[] = [];
  for (const e of list) if (typeof e.id === "number") ids.push(e.id);
  return ids;
}

/** The accounts a `props` event is about: its entities' own, or their orders' when known. */
export function accountsOf(d: unknown, accountOfOrder: (orderId: number) => number | undefined): number[] {
  const entity = typeof d === "object" && d !== null ? (d as { entity?: unknown }).entity : undefined;
  const ids: number[] = [];
  for (const e of Array.isArray(entity) ? entity : [entity]) {
    if (typeof e !== "object" || e === null) continue;
    const { accountId, orderId } = e as Entity;
    const id =
      typeof accountId === "number"
        ? accountId
        : typeof orderId === "number"
          ? accountOfOrder(orderId)
          : undefined;
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

export interface TradovateRereadParts {
  connection: string;
  clock: Clock;
  logger: Logger;
  delayMs: number;
  connector: Pick<Connector, "socket" | "synced">;
  orders: Pick<OrderSender, "activityOf">;
  model: Pick<BrokerModel, "applySnapshot" | "order">;
  lookups: Pick<EntityLookups, "resolveMissing">;
  emit(event: BrokerEvent): void;
}

/**
 * The re-read of one Tradovate login (accountReread.ts): over its trading socket while it is
 * synced, the reads on the exit reserve, the picture applied to the model as those accounts'
 * snapshot; a `props` event waits for it when its entities are those accounts' (accountsOf).
 */
export class TradovateReread extends AccountReread<Record<string, unknown>, unknown> {
  constructor(parts: TradovateRereadParts) {
    const { connector, model } = parts;
    super({
      ...parts,
      read: (accounts) => {
        const socket = connector.socket;
        if (!socket?.isOpen())
          return Promise.reject(
            new BrokerRequestError("disconnected", "the trading socket is not connected"),
          );
        const read: EntityRead = (endpoint, query) =>
          socket.request(endpoint, undefined, { query, priority: "exit" });
        return readAccounts(read, accounts);
      },
      accountsOf: (d) => accountsOf(d, (orderId) => model.order(orderId)?.accountId),
      activity: (accountId) => parts.orders.activityOf(accountId),
      // A new socket is a new subscription: a read begun on the old one is of no use to it.
      epoch: () => connector.socket,
      synced: () => connector.synced,
      apply: (accounts, picture) => {
        for (const ev of model.applySnapshot(pictureFor(picture, accounts), false, accounts)) parts.emit(ev);
        parts.lookups.resolveMissing();
      },
    });
  }
}
