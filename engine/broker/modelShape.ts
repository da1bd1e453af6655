/** What the entity cache keeps (its memory bounds) and how it reads a sync snapshot's collections. */

export interface ModelLimits {
  /** Finished orders remembered (the most recent ones). */
  finishedOrders: number;
  /** Fill ids remembered to skip repeats and history (the most recent ones; > a day's snapshot). */
  fillIds: number;
  /** Command → order links remembered (the most recent ones). */
  commands: number;
}

export const MODEL_LIMITS: Readonly<ModelLimits> = Object.freeze({
  finishedOrders: 5_000,
  fillIds: 100_000,
  commands: 20_000,
});

/** Snapshot collections and the entity type each holds (fills are handled apart: history). */
const SNAPSHOT_COLLECTIONS: Array<[string, string]> = [
  ["accounts", "account"],
  ["contracts", "contract"],
  ["contractMaturities", "contractMaturity"],
  ["products", "product"],
  ["orders", "order"],
  ["orderVersions", "orderVersion"],
  ["commands", "command"],
  ["commandReports", "commandReport"],
  ["executionReports", "executionReport"],
  ["positions", "position"],
  ["cashBalances", "cashBalance"],
  ["accountRiskStatuses", "accountRiskStatus"],
];

/** Each collection of a snapshot with its entity type, in the order they are applied (missing: empty). */
export function snapshotCollections(d: unknown): Array<[string, unknown[]]> {
  const snap = asRecord(d);
  return SNAPSHOT_COLLECTIONS.map(([collection, type]) => [type, asArray(snap[collection])]);
}

/** The snapshot's fills: history, never copied. */
export function snapshotFills(d: unknown): unknown {
  return asRecord(d).fills;
}

function asRecord(x: unknown): Record<string, unknown> {
  return (typeof x === "object" && x !== null ? x : {}) as Record<string, unknown>;
}

function asArray(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}
