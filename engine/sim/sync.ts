import { COLLECTION_OF, EMPTY_COLLECTIONS, ENTITY_TYPES, type Entity } from "./entities.js";

/**
 * `user/syncrequest` as Tradovate's partner docs describe it (tradovate-protocol.md §3.5, §11):
 * `entityTypes` names the entity types the socket receives, in the snapshot and in later `props`
 * events (absent = all, the classic behaviour the official examples rely on); `splitResponses`
 * sends the snapshot in parts; a socket syncs once.
 *
 * The split format is not documented (§10). The simulator's plausible one: several replies with
 * the request's id. The first carries the user and its accounts (official clients recognise the
 * snapshot by `users`), the second the reference data, the rest the trading history in slices of
 * at most PART_SIZE entities; nothing marks the last part.
 */

export const ONE_SYNC_PER_SOCKET =
  "Violation: user/syncrequest was already sent on this connection (one per connection; open another socket)";

/** Entities per history part of a split snapshot. */
export const PART_SIZE = 200;

const singular = (collection: string): string =>
  collection.endsWith("ies")
    ? `${collection.slice(0, -3)}y`
    : collection.endsWith("uses")
      ? collection.slice(0, -2)
      : collection.slice(0, -1);

/** Every entity type name a sync may ask for, lower-case → its collection. */
const COLLECTION_BY_TYPE = new Map<string, string>([
  ...ENTITY_TYPES.map((t) => [t.toLowerCase(), COLLECTION_OF[t]] as [string, string]),
  ...EMPTY_COLLECTIONS.map((c) => [singular(c).toLowerCase(), c] as [string, string]),
]);

export interface SyncBody {
  users: number[] | undefined;
  accounts: number[] | undefined;
  /** Lower-case entity type names; undefined = every type. */
  entityTypes: ReadonlySet<string> | undefined;
  split: boolean;
}

function numberList(value: unknown): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.every((v) => Number.isInteger(v)) ? (value as number[]) : undefined;
}

export function parseSyncBody(body: unknown): { ok: true; sync: SyncBody } | { ok: false; error: string } {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const users = numberList(b.users);
  const accounts = numberList(b.accounts);
  if (!users && !accounts) return { ok: false, error: "Violation: users or accounts is required" };
  let entityTypes: Set<string> | undefined;
  if (b.entityTypes !== undefined) {
    if (!Array.isArray(b.entityTypes) || !b.entityTypes.every((t) => typeof t === "string")) {
      return { ok: false, error: "Violation: entityTypes must be a list of entity type names" };
    }
    const unknown = (b.entityTypes as string[]).filter((t) => !COLLECTION_BY_TYPE.has(t.toLowerCase()));
    if (unknown.length > 0) {
      return {
        ok: false,
        error: `Violation: unknown entityTypes ${unknown.join(", ")}; entity type names are singular, e.g. "fill", "order", "position"`,
      };
    }
    entityTypes = new Set((b.entityTypes as string[]).map((t) => t.toLowerCase()));
  }
  if (b.splitResponses !== undefined && typeof b.splitResponses !== "boolean") {
    return { ok: false, error: "Violation: splitResponses must be true or false" };
  }
  return { ok: true, sync: { users, accounts, entityTypes, split: b.splitResponses === true } };
}

/** Only the collections of the asked-for types (all of them when none were named). */
export function filterSnapshot(
  snapshot: Record<string, Entity[]>,
  entityTypes: ReadonlySet<string> | undefined,
): Record<string, Entity[]> {
  if (!entityTypes) return snapshot;
  const wanted = new Set([...entityTypes].map((t) => COLLECTION_BY_TYPE.get(t)));
  return Object.fromEntries(Object.entries(snapshot).filter(([collection]) => wanted.has(collection)));
}

const FIRST = [
  "users",
  "accounts",
  "accountRiskStatuses",
  "userAccountAutoLiqs",
  "marginSnapshots",
  "cashBalances",
];
const HISTORY = [
  "positions",
  "orders",
  "orderVersions",
  "commands",
  "commandReports",
  "executionReports",
  "fills",
  "fillPairs",
];

/** The snapshot as the parts a split reply sends, in order. Every collection appears in some part. */
export function splitSnapshot(snapshot: Record<string, Entity[]>): Array<Record<string, Entity[]>> {
  const pick = (names: string[]) =>
    Object.fromEntries(names.filter((n) => n in snapshot).map((n) => [n, snapshot[n]!]));
  const first = pick(FIRST);
  const reference = pick(Object.keys(snapshot).filter((n) => !FIRST.includes(n) && !HISTORY.includes(n)));
  const parts: Array<Record<string, Entity[]>> = [first, reference];
  let part: Record<string, Entity[]> = {};
  let size = 0;
  for (const name of HISTORY) {
    const list = snapshot[name];
    if (!list) continue;
    if (list.length === 0) part[name] = [];
    for (let i = 0; i < list.length; i += PART_SIZE) {
      const slice = list.slice(i, i + PART_SIZE);
      if (size + slice.length > PART_SIZE && size > 0) {
        parts.push(part);
        part = {};
        size = 0;
      }
      part[name] = [...(part[name] ?? []), ...slice];
      size += slice.length;
    }
  }
  if (Object.keys(part).length > 0) parts.push(part);
  return parts.filter((p) => Object.keys(p).length > 0);
}
