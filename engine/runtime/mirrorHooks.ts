import type { Copier, CopierDeps } from "../copier/copier.js";
import type { Mirror, MirrorDeps } from "../mirror/mirror.js";

type Hooks = Pick<CopierDeps, "covers" | "mirrorCancelling" | "mirrorCancels" | "mirrorSize" | "beforeExit">;

/**
 * What the copier asks of the mirror (issue 14): does a follower's own order answer a leader
 * order's fills, how much, is one being cancelled (an exit beside it could fill twice), and cancel
 * before close. Read through `mirror()`: the mirror is made after the copier.
 */
export function mirrorHooks(mirror: () => Mirror): Hooks {
  return {
    covers: (follower, leaderOrderId) => mirror().covers(follower, leaderOrderId),
    mirrorCancelling: (follower, leaderOrderId) => mirror().cancelling(follower, leaderOrderId),
    mirrorCancels: (follower, contract, side) => mirror().cancellingOn(follower, contract, side),
    mirrorSize: (follower, leaderOrderId) => mirror().sizeOf(follower, leaderOrderId),
    beforeExit: (follower, contract, answering) => mirror().beforeExit(follower, contract, answering),
  };
}

/**
 * What the mirror tells the copier: a follower's broker refused a mirror (what it answered is made
 * up), and a mirror being cancelled is heard finished (an exit may wait for it; a mirror beyond its
 * leader's ended order is settled then).
 */
export function copierHooks(copier: Copier): Pick<MirrorDeps, "onRefused" | "cancelEnded"> {
  return {
    onRefused: (follower, leaderOrderId, contract) =>
      copier.answers.refused(follower, leaderOrderId, contract),
    cancelEnded: (follower, contract) => {
      copier.exits.changed(follower, contract);
      copier.answers.mirrorEnded(follower, contract);
    },
  };
}
