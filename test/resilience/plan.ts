import { seededRandom } from "../../engine/sim/random.js";
import { FOLLOWERS } from "./fleet.js";

/** What a seeded run does, decided up front so a failing seed can be read and replayed. */
export type Step =
  | { kind: "trade"; symbol: string; action: "Buy" | "Sell"; qty: number; gapMs: number }
  | { kind: "followerDrop" }
  | { kind: "leaderDrop" }
  | { kind: "duplicate"; on: boolean }
  | { kind: "reorder"; on: boolean }
  | { kind: "reject"; on: boolean; mode: "reply" | "event" }
  | { kind: "slow"; on: boolean }
  | { kind: "penalty"; count: number }
  | { kind: "rateLimit" }
  | { kind: "expireTokens" }
  | { kind: "crash" }
  | { kind: "partialFills"; on: boolean; depth: number }
  | { kind: "eventsFirst"; on: boolean }
  | { kind: "liquidationOnly"; on: boolean; account: string }
  | { kind: "fees"; fee: number }
  /** `pick` in [0, 1) chooses among the leader's fills at that moment. */
  | { kind: "bust"; pick: number }
  /** Another login of a user takes mimik's session (the trader's own Tradovate windows). */
  | { kind: "superseded"; login: "flaky" | "lead" }
  /** Penalty tickets too long for an order to wait for: the orders they hit fail with "penalty". */
  | { kind: "orderPenalty"; count: number };

export type FaultKind = Exclude<Step["kind"], "trade">;

/** Followers that may be put in liquidation-only mode (REJECT01 has its own fault). */
export const LIQUIDATION_ONLY_CANDIDATES = FOLLOWERS.filter((f) => f.account.startsWith("STEADY")).map(
  (f) => f.account,
);

/** A burst of 40-70 leader trades with faults dropped in at random points. */
export function planFor(seed: number): Step[] {
  const rnd = seededRandom(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const trades = 40 + pick(31);
  const steps: Step[] = [];
  const position = new Map<string, number>();
  for (let i = 0; i < trades; i++) {
    const symbol = rnd() < 0.8 ? "ESZ6" : "NQZ6";
    const pos = position.get(symbol) ?? 0;
    // Lean back towards flat so positions stay small and every kind of move happens.
    const action = pos > 4 ? "Sell" : pos < -4 ? "Buy" : rnd() < 0.5 ? "Buy" : "Sell";
    const qty = 1 + pick(3);
    position.set(symbol, pos + (action === "Buy" ? qty : -qty));
    steps.push({ kind: "trade", symbol, action, qty, gapMs: rnd() < 0.3 ? 0 : pick(40) });
  }
  const at = (step: Step, from = 0, to = steps.length) => {
    steps.splice(from + pick(Math.max(1, to - from)), 0, step);
  };
  const window = (on: Step, off: Step) => {
    const a = pick(steps.length);
    const b = a + 1 + pick(Math.max(1, steps.length - a - 1));
    steps.splice(b, 0, off);
    steps.splice(a, 0, on);
  };
  // Always: a slow follower for most of the burst, rejects on one follower, follower drops.
  window({ kind: "slow", on: true }, { kind: "slow", on: false });
  const mode = rnd() < 0.5 ? "reply" : "event";
  window({ kind: "reject", on: true, mode }, { kind: "reject", on: false, mode });
  for (let i = 0, n = 1 + pick(2); i < n; i++) at({ kind: "followerDrop" });
  // Most runs: duplicated and reordered events, penalty tickets, token expiry.
  if (rnd() < 0.8) window({ kind: "duplicate", on: true }, { kind: "duplicate", on: false });
  if (rnd() < 0.8) window({ kind: "reorder", on: true }, { kind: "reorder", on: false });
  if (rnd() < 0.6) at({ kind: "penalty", count: 1 + pick(2) });
  if (rnd() < 0.6) at({ kind: "expireTokens" });
  // Some runs: the ones that leave every follower to a resync (leader drop, crash, 429).
  if (rnd() < 0.35) at({ kind: "leaderDrop" });
  if (rnd() < 0.35) at({ kind: "crash" });
  if (rnd() < 0.3) at({ kind: "rateLimit" });
  // The venue's own faults: a shallow book (every order fills in pieces), events ahead of their
  // replies, a follower in liquidation-only mode, a change of fees, a busted leader fill.
  if (rnd() < 0.6) {
    const depth = 1 + pick(2);
    window({ kind: "partialFills", on: true, depth }, { kind: "partialFills", on: false, depth });
  }
  if (rnd() < 0.6) window({ kind: "eventsFirst", on: true }, { kind: "eventsFirst", on: false });
  if (rnd() < 0.5) {
    const account = LIQUIDATION_ONLY_CANDIDATES[pick(LIQUIDATION_ONLY_CANDIDATES.length)]!;
    window({ kind: "liquidationOnly", on: true, account }, { kind: "liquidationOnly", on: false, account });
  }
  if (rnd() < 0.5) at({ kind: "fees", fee: pick(19) * 0.25 });
  // After the first half, so there are leader fills to bust.
  if (rnd() < 0.35) at({ kind: "bust", pick: rnd() }, Math.floor(steps.length / 2));
  // Issue 12's faults come from a stream of their own, so the steps above stay as they were.
  const more = seededRandom(seed ^ 0xfa17);
  const place = (step: Step) => steps.splice(Math.floor(more() * steps.length), 0, step);
  place({ kind: "superseded", login: more() < 0.7 ? "flaky" : "lead" });
  place({ kind: "orderPenalty", count: 1 + Math.floor(more() * 3) });
  return steps;
}

/** RESILIENCE_FAULTS=slow,reorder keeps only those faults (to narrow down a failing seed). */
export function onlyFaults(steps: Step[], env: NodeJS.ProcessEnv): Step[] {
  const only = env.RESILIENCE_FAULTS?.split(",").map((s) => s.trim());
  if (!only) return steps;
  return steps.filter((s) => s.kind === "trade" || only.includes(s.kind));
}
