import { type Outcome, REFUSALS } from "../outcome.js";
import type { OrderResult, Side } from "../types.js";
import { SKIP_REASONS } from "../types.js";
import { sentEvent, syntheticClOrdId } from "./copyEvents.js";
import { COPY_REASONS } from "./decide.js";
import type { FollowerBook } from "./followerBook.js";
import type { OrderMeta, OrderTracker } from "./orderTracker.js";
import type { CopierDeps } from "./ports.js";
import { planResync } from "./resyncPlan.js";
import type { SyncWatch } from "./syncWatch.js";

export interface ManualResyncDeps extends Pick<CopierDeps, "accounts" | "clock" | "emit" | "gate"> {
  book: Pick<FollowerBook, "full">;
  orders: Pick<OrderTracker, "unheardWorking">;
  /** Every order the copier writes leaves by its one door (cancel before close). */
  send: OrderTracker["send"];
  watch: Pick<SyncWatch, "lines">;
  /** A number for the clOrdId, new at each call. */
  nextSeq(): number;
}

/**
 * The trader's resync (`r`, one follower): send the difference between what the follower has and
 * what the rule expects, per contract. A fix that would open while the follower may not open is
 * held back and said so; one that only reduces always goes.
 */
export async function manualResync(name: string, deps: ManualResyncDeps): Promise<Outcome> {
  const { accounts } = deps;
  const role = accounts.role(name);
  if (role?.kind !== "follower") return { target: name, status: "refused", reason: REFUSALS.notFollower };
  const route = accounts.route(name);
  if (!route || !accounts.connected(name))
    return { target: name, status: "refused", reason: REFUSALS.disconnected };
  const { group, follower } = role;
  const lines = deps.watch.lines(group, follower);
  if (lines.every((line) => line.inSync)) return { target: name, status: "in sync" };
  if (deps.book.full(name)) return { target: name, status: "refused", reason: REFUSALS.ordersBacklog };
  // Its answer was lost, so the position does not count it: a fix beside it could make it twice.
  const working = route.session.workingOrders(route.accountId);
  const unheard = lines.filter((l) => !l.inSync && deps.orders.unheardWorking(name, l.contract, working));
  if (unheard.length > 0) {
    const reason = `${REFUSALS.answerLost} ${unheard.map((l) => l.contract).join(", ")}`;
    return { target: name, status: "refused", reason };
  }
  const risk = deps.gate(name);
  const plan = planResync(lines, risk.state === "ACTIVE" && !risk.brokerLocked && risk.window === undefined);
  const sent: Array<Promise<OrderResult>> = [];
  const startedAt = deps.clock.mono();
  for (const { contract, delta, exit } of plan.send) {
    const clOrdId = syntheticClOrdId("rs", route.accountId, deps.clock.now(), deps.nextSeq());
    const side: Side = delta > 0 ? "Buy" : "Sell";
    const meta: OrderMeta = {
      group: group.name,
      follower: name,
      fillId: 0,
      contract,
      kind: "resync",
      side,
      startedAt,
      exit,
    };
    const result = deps.send(route, meta, delta, clOrdId);
    if (!result) continue;
    sent.push(result);
    deps.emit(sentEvent(deps.clock, meta, delta, clOrdId, COPY_REASONS.resync));
  }
  const results = await Promise.all(sent);
  const failed = results.filter((r) => !r.ok).length;
  if (failed > 0)
    return { target: name, status: "failed", sent: results.length, reason: `${failed} rejected` };
  if (plan.held.length > 0) {
    const why = risk.brokerLocked
      ? SKIP_REASONS.brokerLocked
      : risk.state === "ACTIVE"
        ? (risk.window ?? risk.state)
        : risk.state;
    const held = plan.held.map((contract) => `${contract}: ${why}`).join(", ");
    return {
      target: name,
      status: "refused",
      sent: results.length,
      reason: `${REFUSALS.wouldOpen}: ${held}`,
    };
  }
  return { target: name, status: "resynced", sent: results.length };
}
