import type { Follower, Group } from "../../data/schema.js";
import { type Outcome, REFUSALS } from "../outcome.js";
import { mapContract } from "../symbols.js";
import type { OrderResult, Side } from "../types.js";
import type { ActedOn } from "./actedOn.js";
import { resyncEvent, sentEvent, syntheticClOrdId } from "./copyEvents.js";
import { COPY_REASONS } from "./decide.js";
import type { FollowerBook } from "./followerBook.js";
import { exitGate } from "./gates.js";
import type { HedgeIndex } from "./hedgeIndex.js";
import type { LeaderBook } from "./leaderBook.js";
import type { OrderMeta, OrderTracker } from "./orderTracker.js";
import type { CopierDeps } from "./ports.js";
import { planResync, type ResyncPlan } from "./resyncPlan.js";
import { asideReason } from "./standing.js";
import type { SyncWatch } from "./syncWatch.js";

export interface ManualResyncDeps
  extends Pick<CopierDeps, "accounts" | "clock" | "emit" | "gate" | "onOpeningCopied"> {
  book: Pick<FollowerBook, "full" | "elsewhere">;
  orders: Pick<OrderTracker, "unheardWorking" | "unsettled">;
  /** Every order the copier writes leaves by its one door (cancel before close). */
  send: OrderTracker["send"];
  /** Its lines, and each announced again once what is sent for it is in flight (the screen's forecast). */
  watch: Pick<SyncWatch, "lines" | "changed">;
  leaders: Pick<LeaderBook, "held">;
  acted: Pick<ActedOn, "seed" | "set">;
  /** What other followers of its firm hold: the hedge guard judges a resync's opening too. */
  hedge: Pick<HedgeIndex, "sides">;
  /** A number for the clOrdId, new at each call. */
  nextSeq(): number;
  /** The id of the row its orders are listed under, as a re-sync's (Reconciler.headerId). */
  headerId(): number;
}

/**
 * The trader's resync (`r`, one follower): send the difference between what the follower has and
 * what the rule expects, per contract. A fix that would open passes the copy path's opening gates
 * (the hedge guard and trades per day included; sent, it counts as a trade), and one held back is
 * said so, in the outcome and an alert; what only reduces always goes. A line sent or found at the rule
 * counts as acted on at the leader's position now, as a copy would: a re-sync then makes up the
 * leader's exits from there.
 */
export async function manualResync(name: string, deps: ManualResyncDeps): Promise<Outcome> {
  const { accounts } = deps;
  const role = accounts.role(name);
  if (role?.kind !== "follower") return { target: name, status: "refused", reason: REFUSALS.notFollower };
  const route = accounts.route(name);
  if (!route || !accounts.connected(name))
    return { target: name, status: "refused", reason: REFUSALS.disconnected };
  const { group, follower } = role;
  // What the rule expects comes from the leader's positions, last known while its login is away:
  // a fix from them could open what the leader has since closed, to be closed again at its re-sync.
  if (!accounts.route(group.leader) || !accounts.connected(group.leader))
    return {
      target: name,
      status: "refused",
      reason: `${REFUSALS.leaderDisconnected} (${group.leader}): what the rule expects is not known until it is back`,
    };
  const lines = deps.watch.lines(group, follower);
  // Locked, off or paused, it follows exits only (its lines say so): marked as acted on at the
  // leader's position, it would have its next exit made up from a position it never took.
  const aside = asideReason(deps, group, follower);
  if (aside && lines.every((line) => line.inSync))
    return { target: name, status: "refused", reason: `${aside}: ${REFUSALS.standsAside}` };
  if (lines.every((line) => line.inSync)) {
    for (const line of lines) actedOn(deps, group, follower, line.contract);
    return { target: name, status: "in sync" };
  }
  if (deps.book.full(name)) return { target: name, status: "refused", reason: REFUSALS.ordersBacklog };
  // Its answer was lost, so the position does not count it: a fix beside it could make it twice.
  const working = route.session.workingOrders(route.accountId);
  const unheard = lines.filter((l) => !l.inSync && deps.orders.unheardWorking(name, l.contract, working));
  if (unheard.length > 0) {
    const reason = `${REFUSALS.answerLost} ${unheard.map((l) => l.contract).join(", ")}`;
    return { target: name, status: "refused", reason };
  }
  // One that may have filled unheard: the position is stale until the account's next snapshot.
  const unsettled = lines.filter((l) => !l.inSync && deps.orders.unsettled(name, l.contract));
  if (unsettled.length > 0) {
    const reason = `${REFUSALS.answerUnsettled} ${unsettled.map((l) => l.contract).join(", ")}`;
    return { target: name, status: "refused", reason };
  }
  const risk = deps.gate(name);
  // The flatten closes everything: a fix beside its liquidation could sell what it sold.
  const flattening = exitGate(risk);
  if (flattening) return { target: name, status: "refused", reason: flattening };
  const plan = planResync(lines, {
    context: {
      ...{ groupActive: group.active, followerEnabled: follower.enabled, connected: true },
      ...{ state: risk.state, brokerLocked: risk.brokerLocked ?? false, pricesStale: risk.pricesStale },
      ...{ window: risk.window, tradesLeft: risk.tradesLeft },
    },
    hedge: (contract) => deps.hedge.sides(name, contract),
    account: accountNow(follower, () => deps.book.elsewhere(name)),
  });
  const sent: Array<Promise<OrderResult>> = [];
  const startedAt = deps.clock.mono();
  const fillId = plan.send.length > 0 ? header(deps, name, group) : 0;
  for (const { contract, delta, exit, opens } of plan.send) {
    const clOrdId = syntheticClOrdId("rs", route.accountId, deps.clock.now(), deps.nextSeq());
    const side: Side = delta > 0 ? "Buy" : "Sell";
    const meta: OrderMeta = {
      group: group.name,
      follower: name,
      fillId,
      contract,
      kind: "resync",
      side,
      startedAt,
      exit,
    };
    const result = deps.send(route, meta, delta, clOrdId);
    if (!result) continue;
    actedOn(deps, group, follower, contract);
    if (opens) deps.onOpeningCopied?.(name);
    sent.push(result);
    deps.emit(sentEvent(deps.clock, meta, delta, clOrdId, COPY_REASONS.resync));
    deps.watch.changed(name, contract);
  }
  for (const line of lines) if (line.inSync) actedOn(deps, group, follower, line.contract);
  const results = await Promise.all(sent);
  const failed = results.filter((r) => !r.ok).length;
  const refused = plan.held.length > 0 ? heldBack(deps, name, group, plan.held, results.length) : undefined;
  if (failed > 0)
    return { target: name, status: "failed", sent: results.length, reason: `${failed} rejected` };
  if (refused) return refused;
  return { target: name, status: "resynced", sent: results.length };
}

/** The account cap and what the account counts on all its lines now; undefined without a cap. */
function accountNow(follower: Follower, open: () => number): { cap: number; open: number } | undefined {
  const cap = follower.limits?.maxOpenContracts;
  return cap === undefined ? undefined : { cap, open: open() };
}

/** Openings a gate held back: the trader is told which and why, now and in the alerts. */
function heldBack(
  deps: ManualResyncDeps,
  name: string,
  group: Group,
  held: ResyncPlan["held"],
  sent: number,
): Outcome {
  const why = held.map((h) => `${h.contract}: ${h.reason}`).join(", ");
  deps.emit({
    type: "alert",
    at: deps.clock.now(),
    level: "warn",
    message: `${name}: resync refused to open ${why}${sent > 0 ? ` (only what reduces was sent)` : ""}`,
    follower: name,
    group: group.name,
  });
  return { target: name, status: "refused", sent, reason: `${REFUSALS.wouldOpen}: ${why}` };
}

/** The follower stands where the rule puts it for the leader's position now, in this contract. */
function actedOn(deps: ManualResyncDeps, group: Group, follower: Follower, contract: string): void {
  const held = deps.leaders.held(group.leader);
  deps.acted.seed(follower.account, group.leader, held);
  for (const [leaderContract, position] of held)
    if (mapContract(leaderContract, follower.mapping) === contract)
      deps.acted.set(follower.account, leaderContract, position);
}

/** The row a resync's orders are listed under (the fills pane, the journal), as a re-sync's are. */
function header(deps: ManualResyncDeps, name: string, group: Group): number {
  const fillId = deps.headerId();
  const at = { fillId, cause: `${name} resynced by hand`, byHand: true } as const;
  deps.emit(resyncEvent(deps.clock, group, deps.leaders.held(group.leader), at));
  return fillId;
}
