/**
 * What a follower's fill of its own mirrored order asks of the copier (issue 14), once a fill of
 * the leader order it mirrors has been handled: such a fill can leave the follower holding what
 * the copy rule never asked for. A pure rule; the first row that applies wins:
 *
 * | the mirror's fill                                              | asks for                          |
 * |----------------------------------------------------------------|-----------------------------------|
 * | the leader's fill was copied while this mirror was cancelling   | send back the double, up to held  |
 * | answered it, holds on its side, the leader no longer there      | re-sync: the leader left          |
 * | answered it, holds, owes an exit (fixed sizing)                 | once all that owes it has filled: |
 * |                                                                 | the exit counted, up to held      |
 * | answered it, holds, owes an exit (a multiplier)                 | re-sync from where it stands      |
 * | answered it, holds, what it acted on lags the leader            | re-sync by the usual step         |
 * | was not counted on, and the leader's order is done              | re-sync from where it stands      |
 * | anything else (its fills to come answer the leader's)           | nothing                           |
 *
 * "Holds" is what it holds on the fill's side now, our orders in flight counted: only a fill that
 * left it holding can have left it holding too much.
 */
export type MirrorFillStep =
  | { do: "nothing" }
  /** One exit now: a double sent back, or a fixed-size follower's owed reduce. */
  | { do: "exit"; delta: number; why: "double" | "owed" }
  /** The line re-synced, exits only; `uncertain`: from where the follower stands. */
  | { do: "resync"; why: "leaderLeft" | "leaderReduced" | "uncounted"; uncertain: boolean };

export interface MirrorFillFacts {
  /** +1 for a buy, −1 for a sell. */
  side: number;
  qty: number;
  /** What the follower holds on the fill's side now (0 when flat or on the other side). */
  held: number;
  /** The leader's position in the contract now. */
  leader: number;
  /** Contracts of the leader's fills copied while this mirror was being cancelled, not yet matched. */
  copied: number;
  /** The mirror answered the leader's fills (they were not copied to this follower). */
  answered: boolean;
  /** An exit of the line is owed until this entry fills (MirrorAnswers.acts) … */
  owed: boolean;
  /** … and every entry that owes it has now filled. */
  paid: boolean;
  /** A fixed-size follower's owed exit, counted at the skips (signed); undefined with a multiplier. */
  owedFixed: number | undefined;
  /** What the follower acted on is not the leader's position. */
  actedLags: boolean;
  /** Is the leader's order still open (more of it may fill)? Asked only when a row needs it. */
  leaderOrderOpen: () => boolean;
}

const NOTHING: MirrorFillStep = { do: "nothing" };

export function mirrorFillStep(f: MirrorFillFacts): MirrorFillStep {
  if (f.copied > 0) {
    const back = Math.min(f.qty, f.copied, f.held);
    return back > 0 ? { do: "exit", delta: -f.side * back, why: "double" } : NOTHING;
  }
  if (f.answered) {
    if (f.held === 0) return NOTHING;
    if (Math.sign(f.leader) !== f.side) return { do: "resync", why: "leaderLeft", uncertain: true };
    if (f.owed && f.owedFixed !== undefined) {
      // A copied add since is the follower's own: only what the skipped reduces counted goes.
      const delta = Math.sign(f.owedFixed) * Math.min(Math.abs(f.owedFixed), f.held);
      return f.paid && delta !== 0 ? { do: "exit", delta, why: "owed" } : NOTHING;
    }
    // From where it stands: a copied add since may have moved what it acted on.
    if (f.owed) return { do: "resync", why: "leaderReduced", uncertain: true };
    if (f.actedLags) return { do: "resync", why: "leaderReduced", uncertain: false };
    return NOTHING;
  }
  return f.leaderOrderOpen() ? NOTHING : { do: "resync", why: "uncounted", uncertain: true };
}

/** The causes of what a mirror fill (or a leader order's end) asks, as the re-sync row and alerts say them. */
export const MIRROR_FILL_REASONS = {
  /** The cause of the re-sync that closes a mirrored entry filled after its leader left. */
  leaderLeft: (follower: string) =>
    `${follower}: its mirrored order filled after the leader left that position`,
  leaderReduced: (follower: string) =>
    `${follower}: its mirrored order filled after the leader reduced that position`,
  double: "its mirrored order filled as well as the copy: the double undone",
  /** A fixed-size follower's exit, owed while its mirrored entry had not filled, sent once it has. */
  owed: "its mirrored entry filled after the leader reduced: the reduce made up",
  uncounted: (follower: string) =>
    `${follower}: its mirrored order filled where the copy rule had not counted on it`,
  /** A leader order that ended without filling (cancelled, expired, rejected) while its mirror filled. */
  leaderEnded: (follower: string) =>
    `${follower}: its mirrored order filled, and the leader's order ended without filling as much (cancelled or expired)`,
  refused: (follower: string) =>
    `${follower}: its broker refused the mirrored order that answered the leader's fills`,
} as const;
