import { RecentIds } from "../recentIds.js";
import type {
  ActedOnRecord,
  FillLedger,
  FollowerRiskRecord,
  RiskStateStore,
  RuntimeState,
} from "../types.js";

/**
 * A ledger that lives as long as the process: the journal-backed one seeds it at start. Its keys
 * are `connection:fillId`, and it holds every leader fill of the run and of the journal, so the
 * ids are kept unboxed per connection (RecentIds without a limit: 16 bytes an id, where a key
 * string in a Set costs some 70).
 */
export class SetLedger implements FillLedger {
  private readonly ids = new Map<string, RecentIds>();
  /** Keys not of that shape (mimik writes none), kept as they are. */
  private readonly other = new Set<string>();

  constructor(seed: Iterable<string> = []) {
    for (const key of seed) this.add(key);
  }

  has(key: string): boolean {
    const split = splitKey(key);
    if (!split) return this.other.has(key);
    return this.ids.get(split.connection)?.has(split.fillId) ?? false;
  }

  add(key: string): void {
    const split = splitKey(key);
    if (!split) {
      this.other.add(key);
      return;
    }
    let ids = this.ids.get(split.connection);
    if (!ids) {
      ids = new RecentIds(Number.POSITIVE_INFINITY);
      this.ids.set(split.connection, ids);
    }
    ids.add(split.fillId);
  }

  get size(): number {
    let n = this.other.size;
    for (const ids of this.ids.values()) n += ids.size;
    return n;
  }
}

/** `connection:fillId` apart; undefined unless the id reads back as the same text (not "007", "1e3"). */
function splitKey(key: string): { connection: string; fillId: number } | undefined {
  const at = key.lastIndexOf(":");
  if (at <= 0) return undefined;
  const text = key.slice(at + 1);
  const fillId = Number(text);
  if (!Number.isSafeInteger(fillId) || String(fillId) !== text) return undefined;
  return { connection: key.slice(0, at), fillId };
}

/** Risk state kept in memory, for tests and benchmarks that must not touch the disk. */
export class MemoryRiskStore implements RiskStateStore {
  private state: RuntimeState = { version: 1, followers: {} };
  read(): RuntimeState {
    return structuredClone(this.state);
  }
  async saveFollower(follower: string, record: FollowerRiskRecord): Promise<void> {
    this.state = { ...this.state, followers: { ...this.state.followers, [follower]: { ...record } } };
  }
  async saveActedOn(records: Record<string, ActedOnRecord | undefined>): Promise<void> {
    const acted = { ...this.state.actedOn };
    for (const [follower, record] of Object.entries(records)) {
      if (record === undefined) delete acted[follower];
      else acted[follower] = structuredClone(record);
    }
    this.state = { ...this.state, actedOn: acted };
  }
}
