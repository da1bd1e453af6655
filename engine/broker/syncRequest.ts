/**
 * `user/syncrequest` (tradovate-protocol.md §3.5, §11): the body names its entity types, because
 * Tradovate's partner docs say the default is now an empty list (no fills, nothing copied), and
 * asks for `splitResponses`, which a large snapshot needs.
 *
 * How Tradovate delimits a split snapshot is not documented (§10). What mimik accepts: several
 * replies with the request's id, each a part of a SyncMessage (whole collections or slices of
 * them, in any order). Nothing marks the last part, so the snapshot is complete once no part has
 * come for `settleMs`; a part that comes later still is merged as updates (see BrokerModel).
 */
import type { Clock } from "../types.js";

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

/** Collects the parts of one sync reply; resolves `done` once `settleMs` pass without a new part. */
export class SnapshotAssembler {
  readonly done: Promise<Record<string, unknown>>;
  private readonly snapshot: Record<string, unknown> = {};
  private resolve: ((s: Record<string, unknown>) => void) | undefined;
  private reject: ((err: Error) => void) | undefined;
  private timer: unknown;
  private finished = false;
  private parts = 0;

  constructor(
    private readonly clock: Clock,
    private readonly settleMs: number,
    /** A part that came after the snapshot was complete. */
    private readonly onLate: (part: unknown) => void,
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
    this.timer = this.clock.setTimeout(() => this.finish(), this.settleMs);
  }

  /** Stops waiting (the socket went away): `done` rejects with `err`. */
  cancel(err: Error): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.finished) return;
    this.finished = true;
    this.reject?.(err);
  }

  private finish(): void {
    this.timer = undefined;
    if (this.finished) return;
    this.finished = true;
    this.resolve?.(this.snapshot);
  }
}
