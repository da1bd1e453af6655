import type { OrderResult } from "../types.js";

/** Fixed words the mirror puts in the journal and on screen (engine/events.ts has the copier's). */
export const MIRROR_REASONS = {
  protects: "protects the position at the leader's prices",
  exit: "mirrors the leader's exit",
  bracket: "bracket of the follower's filled entry",
  entry: "mirrors the leader's entry",
  moved: "the leader changed it",
  follows: "follows the follower's position",
  gone: "the leader's order is gone",
  replaced: "replaced by the leader's new set of orders",
  shrinkRefused:
    "the broker refused to make it smaller than the position it closes: cancelled, to be placed anew at size",
  cancelBeforeExit: "cancelled before the follower's exit",
  lateExit: "the leader's exit filled and this one did not: sent to market",
  lateEntryMarket: "the leader's entry filled and this one did not: sent to market",
  lateEntryCancel: "the leader's entry filled and this one did not: cancelled",
  leaderLeft: "the leader no longer holds that position",
  noPosition: "no position to close",
  otherSide: "the follower's position is on the other side",
  covered: "the position's exits already cover it",
  waitingPartner: "waiting a second for its other leg",
  /** Pending at the leader's broker: ProjectX's bracket legs until their entry fills, a new order. */
  notWorkingYet: "not working at the leader's broker yet (a bracket leg waits for its entry)",
  legWithoutPosition: "an exit of the leader's with no position to close: never mirrored as an opening",
  roundsToZero: "rounds to zero",
  modeOff: "the group does not mirror working orders",
  notFollower: "the account is no longer a follower: nothing ties it to a leader's order",
  shadowNow: "a shadow follower now: mimik sends and manages nothing on it",
  answerLost: "waiting for the follower's next snapshot: an earlier placement's answer was lost",
  notMirroredType: (type: string) => `${type} orders are not mirrored`,
  trailUnknown: "its broker does not say the trailing stop's distance: not mirrored",
  rejected: (why: string) => `rejected: ${why}`,
  /** Taken, then refused in the command's report while the order works on: asked again (cancelRefusals.ts). */
  cancelRefused: (why: string, againMs: number) =>
    `cancel rejected: ${why}; the order still works, asked again in ${againMs / 1000} s (the exit waits for it)`,
  cancelAgain: "its cancel was refused while it works: asked again",
  /** Its order stays at the terms it had: the same modify is asked again only after a while. */
  modifyRefused: (why: string) => `modify rejected: ${why}; the follower's order stays as it was for now`,
  /** Refused so many times: not asked again until the leader moves its order (modifies.ts). */
  modifyGivenUp: (why: string, times: number) =>
    `modify rejected ${times} times: ${why}; not asked again until the leader moves its order`,
} as const;

/** The broker's word on a request it refused (its reason, and its text when it says one). */
export function refusalText(r: OrderResult): string {
  if (r.ok) return "accepted";
  return r.failureText ? `${r.failureReason}: ${r.failureText}` : r.failureReason;
}
