import type { AccountRole } from "../accounts/directory.js";
import type { OrderGateway } from "../orders/gateway.js";
import type {
  AccountRoute,
  Clock,
  EngineEvent,
  FillLedger,
  FollowerState,
  HistoryFillEvent,
  Logger,
  Side,
  WindowReason,
} from "../types.js";
import type { ActedOnStore } from "./actedOn.js";
import type { ExitBackoff } from "./exitRetry.js";
import type { ShadowFill } from "./shadowCopy.js";

/** What the copier needs from the rest of the engine, as narrow as it can be. */

/** What risk says about a follower right now. */
export interface FollowerGate {
  state: FollowerState;
  brokerLocked?: boolean | undefined;
  /** Its login has no market data: risk cannot value a new position, openings are held. */
  pricesStale?: boolean | undefined;
  /** Opening trades left today; undefined = no limit. */
  tradesLeft?: number | undefined;
  /**
   * Issue 16: why the group's trading window holds openings back now (outside hours, a blackout,
   * after the flat-by time); undefined while it allows them. Computed on a timer, read here.
   */
  window?: WindowReason | undefined;
}

/** The account directory's answers the copier needs. */
export interface CopierAccounts {
  /** The configured account behind a broker account id on a connection. */
  nameAt(connection: string, accountId: number): string | undefined;
  role(name: string): AccountRole | undefined;
  isLeader(name: string): boolean;
  route(name: string): AccountRoute | undefined;
  connected(name: string): boolean;
}

export interface CopierDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  gateway: Pick<OrderGateway, "placeMarket" | "flush" | "recordFill" | "inFlight">;
  accounts: CopierAccounts;
  gate(follower: string): FollowerGate;
  ledger: FillLedger;
  /**
   * Called once per follower and leader order whose opening was copied (risk counts trades), an
   * opening that waited for a lost answer too; one made up at a re-sync comes without an order.
   */
  onOpeningCopied?(follower: string, leaderOrderId?: number): void;
  /** Where the leader positions followers last acted on live between runs (the runtime state). */
  actedStore?: ActedOnStore | undefined;
  /** How failed exits back off (default 1 s, 2 s … 30 s); the resilience suite shrinks it. */
  exitBackoff?: ExitBackoff | undefined;
  /**
   * Issue 14 (engine/mirror): the follower's own mirrored working order answers this leader
   * order's fills, so they are not copied to it (only a flip's opening half still is).
   */
  covers?(follower: string, leaderOrderId: number): boolean;
  /**
   * What the follower's mirrors of this leader order fill in all (filled, and still working): a
   * fill's closing is answered by them only up to that. Unset: they answer all of it.
   */
  mirrorSize?(follower: string, leaderOrderId: number): number;
  /** A mirror of this leader order is being cancelled for the follower: it may still fill. */
  mirrorCancelling?(follower: string, leaderOrderId: number): boolean;
  /** A mirror of the follower's in `contract` on `side` is being cancelled: it may still fill. */
  mirrorCancels?(follower: string, contract: string, side: Side): boolean;
  /**
   * Issue 16: a shadow follower's would-be trade (after the fan-out, never before an order), with
   * what it would hold now: risk values it, the screen shows it.
   */
  onShadowFill?(fill: ShadowFill, held: { contract: string; netPos: number }[]): void;
  /**
   * Issue 14: an exit is about to be sent to the follower in its contract: its working exits go
   * first, except the mirrors of the leader orders `answering` (counted on to close part of it).
   */
  beforeExit?(follower: string, contract: string, answering?: readonly number[]): void;
  /** A snapshot's fill is of one of mimik's flattens (their orders carry no clOrdId of ours). */
  flattenFill?(follower: string, fill: HistoryFillEvent): boolean;
  logger?: Logger | undefined;
}
