/**
 * `user/syncrequest` (tradovate-protocol.md §3.5, §11): the body names its entity types, because
 * Tradovate's partner docs say the default is now an empty list (no fills, nothing copied), and
 * asks for `splitResponses`, which a large snapshot needs.
 *
 * How Tradovate delimits a split snapshot is not documented (§10). What mimik accepts: several
 * replies with the request's id, each a part of a SyncMessage (whole collections or slices of
 * them, in any order). Nothing marks the last part, so the snapshot is complete once no part has
 * come for `settleMs` and the collections it must have are in; a part that comes later still is
 * merged as updates (see BrokerModel).
 */
import type { Clock } from "../types.js";
import { BrokerRequestError } from "./errors.js";

/**
 * The entity types mimik reads (§11), by Tradovate's entityType names. Not fillPair: nothing reads
 * it live (the day's history asks `fillPair/list` when the trader opens it), and every closing
 * fill would bring one to parse on each follower's socket.
 */
export const SYNC_ENTITY_TYPES = [
  "user",
  "account",
  "accountRiskStatus",
  "userAccountAutoLiq",
  "cashBalance",
  "position",
  "order",
  "orderVersion",
  "command",
  "commandReport",
  "executionReport",
  "fill",
  "contract",
  "contractMaturity",
  "product",
] as const;

export function syncRequestBody(accountIds: number[]): Record<string, unknown> {
  return { accounts: accountIds, entityTypes: [...SYNC_ENTITY_TYPES], splitResponses: true };
}

/** Merges one part into `into`: arrays are appended, anything else kept from the first part. */
export function mergeSnapshotPart(into: Record<string, unknown>, part: unknown): void {
  if (typeof part !== "object" || part === null || Array.isArray(part)) return;
  for (const [key, value] of Object.entries(part as Record<string, unknown>)) {
    const have = into[key];
    if (Array.isArray(value)) into[key] = Array.isArray(have) ? [...have, ...value] : [...value];
    else if (have === undefined) into[key] = value;
  }
}

/**
 * What a snapshot must hold before anything acts on it. A re-sync takes the snapshot's positions
 * as the whole truth: settled without the part that carries them, the leader would read as flat
 * and the copier would make up exits for followers of a leader still in the trade.
 */
export const REQUIRED_COLLECTIONS = ["accounts", "positions"] as const;

/**
 * Collects the parts of one sync reply; resolves `done` once `settleMs` pass without a new part
 * and every REQUIRED_COLLECTIONS is in. Still missing one `completeMs` after the first part, it
 * reads what is missing itself (`fillIn`: whether Tradovate leaves an empty collection out of a
 * split snapshot is not documented, and a login with no positions must still sync); if that read
 * fails too it rejects: the socket is then not synced (it reconnects) rather than synced on half a
 * picture.
 */
export class SnapshotAssembler {
  readonly done: Promise<Record<string, unknown>>;
  private readonly snapshot: Record<string, unknown> = {};
  private resolve: ((s: Record<string, unknown>) => void) | undefined;
  private reject: ((err: Error) => void) | undefined;
  private timer: unknown;
  private deadline: unknown;
  private finished = false;
  private parts = 0;

  constructor(
    private readonly clock: Clock,
    private readonly settleMs: number,
    private readonly completeMs: number,
    /** A part that came after the snapshot was complete. */
    private readonly onLate: (part: unknown) => void,
    /** Reads the collections the snapshot still lacks at `completeMs`, as one more part. */
    private readonly fillIn?: (missing: readonly string[]) => Promise<Record<string, unknown>>,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A caller that stopped waiting must not see an unhandled rejection.
    this.done.catch(() => undefined);
  }

  get partCount(): number {
    return this.parts;
  }

  add(part: unknown): void {
    if (this.finished) {
      this.onLate(part);
      return;
    }
    this.parts += 1;
    mergeSnapshotPart(this.snapshot, part);
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.settled(), this.settleMs);
    this.deadline ??= this.clock.setTimeout(() => this.gaveUp(), this.completeMs);
  }

  /** Stops waiting (the socket went away): `done` rejects with `err`. */
  cancel(err: Error): void {
    this.stopTimers();
    if (this.finished) return;
    this.finished = true;
    this.reject?.(err);
  }

  /** The REQUIRED_COLLECTIONS no part has brought yet. */
  missing(): string[] {
    return REQUIRED_COLLECTIONS.filter((name) => !Array.isArray(this.snapshot[name]));
  }

  private settled(): void {
    this.timer = undefined;
    // Quiet, but not whole: the next part restarts the wait.
    if (this.finished || this.missing().length > 0) return;
    this.finish();
  }

  private finish(): void {
    this.finished = true;
    this.stopTimers();
    this.resolve?.(this.snapshot);
  }

  private gaveUp(): void {
    this.deadline = undefined;
    const missing = this.missing();
    if (missing.length === 0) return;
    const lacking = (names: readonly string[]) =>
      new BrokerRequestError(
        "timeout",
        `user/syncrequest: the snapshot brought no ${names.join(" or ")} in ${this.completeMs / 1000} s`,
      );
    if (!this.fillIn) {
      this.cancel(lacking(missing));
      return;
    }
    this.fillIn(missing).then(
      (part) => {
        if (this.finished) return;
        mergeSnapshotPart(this.snapshot, part);
        const still = this.missing();
        if (still.length > 0) this.cancel(lacking(still));
        else this.finish();
      },
      (err: unknown) => this.cancel(err instanceof Error ? err : new Error(String(err))),
    );
  }

  private stopTimers(): void {
    for (const t of [this.timer, this.deadline]) if (t !== undefined) this.clock.clearTimeout(t);
    this.timer = this.deadline = undefined;
  }
}

/** A snapshot's collections read one by one (`positions` → position/list), as one more part. */
export async function readCollections(
  read: (endpoint: string) => Promise<unknown>,
  names: readonly string[],
): Promise<Record<string, unknown>> {
  const part: Record<string, unknown> = {};
  for (const name of names) {
    const list = await read(`${name.replace(/s$/, "")}/list`);
    if (!Array.isArray(list))
      throw new BrokerRequestError("transport", `${name}: the list read is not a list`);
    part[name] = list;
  }
  return part;
}
