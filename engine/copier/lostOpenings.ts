import type { Follower } from "../../data/schema.js";
import type { Clock, EngineEvent, EpochMs } from "../types.js";
import type { ActedOn } from "./actedOn.js";
import { opensExposure } from "./classify.js";
import { decide } from "./decide.js";
import { EXIT_BACKOFF, type ExitBackoff, exitDelta } from "./exitRetry.js";
import type { FollowerBook } from "./followerBook.js";
import type { GateContext } from "./gates.js";
import { partOfLine, takesAway } from "./mergedLine.js";
import type { OrderMeta } from "./orderTracker.js";
import { key, openingDropped } from "./pendingExit.js";
import type { PendingExits } from "./pendingExits.js";
import type { CopierAccounts } from "./ports.js";

/** A leader step that came while its line waited for the account's snapshot. */
export interface HeldStep {
  /** The leader contract it moved: on a line two share (toMicro), not always the lost order's. */
  leaderContract: string;
  before: number;
  after: number;
  /** The leader order whose fill it was. */
  orderId: number;
  /** The first opening fill of that order (fixed sizing copies N on it only). */
  first: boolean;
  /**
   * What the rule gave the leader's other contracts on the line then (othersByRule): a step that
   * takes away moves its own part and leaves theirs, as a live copy does.
   */
  others: number;
}

/** A line whose opening copy lost its answer, and the leader steps that wait for its snapshot. */
export interface LostLine {
  group: string;
  follower: string;
  contract: string;
  leaderContract: string;
  lostAt: EpochMs;
  /** The lost order's signed size: the book does not count it, done or not. */
  unheard: number;
  /** How long it waits for the snapshot. */
  waitMs: number;
  steps: HeldStep[];
  timer: unknown;
}

/**
 * What a line's held steps come to at its snapshot: where the copy rule takes a follower that
 * stands at `has`, step by step as each would have been copied live (sizing and max contracts; the
 * gates are judged when it goes), and the leader orders whose openings that carries.
 */
export interface HeldGoal {
  goal: number;
  orderIds: readonly number[];
}

export interface LostOpeningsDeps extends ExpiredParts {
  /** Its cap is how long the line waits for a snapshot (as after a lost exit). */
  backoff?: ExitBackoff | undefined;
}

/**
 * Lines (follower and contract) where an opening copy of ours lost its answer with no exit pending
 * on them: the broker may or may not have done it, and the book does not count it. Until the
 * account's snapshot says where the follower stands (the re-read after a lost answer, a reconnect),
 * the line's later leader steps are not sized from a position that may miss it: they wait here, as
 * steps wait after a lost exit (PendingExits), and at the snapshot they are copied late from where
 * the follower stands, not doubled. Past the bound, the line is settled as known (`expired`).
 */
export class LostOpenings {
  private readonly lines = new Map<string, LostLine>();

  constructor(private readonly deps: LostOpeningsDeps) {}

  /**
   * One of our orders lost its answer: if it opens on a line with no exit pending (which holds the
   * line's steps itself), the line's later steps wait from now (the first loss counts).
   */
  lost(meta: OrderMeta, unheard: number): void {
    const { leaderContract } = meta;
    if (leaderContract === undefined || meta.exit) return;
    if (this.deps.exits.pendingFor(meta.follower, meta.contract)) return;
    const k = key(meta.follower, meta.contract);
    if (this.lines.has(k)) return;
    const { clock } = this.deps;
    const waitMs = (this.deps.backoff ?? EXIT_BACKOFF).maxMs;
    const line: LostLine = {
      group: meta.group,
      follower: meta.follower,
      contract: meta.contract,
      leaderContract,
      lostAt: clock.now(),
      unheard,
      waitMs,
      steps: [],
      timer: undefined,
    };
    line.timer = clock.setTimeout(() => this.expire(k), waitMs);
    this.lines.set(k, line);
  }

  /** Hot path: does the line wait for its snapshot (a lookup only when any does)? */
  holds(follower: string, contract: string): boolean {
    return this.lines.size !== 0 && this.lines.has(key(follower, contract));
  }

  /** A leader step: it waits for the snapshot if its line does (true), else it goes as usual. */
  hold(follower: string, contract: string, step: HeldStep): boolean {
    const line = this.lines.size === 0 ? undefined : this.lines.get(key(follower, contract));
    line?.steps.push(step);
    return line !== undefined;
  }

  /**
   * The follower's account re-synced: its lines end. Returns, per line whose held steps open from
   * where the snapshot has it (`position`), where they take it (the reconcile sends that, late).
   */
  resynced(follower: Follower, position: (contract: string) => number): Map<string, HeldGoal> {
    const goals = new Map<string, HeldGoal>();
    for (const line of [...this.lines.values()]) {
      if (line.follower !== follower.account) continue;
      this.end(line);
      const has = position(line.contract);
      const held = heldGoal(follower, line, has);
      if (opensExposure(has, held.goal)) goals.set(line.contract, held);
    }
    return goals;
  }

  /** No more timers (the engine stops). */
  stop(): void {
    for (const line of this.lines.values()) this.deps.clock.clearTimeout(line.timer);
  }

  private expire(k: string): void {
    const line = this.lines.get(k);
    if (!line) return;
    this.lines.delete(k);
    // No snapshot came in time: the line's held steps are settled from the position as known.
    settleExpired(line, this.deps);
  }

  private end(line: LostLine): void {
    this.deps.clock.clearTimeout(line.timer);
    this.lines.delete(key(line.follower, line.contract));
  }
}

/** The gates as open: a held step is sized here, and judged by them when it goes. */
const OPEN_GATE: Omit<GateContext, "leaderContract"> = {
  groupActive: true,
  followerEnabled: true,
  connected: true,
  state: "ACTIVE",
  brokerLocked: false,
  whitelist: { enabled: false, symbols: [] },
};

/**
 * Where the line's held steps take a follower standing at `has`, each sized as a live copy would
 * have been from where the one before left it (a fixed size only on its order's first opening
 * fill), and the leader orders of the steps that open. A step that takes away keeps the part the
 * line holds for the leader's other contracts on it; `unheard` (the lost order, when `has` is the
 * book's and leaves it out) is not in the lost order's contract's part.
 */
export function heldGoal(
  follower: Pick<Follower, "sizing" | "maxContracts">,
  line: Pick<LostLine, "leaderContract" | "steps">,
  has: number,
  unheard = 0,
): HeldGoal {
  let goal = has;
  const orderIds: number[] = [];
  for (const step of line.steps) {
    const others = step.leaderContract === line.leaderContract ? step.others : step.others - unheard;
    const kept = takesAway(step.before, step.after) ? partOfLine(others, goal) : 0;
    const decision = decide({
      gate: { ...OPEN_GATE, leaderContract: step.leaderContract },
      sizing: follower.sizing,
      maxContracts: follower.maxContracts,
      leaderBefore: step.before,
      leaderAfter: step.after,
      follower: goal - kept,
      keptOnLine: kept,
      firstOpeningFillOfOrder: step.first,
    });
    if (decision.action === "skip") continue;
    goal += decision.delta;
    if (decision.opening !== 0 && !orderIds.includes(step.orderId)) orderIds.push(step.orderId);
  }
  return { goal, orderIds };
}

export interface ExpiredParts {
  clock: Clock;
  emit(event: EngineEvent): void;
  accounts: Pick<CopierAccounts, "role">;
  book: Pick<FollowerBook, "position">;
  /** Takes over the exit the held steps come to, as a pending exit (tried shortly, retried). */
  exits: Pick<PendingExits, "hold" | "pendingFor">;
  acted: Pick<ActedOn, "set">;
}

/**
 * No snapshot came within the bound: the line's held steps are settled from the position as known.
 * An exit they come to goes (a lost answer never blocks an exit longer than that); an opening does
 * not, as it is sized from a position that may miss the lost one: late or never, not doubled.
 */
export function settleExpired(line: LostLine, parts: ExpiredParts): void {
  const last = line.steps.at(-1);
  const role = parts.accounts.role(line.follower);
  if (!last || role?.kind !== "follower") return;
  const { follower, contract } = line;
  const has = parts.book.position(follower, contract);
  const { goal } = heldGoal(role.follower, line, has, line.unheard);
  if (opensExposure(has, goal)) {
    const message = openingDropped(
      follower,
      contract,
      `no snapshot within ${Math.round(line.waitMs / 1000)} s`,
    );
    parts.emit({ type: "alert", at: parts.clock.now(), level: "warn", message, follower, group: line.group });
  }
  const kept = Math.sign(goal) === Math.sign(has) ? goal : 0;
  // Each leader contract stepped is acted on where its last step left it; the exit, if any, is
  // the last step's contract's (what it acted on follows the exit once that is done).
  const { leaderContract } = last;
  for (const step of line.steps)
    if (step.leaderContract !== leaderContract) parts.acted.set(follower, step.leaderContract, step.after);
  if (exitDelta(has, kept) === 0) {
    parts.acted.set(follower, leaderContract, last.after);
    return;
  }
  const first = line.steps.find((step) => step.leaderContract === leaderContract) ?? last;
  const meta: OrderMeta = {
    ...{ group: line.group, follower, fillId: 0, contract, leaderContract },
    kind: kept === 0 ? "close" : "reduce",
    side: kept > has ? "Buy" : "Sell",
    startedAt: parts.clock.mono(),
    exit: true,
    leaderBefore: first.before,
    leaderAfter: last.after,
  };
  parts.exits.hold(meta, kept);
}
