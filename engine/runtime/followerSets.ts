import type { Config } from "../../data/schema.js";
import type { ActedOnStore } from "../copier/actedOn.js";
import type { RiskStateStore } from "../types.js";

/** The shadow followers of a config (issue 16): the order gateway refuses them like leaders. */
export function shadowFollowers(config: Config): Set<string> {
  return new Set(config.groups.flatMap((g) => g.followers.filter((f) => f.shadow).map((f) => f.account)));
}

/** The leader orders each follower's saved record counted as trades: the copier's at a start. */
export function countedOrdersOf(store: RiskStateStore): Array<[string, readonly number[]]> {
  return Object.entries(store.read().followers).map(([name, r]) => [name, r.tradeOrders ?? []]);
}

/** The runtime state file keeps what followers acted on too (when the store can write it). */
export function actedStoreOf(store: RiskStateStore): ActedOnStore | undefined {
  const save = store.saveActedOn?.bind(store);
  if (!save) return undefined;
  return { read: () => store.read().actedOn, save };
}
