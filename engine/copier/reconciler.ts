import type { Follower, Group } from "../../data/schema.js";
import { mapContract } from "../symbols.js";
import type { AccountRoute, Clock, CopyEvent, EngineEvent, HistoryFillEvent, SyncEvent } from "../types.js";
import { SKIP_REASONS } from "../types.js";
import { accountCapOf } from "./accountCap.js";
import type { ActedOn } from "./actedOn.js";
import { resyncEvent, sentEvent, syntheticClOrdId } from "./copyEvents.js";
import type { CountedTrades } from "./countedTrades.js";
import type { DecideInput, Decision } from "./decide.js";
import type { FollowerBook } from "./followerBook.js";
import { HandTrades, handKept, handWords } from "./handTrades.js";
import type { HedgeIndex } from "./hedgeIndex.js";
import type { LeaderBook } from "./leaderBook.js";
import type { HeldGoal, LostOpenings } from "./lostOpenings.js";
import { heldForOtherContracts, keptForOtherContracts, othersByRule, SharedLineSteps } from "./mergedLine.js";
import type { OrderMeta, OrderTracker } from "./orderTracker.js";
import type { PendingExits } from "./pendingExits.js";
import type { CopierAccounts, FollowerGate } from "./ports.js";
import { heldOpeningStop, reconcileHeld, reconcileStep, reconcileUncertain } from "./reconcileStep.js";
import { SentBefore } from "./sentBefore.js";
import { UnsureLines } from "./unsureLines.js";

/**
 * Skips that leave the line as it was acted on: a missed opening (OUT OF SYNC for the trader), a
 * follower with too many orders unanswered, and an exit left to a flatten (a forced unlock may
 * stop it before it is done): the next re-sync looks again.
 */
const NOT_MADE_UP: ReadonlySet<string> = new Set([
  SKIP_REASONS.openingNotMadeUp,
  SKIP_REASONS.ordersBacklog,
  SKIP_REASONS.flattening,
  SKIP_REASONS.liquidateOnly,
]);

/** Skips that decide nothing: an uncertain line stays uncertain for the next re-sync. */
const WAITS: ReadonlySet<string> = new Set([SKIP_REASONS.ordersBacklog, SKIP_REASONS.flattening]);

export interface ReconcilerDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  accounts: CopierAccounts;
  gate(follower: string): FollowerGate;
  leaders: Pick<LeaderBook, "held" | "known" | "isSynced">;
  book: Pick<FollowerBook, "position" | "isSynced" | "full" | "inFlight" | "elsewhere">;
  /** Takes over an exit that must wait for our orders still on their way. */
  exits: Pick<PendingExits, "hold" | "pendingFor" | "onItsWay">;
  /** What other followers of its firm hold: the hedge guard judges an opening made up too. */
  hedge: Pick<HedgeIndex, "sides">;
  /**
   * An opening was sent (risk counts it as one of the day's trades): one made up has no leader
   * order; one that waited counts for the leader orders it answers, each once.
   */
  opened?(follower: string, orderIds?: readonly number[]): void;
  /** The leader orders already counted as a trade for the follower (a held later fill passes max trades). */
  counted: Pick<CountedTrades, "has">;
  /** Our orders whose answers were lost and that are still working at the broker: none goes beside one. */
  orders: Pick<OrderTracker, "unheardWorking">;
  /** Lines that wait for the follower's snapshot after a lost opening: that snapshot settles them. */
  lost: Pick<LostOpenings, "holds">;
  /** How long an opening held for a snapshot may wait for its reconcile (the snapshot wait's bound). */
  heldMs?: number | undefined;
  /** A snapshot's fill is of one of mimik's flattens (risk keeps them): not traded by hand. */
  flattenFill?(follower: string, fill: HistoryFillEvent): boolean;
  acted: Pick<ActedOn, "seed" | "get" | "set" | "contracts">;
  /** Write one order (not flushed yet); false when the gateway refused it. */
  send(route: AccountRoute, meta: OrderMeta, delta: number, clOrdId: string): boolean;
  flush(): void;
}

/**
 * Makes up, at a re-sync, what a follower missed of its leader (issue 18 rule 2): per follower and
 * leader contract, the leader's position now against the one this follower last acted on, applied
 * as one step of the copy rules (reconcileStep: exits only unless the group says "full"). Runs
 * when both sides are known: the leader's login has synced and the follower's account has a
 * snapshot (a restart, a reconnect of either, a superseded session all end in one). Whatever it
 * sends is shown under one "re-sync" header per group, with the reason "reconcile".
 */
export class Reconciler {
  private seq = 0;
  private readonly unsure: UnsureLines;
  private readonly sent: SentBefore;
  private readonly hand: HandTrades;

  constructor(private readonly deps: ReconcilerDeps) {
    this.unsure = new UnsureLines(deps);
    this.sent = new SentBefore(deps.accounts);
    this.hand = new HandTrades(deps.accounts, (name, fill) => deps.flattenFill?.(name, fill) ?? false);
  }

  /**
   * A snapshot is in, before its re-sync: a start's fills say which copies went before it; a
   * reconnect's, what the trader traded by hand while mimik was away.
   */
  snapshot(event: SyncEvent): void {
    this.sent.record(event);
    this.hand.record(event);
  }

  /**
   * The follower's re-sync found these lines uncertain (an order of ours on them had its answer
   * lost, or an exit of them was pending): its next reconcile takes them from where the follower
   * stands (reconcileUncertain), not from what it acted on alone. `held`: a line's goal when its
   * pending exit held a leader step's opening for this snapshot (reconcileHeld).
   */
  uncertain(
    follower: string,
    contracts: ReadonlySet<string>,
    held: ReadonlyMap<string, HeldGoal | undefined> = new Map(),
  ): void {
    this.unsure.mark(follower, contracts, held);
  }

  /**
   * After a re-sync of `syncing` (a connection whose snapshot was just applied: its session says
   * "connected" only once the snapshot's events are out): make up what these followers missed.
   */
  run(group: Group, followers: readonly Follower[], cause: string, syncing: string): void {
    const { deps } = this;
    const setting = group.reconcile ?? "exits";
    // Off, nothing missed is made up and an opening held for the snapshot is never sent: what it
    // held is the trader's now. An exit that was failing or in doubt (an uncertain line) was
    // copied live, not missed: it is still settled from where the follower stands, as a retry.
    const off = setting === "off";
    const mode = off ? "exits" : setting;
    if (off) for (const f of followers) this.unsure.forget(group.name, f.account, "reconcile is off");
    if (!this.leaderKnown(group.leader, syncing)) return;
    const copies: CopyEvent[] = [];
    let fillId: number | undefined;
    let openings = false;
    for (const follower of followers) {
      const name = follower.account;
      const route = deps.accounts.route(name);
      if (!route || !this.reachable(name, syncing) || !deps.book.isSynced(name)) continue;
      if (deps.accounts.isLeader(name)) continue;
      const leaderHeld = deps.leaders.held(group.leader);
      deps.acted.seed(name, group.leader, leaderHeld);
      // Copies a kill kept off the acted-on file: the follower's own fills say they went.
      const known = (c: string) => deps.leaders.known(group.leader, c) ?? 0;
      const stale = this.sent.take(name, group.leader, (c) => deps.acted.get(name, c), known);
      for (const [contract, position] of stale) deps.acted.set(name, contract, position);
      // Two leader contracts may come to one follower contract (ESZ6 and MESZ6 with toMicro): each
      // steps its own part of the line in turn, the one the leader moved unseen first; `line` is
      // where the earlier steps of this re-sync take it.
      const leaderContracts = [...new Set([...leaderHeld.keys(), ...deps.acted.contracts(name)])].sort(
        (a, b) => this.rank(name, group.leader, a) - this.rank(name, group.leader, b),
      );
      const line = new SharedLineSteps(follower, leaderContracts, (c) => deps.acted.get(name, c));
      // Per line, for all its leader contracts' steps: what the trader traded there by hand.
      const hands = new Map<string, number>();
      for (const leaderContract of leaderContracts) {
        const contract = mapContract(leaderContract, follower.mapping);
        if (line.settled(contract)) continue;
        // A pending exit of the line already answers what was seen of the leader: the step starts
        // where it takes the follower (not from a position a lost order may have moved).
        // Its held steps wait for the follower's snapshot, which sizes them from where it stands.
        if (deps.lost.holds(name, contract)) continue;
        const pending = deps.exits.pendingFor(name, contract);
        const on = pending?.leaderContract === leaderContract ? pending : undefined;
        const before = on?.leaderAfter ?? deps.acted.get(name, leaderContract);
        const after = deps.leaders.known(group.leader, leaderContract) ?? 0;
        const has = on?.goal ?? line.has(contract) ?? deps.book.position(name, contract);
        const risk = deps.gate(name);
        const uncertain = line.uncertain(contract, this.unsure.has(name, contract));
        if (off && !uncertain) continue;
        const waited = uncertain ? this.unsure.heldGoal(group.name, name, contract) : undefined;
        const goal = waited?.goal;
        // The others' parts: what the line holds for them now (as acted on, until they step). A
        // line judged from where it stands keeps what the rule gives them for the leader now: what
        // one of them acted on may be a lost order's (put back), which the line may well hold.
        const othersHeld = uncertain ? leaderHeld : line.othersHeld(leaderHeld);
        const settle =
          goal !== undefined ? reconcileHeld(goal) : uncertain ? reconcileUncertain : reconcileStep;
        // On a line the leader's other contracts share, the step moves this one's part only: a
        // line judged from where it stands keeps what the others hold by the rule, a missed step
        // what it would keep live (a held goal is the whole line's already).
        const kept =
          goal !== undefined
            ? 0
            : uncertain
              ? heldForOtherContracts(follower, leaderContract, contract, othersHeld, has, group.whitelist)
              : keptForOtherContracts(
                  follower,
                  { leaderContract, before, after, followerContract: contract },
                  othersHeld,
                  has,
                  group.whitelist,
                );
        // On a line judged from where it stands, what the trader traded by hand while away stays
        // theirs while the leader holds the side: only what our orders may have left is judged.
        const hand =
          uncertain && goal === undefined && !on ? (hands.get(contract) ?? this.hand.on(name, contract)) : 0;
        hands.set(contract, hand);
        const byHand = handKept(hand, has - kept, after);
        // An add's step keeps the whole line in `has - kept` (its cap counts it all): what the
        // others hold there is still in it, and is not this contract's part.
        const othersOnLine =
          goal === undefined && !uncertain
            ? heldForOtherContracts(follower, leaderContract, contract, othersHeld, has, group.whitelist) -
              kept
            : 0;
        // A held later fill of a leader order already counted is that same trade.
        const counted = waited !== undefined && waited.orderIds.length > 0;
        const input: DecideInput = {
          gate: {
            groupActive: group.active,
            followerEnabled: follower.enabled,
            connected: true,
            ordersBacklog: deps.book.full(name),
            state: risk.state,
            brokerLocked: risk.brokerLocked ?? false,
            pricesStale: risk.pricesStale,
            whitelist: group.whitelist,
            leaderContract,
            tradesLeft: risk.tradesLeft,
            tradeAlreadyCounted: counted && waited.orderIds.every((id) => deps.counted.has(name, id)),
            window: risk.window,
            hedge: deps.hedge.sides(name, contract),
          },
          sizing: follower.sizing,
          maxContracts: follower.maxContracts,
          account: accountCapOf(follower, () => deps.book.elsewhere(name, contract)),
          leaderBefore: before,
          leaderAfter: after,
          follower: has - kept - byHand,
          othersOnLine,
          keptOnLine: kept + byHand,
          // Judged from where it stands, the line goes by the leader's net on it.
          lineOthers: uncertain
            ? othersByRule(follower, leaderContract, contract, othersHeld, group.whitelist) + byHand
            : undefined,
          firstOpeningFillOfOrder: true,
        };
        let step = settle(mode, input);
        // Our order whose answer was lost still works on the line: it may yet fill, and an opening
        // beside it could double it. Only the exit part goes, as with reconcile "exits".
        if (
          opens(step) &&
          deps.orders.unheardWorking(name, contract, route.session.workingOrders(route.accountId))
        )
          step = reconcileStep("exits", input);
        // A held goal is the whole line's: the line's other contracts take no step of their own.
        const moved = step?.action === "send" ? step.delta : 0;
        line.stepped({
          leaderContract,
          followerContract: contract,
          has: has + moved,
          uncertain,
          whole: goal !== undefined,
        });
        const waits = step?.action === "skip" && WAITS.has(step.reason);
        if (uncertain && !waits) {
          const stop = goal === undefined || opens(step) ? undefined : heldOpeningStop(goal, input);
          if (stop !== undefined) this.unsure.dropped(group.name, name, contract, stop);
          this.unsure.settled(name, contract);
          // Told once a line, at the step that settles it (a shared line's first).
          const told = this.hand.on(name, contract) !== 0;
          const message = told
            ? handWords(name, contract, { has, hand, kept: byHand, moved }, after)
            : undefined;
          const at = deps.clock.now();
          if (message)
            deps.emit({ type: "alert", at, level: "warn", message, follower: name, group: group.name });
          this.hand.settled(name, contract);
        }
        if (on) {
          // Only what the leader did unseen moves its goal; its order goes once that is safe.
          if (step?.action !== "send") continue;
          fillId ??= this.headerId();
          const held = this.meta(group.name, name, fillId, contract, step, leaderContract, before, after);
          deps.exits.hold(held, has + step.delta, step.opening !== 0);
          continue;
        }
        if (!step) {
          // Nothing to send for a line taken from where the follower stands: it has acted on this.
          if (uncertain) deps.acted.set(name, leaderContract, after);
          continue;
        }
        if (step.action === "skip") {
          // Nothing to send by the rule (already flat, rounds to zero, held back): acted on. A
          // missed opening is not: it stays OUT OF SYNC for the trader.
          if (!NOT_MADE_UP.has(step.reason)) deps.acted.set(name, leaderContract, after);
          continue;
        }
        if (step.opening === 0 && (deps.exits.onItsWay(name, contract) || pending)) {
          // What it holds is not settled (an order on its way may yet fill or fail), or an exit of
          // the line is already pending: never sell what it may not hold, never two at once; the
          // pending exit takes this goal and sends the difference once those orders are answered.
          fillId ??= this.headerId();
          const held = this.meta(group.name, name, fillId, contract, step, leaderContract, before, after);
          deps.exits.hold(held, has + step.delta);
          continue;
        }
        fillId ??= this.headerId();
        this.seq += 1;
        const clOrdId = syntheticClOrdId("rc", route.accountId, deps.clock.now(), this.seq);
        const meta = this.meta(group.name, name, fillId, contract, step, leaderContract, before, after);
        deps.acted.set(name, leaderContract, after);
        if (!deps.send(route, meta, step.delta, clOrdId)) {
          deps.acted.set(name, leaderContract, before);
          line.stepped({ leaderContract, followerContract: contract, has, uncertain, whole: false });
          continue;
        }
        // An opening made up is one of the day's trades, as a live one is; one held, its orders'.
        if (step.opening !== 0) {
          deps.opened?.(name, waited?.orderIds);
          openings = true;
        }
        copies.push(sentEvent(deps.clock, meta, step.delta, clOrdId, step.reason));
      }
    }
    if (fillId === undefined) return;
    deps.flush();
    const made = { fillId, cause, ...(openings ? { openings: true as const } : {}) };
    deps.emit(resyncEvent(deps.clock, group, deps.leaders.held(group.leader), made));
    for (const copy of copies) deps.emit(copy);
  }

  private meta(
    group: string,
    follower: string,
    fillId: number,
    contract: string,
    step: { kind: OrderMeta["kind"]; delta: number; opening: number },
    leaderContract: string,
    before: number,
    after: number,
  ): OrderMeta {
    return {
      group,
      follower,
      fillId,
      contract,
      kind: step.kind,
      side: step.delta > 0 ? "Buy" : "Sell",
      startedAt: this.deps.clock.mono(),
      exit: step.opening === 0,
      leaderContract,
      leaderBefore: before,
      leaderAfter: after,
    };
  }

  /** Which of a follower's leader contracts speaks for its line first: moved unseen, then held, then long flat. */
  private rank(follower: string, leader: string, contract: string): number {
    const acted = this.deps.acted.get(follower, contract);
    const now = this.deps.leaders.known(leader, contract) ?? 0;
    if (acted !== now) return 0;
    return now === 0 ? 2 : 1;
  }

  /** The leader's position is known: its login is up and has had a snapshot. */
  private leaderKnown(leader: string, syncing: string): boolean {
    const route = this.deps.accounts.route(leader);
    return (
      route !== undefined &&
      this.reachable(leader, syncing) &&
      this.deps.leaders.isSynced(route.session.connection)
    );
  }

  /**
   * Its login is connected, or it is the one whose snapshot was just applied; and the account was
   * read: one its login could not read is unknown, never flat (a leader so would close every line).
   */
  private reachable(name: string, syncing: string): boolean {
    const route = this.deps.accounts.route(name);
    if (route?.session.unreadable?.(route.accountId) !== undefined) return false;
    return route?.session.connection === syncing || this.deps.accounts.connected(name);
  }

  /** Negative (never a broker fill id) and unique across restarts: the header the corrections sit under. */
  /** A re-sync row's id: negative, so it never meets a broker fill id, and unique in the process. */
  headerId(): number {
    this.seq += 1;
    return -(this.deps.clock.now() * 1000 + (this.seq % 1000));
  }
}

function opens(step: Decision | undefined): boolean {
  return step?.action === "send" && step.opening !== 0;
}
