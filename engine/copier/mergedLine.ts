import type { Follower, Whitelist } from "../../data/schema.js";
import { mapContract } from "../symbols.js";
import { whitelisted } from "./gates.js";
import { expectedPosition } from "./sizing.js";

/**
 * What a follower's line keeps for the leader's other contracts when a step in `leaderContract`
 * takes some of it away. A mapping can bring two leader contracts to one follower contract (ESZ6
 * and MESZ6 both to MESZ6 with toMicro): the line then holds a part for each, and an exit of one
 * (the leader's MES scalp closing, even one the whitelist never let open) must not close what the
 * follower holds for the other. Each other contract the leader still holds keeps what the rule
 * gives it, at most what the line holds on its side: when the leader is flat in all of them the
 * line's last close takes everything, so this never leaves an orphan. Openings are unaffected.
 */
export function keptForOtherContracts(
  follower: Pick<Follower, "mapping" | "sizing" | "maxContracts">,
  step: { leaderContract: string; before: number; after: number; followerContract: string },
  leaderHeld: ReadonlyMap<string, number>,
  line: number,
  whitelist?: Whitelist,
): number {
  if (!takesAway(step.before, step.after)) return 0;
  return heldForOtherContracts(
    follower,
    step.leaderContract,
    step.followerContract,
    leaderHeld,
    line,
    whitelist,
  );
}

/**
 * The part of a follower's line that the leader's other contracts on it (those `leaderContract`
 * shares the line with) hold by the rule now, at most what the line holds on its side, whatever
 * step `leaderContract` takes: a re-sync judging one leader contract from where the line stands
 * judges it from the rest.
 */
export function heldForOtherContracts(
  follower: Pick<Follower, "mapping" | "sizing" | "maxContracts">,
  leaderContract: string,
  followerContract: string,
  leaderHeld: ReadonlyMap<string, number>,
  line: number,
  whitelist?: Whitelist,
): number {
  if (follower.mapping === "none" || line === 0) return 0;
  return partOfLine(othersByRule(follower, leaderContract, followerContract, leaderHeld, whitelist), line);
}

/** What the rule gives the leader's other contracts on the line, however much the line holds. */
export function othersByRule(
  follower: Pick<Follower, "mapping" | "sizing" | "maxContracts">,
  leaderContract: string,
  followerContract: string,
  leaderHeld: ReadonlyMap<string, number>,
  whitelist?: Whitelist,
): number {
  if (follower.mapping === "none") return 0;
  let others = 0;
  for (const [contract, position] of leaderHeld) {
    if (position === 0 || contract === leaderContract) continue;
    // One the whitelist holds back was never copied: the line holds nothing for it.
    if (whitelist !== undefined && !whitelisted(whitelist, contract)) continue;
    if (mapContract(contract, follower.mapping) !== followerContract) continue;
    others += expectedPosition(follower.sizing, position, follower.maxContracts);
  }
  return others;
}

/** Of `others`, what a line at `line` holds for them: on its side, and no more than it holds. */
export function partOfLine(others: number, line: number): number {
  if (Math.sign(others) !== Math.sign(line)) return 0;
  return Math.sign(line) * Math.min(Math.abs(others), Math.abs(line));
}

/**
 * Of a step that moves a follower's line at `line` by `delta`, the part that only takes exposure
 * away: toward flat, never past it. On a line the leader's other contracts share (toMicro) a flip's
 * new side lands beside their part, so some or all of that "opening" nets the line down: the
 * leader's ES 1 and MES 2 → −2 put the line at 1 − 2 = −1, and what a re-sync in exits mode may
 * send is the whole way to flat, not just the MES part's close (that left it long 1).
 */
export function exitPartOfLine(line: number, delta: number): number {
  if (line === 0 || Math.sign(delta) === Math.sign(line)) return 0;
  return Math.sign(delta) * Math.min(Math.abs(delta), Math.abs(line));
}

/** A reduce, a close or a flip: a step that takes some of the leader's position away. */
export function takesAway(before: number, after: number): boolean {
  return before !== 0 && (Math.sign(after) !== Math.sign(before) || Math.abs(after) < Math.abs(before));
}

/**
 * One re-sync's steps of a follower's lines, where two leader contracts may share one (toMicro).
 * Each leader contract on a line steps its own part in turn, from where the earlier steps took
 * the line; the parts it keeps for the others are what the line holds for them: as acted on,
 * until they have stepped, then as the leader holds them now. Judged one contract per line, a
 * re-sync that missed the leader's ES close and MES cut left the line holding the MES it had
 * cut, and the next re-sync, judging MES from its stale acted-on position, sold what the leader
 * still held.
 */
export class SharedLineSteps {
  private readonly lines = new Map<string, { has: number; uncertain: boolean; whole: boolean }>();
  private readonly done = new Set<string>();

  constructor(
    private readonly follower: Pick<Follower, "mapping">,
    private readonly leaderContracts: readonly string[],
    private readonly actedOn: (leaderContract: string) => number,
  ) {}

  /** A line a held goal settled whole: its other contracts take no step. */
  settled(followerContract: string): boolean {
    return this.lines.get(followerContract)?.whole === true;
  }

  /** Where this re-sync's earlier steps took the line; undefined before its first. */
  has(followerContract: string): number | undefined {
    return this.lines.get(followerContract)?.has;
  }

  /** Whether the line is judged from where it stands: decided at its first step, for all of it. */
  uncertain(followerContract: string, now: boolean): boolean {
    return this.lines.get(followerContract)?.uncertain ?? now;
  }

  /** The leader positions the line's parts stand for now: acted on for those yet to step. */
  othersHeld(leaderHeld: ReadonlyMap<string, number>): ReadonlyMap<string, number> {
    if (this.follower.mapping === "none") return leaderHeld;
    const held = new Map(leaderHeld);
    for (const c of this.leaderContracts) if (!this.done.has(c)) held.set(c, this.actedOn(c));
    return held;
  }

  /** `leaderContract` took its step: the line is at `has`; `whole`: a held goal settled all of it. */
  stepped(step: {
    leaderContract: string;
    followerContract: string;
    has: number;
    uncertain: boolean;
    whole: boolean;
  }): void {
    this.done.add(step.leaderContract);
    this.lines.set(step.followerContract, { has: step.has, uncertain: step.uncertain, whole: step.whole });
  }
}
