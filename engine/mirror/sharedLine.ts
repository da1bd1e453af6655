import type { Follower, Whitelist } from "../../data/schema.js";
import { heldForOtherContracts } from "../copier/mergedLine.js";
import type { AccountRoute } from "../types.js";
import type { Desired } from "./desire.js";

/**
 * A follower line two leader contracts share (toMicro: the leader's ESZ6 and MESZ6 both come to
 * MESZ6) is one position at the broker, and one look at the follower sizes each leader contract's
 * exits in turn. Sized to the whole line each time, the leader's ES stop and its MES stop each
 * became a stop for the whole line: twice the position working, a short when both fill. Each
 * leader contract's exits now share the part of the line the leader's other contracts do not
 * hold by the rule (as a copied exit does), and all of them together never more than the line.
 */
export class SharedLines {
  /** The leader's positions, read at the first line a mapping may share (never without one). */
  private leaderHeld: Map<string, number> | undefined;
  /** Follower contract → exit contracts already given to a leader contract's sets in this look. */
  private readonly given = new Map<string, number>();

  constructor(
    private readonly follower: Pick<Follower, "mapping" | "sizing" | "maxContracts"> | undefined,
    private readonly whitelist: Whitelist,
    private readonly leaderRoute: AccountRoute,
  ) {}

  /** What `leaderContract`'s exits may close of the line's `position` in the follower's `contract`. */
  part(leaderContract: string, contract: string, position: number): number {
    if (this.follower === undefined || this.follower.mapping === "none") return position;
    const { session, accountId } = this.leaderRoute;
    this.leaderHeld ??= new Map(session.positions(accountId).map((p) => [p.contract, p.netPos]));
    const others = heldForOtherContracts(
      this.follower,
      leaderContract,
      contract,
      this.leaderHeld,
      position,
      this.whitelist,
    );
    const left = Math.max(0, Math.abs(position) - (this.given.get(contract) ?? 0));
    return Math.sign(position) * Math.min(Math.abs(position - others), left);
  }

  /** The exits wanted for one leader contract on the line: the next one's part is what is left. */
  gave(contract: string, desired: Desired): void {
    let qty = 0;
    for (const set of desired.sets)
      if (set.role === "exit") qty += Math.max(0, ...set.legs.map((leg) => leg.terms.remaining));
    this.given.set(contract, (this.given.get(contract) ?? 0) + qty);
  }
}
