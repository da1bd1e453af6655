import type { Sizing } from "../../data/schema.js";
import type { CopyKind, SkipReason } from "../types.js";
import { DEFAULT_MAX_CONTRACTS, SKIP_REASONS } from "../types.js";
import {
  type AccountCap,
  accountCappedCopy,
  accountCapReason,
  lineRoom,
  stillAccountCapped,
  tighterCap,
} from "./accountCap.js";
import { classify } from "./classify.js";
import type { GateContext } from "./gates.js";
import { accessGate, exitGate, hedgeGate, openingGate, tradesGate } from "./gates.js";
import { capOpening, expectedPosition, openingSize, positionAfterReduce } from "./sizing.js";

/** Reason words for copies that were sent (skips use SKIP_REASONS). */
export const COPY_REASONS = {
  copied: "copied",
  capped: "copied, capped by max contracts",
  defaultCapped: `copied, capped at the default ${DEFAULT_MAX_CONTRACTS} contracts`,
  resync: "resync",
  /** Issue 14: the follower's own mirrored exit closes part of the step; the rest is copied. */
  beyondMirror: "copied what its own mirrored order does not close",
} as const;

/** How a flip's copy that only closes begins its reason; the gate's reason follows. */
export const CLOSE_ONLY = "copied close only, opening held back: ";

/** A flip whose opening half a gate held back still closes: the reason says so. */
export function closeOnlyReason(held: SkipReason): string {
  return `${CLOSE_ONLY}${held}`;
}

export interface DecideInput {
  gate: GateContext;
  sizing: Sizing;
  /** The follower's position cap; unset, DEFAULT_MAX_CONTRACTS caps it instead. */
  maxContracts?: number | undefined;
  /** The follower's `limits.maxOpenContracts` and what its account's other lines hold. */
  account?: AccountCap | undefined;
  leaderBefore: number;
  leaderAfter: number;
  /** Follower's position in the mapped contract: broker-reported plus what is in flight. */
  follower: number;
  /**
   * Of `follower`, what the leader's other contracts hold on a line they share with this one
   * (toMicro): an opening's cap counts the whole line, but a re-sync's 'already stepped' judges
   * this contract's part alone.
   */
  othersOnLine?: number | undefined;
  /**
   * What the line keeps for the leader's other contracts when this step takes some of it away,
   * left out of `follower`: a flip's opening half lands beside it, so its cap counts it too.
   */
  keptOnLine?: number | undefined;
  /**
   * A line judged from where it stands (a re-sync after a lost answer): what it should hold
   * besides this contract's part, the rule's for the leader's other contracts on it now (either
   * side) and trades by hand it keeps. The line is judged by the leader's net on it.
   */
  lineOthers?: number | undefined;
  /** Fixed sizing: no earlier fill of this leader order was an opening. */
  firstOpeningFillOfOrder: boolean;
}

export type Decision =
  | {
      action: "send";
      kind: CopyKind;
      /** Signed contracts to trade (Buy when > 0). */
      delta: number;
      /** The part of delta that opens exposure (counts as a trade); 0 for exits. */
      opening: number;
      reason: string;
    }
  | { action: "skip"; kind: CopyKind | undefined; reason: SkipReason };

/**
 * The whole copy rule for one follower and one leader fill (design.md §2), as a pure function.
 * Gate order: connection up → orders backlog (these stop every copy) → a flatten under way (exits:
 * the flatten closes them; openings: "liquidate only" below) → group active → follower
 * enabled → lock/LIQUIDATE_ONLY → trading window → whitelist → hedge guard → max contracts (or the
 * default cap) → the account's max open contracts → max trades per day; from the group's switch on they stop openings only, never
 * exits (issue 18: a pause or a disable stops new exposure, and the close of what the follower
 * holds still follows).
 */
export function decide(input: DecideInput): Decision {
  const { gate, sizing, maxContracts, leaderBefore: before, leaderAfter: after, follower } = input;
  const move = classify(before, after);
  if (move === undefined) return { action: "skip", kind: undefined, reason: SKIP_REASONS.roundsToZero };
  const blocked = accessGate(gate) ?? (move === "open" || move === "add" ? undefined : exitGate(gate));
  if (blocked) return { action: "skip", kind: move, reason: blocked };

  switch (move) {
    case "open":
    case "add": {
      const held = openingGate(gate) ?? hedgeGate(gate, Math.sign(after));
      if (held) return { action: "skip", kind: move, reason: held };
      const size = openingSize(sizing, before, after, input.firstOpeningFillOfOrder);
      if (size === 0) {
        const reason = sizing.mode === "fixed" ? SKIP_REASONS.fixedLaterFill : SKIP_REASONS.roundsToZero;
        return { action: "skip", kind: move, reason };
      }
      const byLine = capOpening(follower, size, maxContracts ?? DEFAULT_MAX_CONTRACTS);
      const capped = capOpening(follower, byLine, lineRoom(input.account));
      if (capped === 0) return { action: "skip", kind: move, reason: capReason(maxContracts, byLine, input) };
      const trades = tradesGate(gate);
      if (trades) return { action: "skip", kind: move, reason: trades };
      const reason =
        capped === size
          ? COPY_REASONS.copied
          : capped !== byLine && input.account
            ? accountCappedCopy(input.account.cap)
            : maxContracts === undefined
              ? COPY_REASONS.defaultCapped
              : COPY_REASONS.capped;
      return { action: "send", kind: move, delta: capped, opening: capped, reason };
    }
    case "reduce": {
      if (follower === 0) return { action: "skip", kind: move, reason: SKIP_REASONS.alreadyFlat };
      // Held at what the account cap leaves the line, it is judged as one held at its own cap.
      const lineCap = maxContracts ?? DEFAULT_MAX_CONTRACTS;
      const cap = tighterCap(lineCap, input.account);
      const delta = positionAfterReduce(sizing, follower, before, after, cap) - follower;
      if (delta === 0) {
        // At its cap with the rule giving the cap or more: not a rounding, and the trader should
        // read why a follower at 4 kept 4 when its leader sold.
        const capped =
          Math.abs(follower) === cap && Math.abs(expectedPosition(sizing, after, undefined)) >= cap;
        const byAccount = capped && cap < lineCap && input.account !== undefined;
        const reason = !capped
          ? SKIP_REASONS.roundsToZero
          : byAccount
            ? stillAccountCapped(input.account?.cap ?? cap)
            : SKIP_REASONS.stillCapped;
        return { action: "skip", kind: move, reason };
      }
      return { action: "send", kind: move, delta, opening: 0, reason: COPY_REASONS.copied };
    }
    case "close": {
      if (follower === 0) return { action: "skip", kind: move, reason: SKIP_REASONS.alreadyFlat };
      return { action: "send", kind: move, delta: -follower, opening: 0, reason: COPY_REASONS.copied };
    }
    case "flip":
      return decideFlip(input);
  }
}

/** One crossing order: close |F| and open the new side sized as an opening of |L_after|. */
function decideFlip(input: DecideInput): Decision {
  const { gate, sizing, maxContracts, leaderAfter: after, follower } = input;
  let held: SkipReason | undefined = openingGate(gate) ?? hedgeGate(gate, Math.sign(after));
  let opening = 0;
  let cut: string | undefined;
  if (!held) {
    const size = openingSize(sizing, 0, after, input.firstOpeningFillOfOrder);
    if (size === 0) held = sizing.mode === "fixed" ? SKIP_REASONS.fixedLaterFill : SKIP_REASONS.roundsToZero;
    else {
      // The close half leaves this contract's part flat first: the cap counts the new side and
      // what the line keeps for the leader's other contracts (toMicro), nothing else.
      const byLine = capOpening(input.keptOnLine ?? 0, size, maxContracts ?? DEFAULT_MAX_CONTRACTS);
      opening = capOpening(input.keptOnLine ?? 0, byLine, lineRoom(input.account));
      held = opening === 0 ? capReason(maxContracts, byLine, input) : tradesGate(gate);
      if (held) opening = 0;
      else if (opening !== byLine && input.account) cut = accountCappedCopy(input.account.cap);
    }
  }
  const delta = -follower + opening;
  if (delta === 0) {
    const reason = held ?? (follower === 0 ? SKIP_REASONS.alreadyFlat : SKIP_REASONS.roundsToZero);
    return { action: "skip", kind: "flip", reason };
  }
  if (opening === 0) {
    const reason = closeOnlyReason(held ?? capReason(maxContracts, 0, input));
    return { action: "send", kind: "close", delta, opening: 0, reason };
  }
  return { action: "send", kind: "flip", delta, opening, reason: cut ?? COPY_REASONS.copied };
}

/** Which cap held an opening back: the line's own when it left nothing (`byLine` 0), else the account's. */
function capReason(maxContracts: number | undefined, byLine: number, input: DecideInput): SkipReason {
  if (byLine !== 0 && input.account) return accountCapReason(input.account.cap);
  return maxContracts === undefined ? SKIP_REASONS.defaultCap : SKIP_REASONS.maxContracts;
}
