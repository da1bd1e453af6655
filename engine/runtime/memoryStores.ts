import type {
  ActedOnRecord,
  FillLedger,
  FollowerRiskRecord,
  RiskStateStore,
  RuntimeState,
} from "../types.js";

/** A ledger that lives as long as the process: the journal-backed one seeds it at start. */
export class SetLedger implements FillLedger {
  private readonly keys: Set<string>;
  constructor(seed: Iterable<string> = []) {
    this.keys = new Set(seed);
  }
  has(key: string): boolean {
    return this.keys.has(key);
  }
  add(key: string): void {
    this.keys.add(key);
  }
  get size(): number {
    return this.keys.size;
  }
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
