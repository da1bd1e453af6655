import type { ReconcileMode } from "../../data/schema.js";
import { DEFAULT_MAX_CONTRACTS, RECONCILE_REASON, SKIP_REASONS } from "../types.js";
import { heldByAccount, lineRoom, tighterCap } from "./accountCap.js";
import { classify } from "./classify.js";
import { type DecideInput, type Decision, decide } from "./decide.js";
import { accessGate, exitGate, hedgeGate, openingGate, tradesGate } from "./gates.js";
import { exitPartOfLine } from "./mergedLine.js";
import { expectedPosition } from "./sizing.js";

/**
 * What a re-sync makes up for one follower and contract (issue 18), as a pure function: the leader
 * moved from the position this follower last acted on (`leaderBefore`) to where it is now
 * (`leaderAfter`) while the follower missed it; that difference is applied as ONE step of the copy
 * rules (decide), from the follower's position now.
 *
 * - "exits" (the default): only the exit part goes: a reduce or a close by the rule, the closing
 *   half of a flip (on a line the leader's other contracts share, as far toward the line's new
 *   position as flat). An opening or add is not made up (the follower shows OUT OF SYNC).
 * - "full": the whole step, openings too (their gates still apply).
 * - "off": nothing.
 *
 * A follower already on the side the leader opened or flipped to is in that trade (what it acted
 * on was written a moment too late to the state file before a kill, or it was put there by hand):
 * nothing is sent, and from here its exits follow the leader's. So is a multiplier follower that
 * already holds what the rule gives after an add or a reduce (alreadyStepped).
 *
 * Undefined when there is nothing to look at (off, or the leader is where it was acted on).
 * Whatever is sent carries the reason "reconcile".
 */
export function reconcileStep(mode: ReconcileMode, input: DecideInput): Decision | undefined {
  if (mode === "off" || input.leaderBefore === input.leaderAfter) return undefined;
  const move = classify(input.leaderBefore, input.leaderAfter);
  const onNewSide = input.follower !== 0 && Math.sign(input.follower) === Math.sign(input.leaderAfter);
  if ((move === "open" || move === "flip") && onNewSide)
    return { action: "skip", kind: move, reason: SKIP_REASONS.alreadyInTrade };
  const step = decide({ ...input, firstOpeningFillOfOrder: true });
  if (step.action === "skip") return step;
  if ((move === "add" || move === "reduce") && alreadyStepped(input, move))
    return { action: "skip", kind: move, reason: SKIP_REASONS.alreadyAtRule };
  if (mode === "full" || step.opening === 0) return { ...step, reason: RECONCILE_REASON };
  // The exit part only, judged on the whole line: a flip closes what the follower holds, and on a
  // line the leader's other contracts share its new side nets their part down as far as flat.
  // An opening or add sends nothing.
  const line = input.follower + (input.keptOnLine ?? 0);
  const exit = exitPartOfLine(line, step.delta);
  if (exit !== 0) {
    const kind = closes(line, input.follower, exit) ? "close" : "reduce";
    return { action: "send", kind, delta: exit, opening: 0, reason: RECONCILE_REASON };
  }
  return { action: "skip", kind: step.kind, reason: SKIP_REASONS.openingNotMadeUp };
}

/**
 * A multiplier follower that already holds what the rule gives for the leader's position now took
 * this step before: its copy went, but what it acted on was not on disk yet when mimik was killed.
 * Stepping again from what it holds would sell below the rule (a reduce's fraction of a position
 * already reduced) or buy past it (a second add). A fixed-size follower's size says nothing of the
 * orders it copied, so it is not judged here.
 */
function alreadyStepped(input: DecideInput, move: "add" | "reduce"): boolean {
  const { sizing } = input;
  const has = input.follower - (input.othersOnLine ?? 0);
  if (sizing.mode !== "multiplier" || has === 0) return false;
  const cap = tighterCap(input.maxContracts ?? DEFAULT_MAX_CONTRACTS, input.account);
  const rule = expectedPosition(sizing, input.leaderAfter, cap);
  if (Math.sign(has) !== Math.sign(rule)) return false;
  return move === "reduce" ? has === rule : Math.abs(has) >= Math.abs(rule);
}

/**
 * A line where what the follower acted on may not say where it should go: an order of ours on it
 * was written and its answer lost (the socket closed under it, or the re-sync let it go first), so
 * the broker may or may not have done it; or an exit of it was pending, its failure perhaps a step
 * behind other orders that failed too. Only an exit goes, judged from where the follower stands
 * and where its leader is now: flat when the leader is flat or on the other side; with a
 * multiplier, down to the rule's position for the leader's when it holds more; with fixed sizing,
 * the exit part of the usual step from what it acted on (how many orders' worth it should hold is
 * not the rule's to say). Never an opening: a missed one shows OUT OF SYNC. Undefined when nothing
 * is to be sent.
 */
export function reconcileUncertain(mode: ReconcileMode, input: DecideInput): Decision | undefined {
  if (mode === "off") return undefined;
  const blocked = accessGate(input.gate) ?? exitGate(input.gate);
  if (blocked) return { action: "skip", kind: undefined, reason: blocked };
  const { follower: has, leaderAfter: leader } = input;
  const sameSide = leader !== 0 && Math.sign(leader) === Math.sign(has);
  if (sameSide && input.sizing.mode !== "multiplier") {
    const step = reconcileStep(mode, input);
    return step?.action === "send" && step.opening !== 0 ? undefined : step;
  }
  // Judged on the whole line: on one two leader contracts share (toMicro), the leader's other
  // side in this contract nets the others' part down (ES 1 and MES 1 → −1 put the line at 0),
  // unless a gate would hold that side back as an opening. Toward it, as far as flat.
  const line = has + (input.keptOnLine ?? 0);
  const delta = exitPartOfLine(line, lineByRule(input, sameSide) - line);
  if (delta === 0) return undefined;
  const kind = closes(line, has, delta) ? "close" : "reduce";
  return { action: "send", kind, delta, opening: 0, reason: RECONCILE_REASON };
}

/** An exit that leaves the line flat, or this contract's part of it. */
function closes(line: number, part: number, delta: number): boolean {
  return line + delta === 0 || part + delta === 0;
}

/**
 * Where the rule puts the whole line for the leader now (an exit only goes toward it, so a line
 * holding less than that is left as it is).
 */
function lineByRule(input: DecideInput, sameSide: boolean): number {
  const { leaderAfter: leader, gate } = input;
  const others = input.lineOthers ?? input.keptOnLine ?? 0;
  if (leader === 0) return others;
  if (!sameSide && (openingGate(gate) ?? hedgeGate(gate, Math.sign(leader))) !== undefined) return others;
  return others + expectedPosition(input.sizing, leader, undefined);
}

/** Why a held opening does not go: the leader left its side while it waited. */
export const LEADER_LEFT_SIDE = "the leader no longer holds that side";

/**
 * Why an opening held for the snapshot toward `goal` does not go now, if it does not: the leader
 * has left that side, or a gate holds it back as it would a live one (the trader's switches, the
 * hedge guard, the day's trades; max contracts only caps it). Undefined: it goes.
 */
export function heldOpeningStop(goal: number, input: DecideInput): string | undefined {
  const side = Math.sign(goal);
  // On a line two leader contracts share, the side is the leader's net on it, not one contract's.
  const { leaderAfter: leader, lineOthers = 0 } = input;
  const net = leader === 0 ? lineOthers : lineOthers + expectedPosition(input.sizing, leader, undefined);
  if (side === 0 || side !== Math.sign(net)) return LEADER_LEFT_SIDE;
  return openingGate(input.gate) ?? hedgeGate(input.gate, side) ?? tradesGate(input.gate);
}

/**
 * An uncertain line whose pending exit held a leader step's opening for this snapshot (sized from
 * a position a lost order may have moved, it could have doubled): it goes now, late, the whole way
 * to `goal` (where the copy rule had the follower after that step, capped again) from where the
 * follower stands, whatever the reconcile mode, as it is a copy that waited, not one missed. When
 * it may not go (heldOpeningStop), only the exit goes (reconcileUncertain).
 */
export function reconcileHeld(goal: number) {
  return (mode: ReconcileMode, input: DecideInput): Decision | undefined => {
    if (mode === "off") return undefined;
    const blocked = accessGate(input.gate) ?? exitGate(input.gate);
    if (blocked) return { action: "skip", kind: undefined, reason: blocked };
    if (heldOpeningStop(goal, input) !== undefined) return reconcileUncertain(mode, input);
    const side = Math.sign(goal);
    const has = input.follower;
    // Capped again, by the account cap too (the other lines may hold more now), which never sells.
    const capped = side * Math.min(Math.abs(goal), input.maxContracts ?? DEFAULT_MAX_CONTRACTS);
    const target = heldByAccount(capped, has, lineRoom(input.account));
    const delta = target - has;
    if (delta === 0) return undefined;
    if (Math.sign(delta) !== side)
      return { action: "send", kind: "reduce", delta, opening: 0, reason: RECONCILE_REASON };
    const kind = has === 0 ? "open" : Math.sign(has) === side ? "add" : "flip";
    const opening = kind === "flip" ? target : delta;
    return { action: "send", kind, delta, opening, reason: RECONCILE_REASON };
  };
}
