import type { HistoryFillEvent, SyncEvent } from "../types.js";
import { partOfLine } from "./mergedLine.js";
import type { CopierAccounts } from "./ports.js";

/** An order mimik wrote: a copy, a re-sync's or a retry's (`mk-`), a mirrored order (`mm-`). */
export function ours(clOrdId: string | undefined): boolean {
  return clOrdId !== undefined && (clOrdId.startsWith("mk-") || clOrdId.startsWith("mm-"));
}

/**
 * Of a line at `has`, the part the trades made by hand keep at a re-sync: all of `hand` on the
 * line's side, at most what it holds, while the leader holds that side too; none once the leader
 * is flat or across (design: trades by hand "change F, so the next close on that contract
 * flattens them too").
 */
export function handKept(hand: number, has: number, leaderAfter: number): number {
  if (hand === 0 || leaderAfter === 0 || Math.sign(leaderAfter) !== Math.sign(has)) return 0;
  return partOfLine(hand, has);
}

/**
 * What the trader is told when the line holds trades made by hand: what the re-sync found, what it
 * did with them, and why. `has`: the line's part for this leader contract before the step; `kept`:
 * handKept; `moved`: what was sent. Undefined when the line holds none of them (a trade by hand
 * that reduced the line is only what the follower holds now: nothing is made up for it).
 */
export function handWords(
  follower: string,
  contract: string,
  line: { has: number; hand: number; kept: number; moved: number },
  leaderAfter: number,
): string | undefined {
  const { has, hand, kept, moved } = line;
  if (partOfLine(hand, has) === 0) return undefined;
  const found = `${follower}: ${contract} held ${signed(has)} at its re-sync, ${signed(hand)} of them traded by hand while mimik was away`;
  const did = moved === 0 ? "nothing" : `${moved < 0 ? "sold" : "bought"} ${Math.abs(moved)}`;
  if (kept !== 0) {
    const rest = moved === 0 ? "nothing sold" : `${did} of the rest (mimik's orders there were in doubt)`;
    return `${found}: left as they are while the leader holds the side (only its close takes them); ${rest}`;
  }
  const why = leaderAfter === 0 ? "as the leader is flat" : "as the leader is on the other side";
  return `${found}: ${did}, ${why} (a close takes trades by hand too)`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

/**
 * What the trader traded by hand on a follower while mimik was away from it: the fills of its
 * snapshot new to the session whose orders are not mimik's, summed per contract. A line whose
 * order of ours lost its answer is taken from where the follower stands (reconcileUncertain), and
 * judged by its size alone that sold the trader's own trades, with no leader exit behind it
 * (APEX3001, +3 by the rule, bought 2 by hand: 5 → 3 with its leader long 3, said nowhere).
 */
export class HandTrades {
  /** Follower → contract → the signed size traded by hand, from its latest snapshot. */
  private readonly byFollower = new Map<string, Map<string, number>>();

  constructor(
    private readonly accounts: Pick<CopierAccounts, "nameAt" | "role">,
    /** A fill of one of mimik's flattens: its order carries no clOrdId of ours, yet it is not the trader's. */
    private readonly flattenFill: (follower: string, fill: HistoryFillEvent) => boolean = () => false,
  ) {}

  /** A snapshot is in: its followers' trades by hand replace what the one before said. */
  record(event: SyncEvent): void {
    for (const account of event.accounts) {
      const name = this.accounts.nameAt(event.connection, account.id);
      if (name === undefined || this.accounts.role(name)?.kind !== "follower") continue;
      const lines = new Map<string, number>();
      for (const f of event.fills ?? []) {
        // One whose order is not known may be ours (its answer lost): not said to be the trader's.
        if (f.accountId !== account.id || ours(f.clOrdId) || f.orderUnknown) continue;
        if (this.flattenFill(name, f)) continue;
        lines.set(f.contract, (lines.get(f.contract) ?? 0) + (f.side === "Buy" ? f.qty : -f.qty));
      }
      if (lines.size > 0) this.byFollower.set(name, lines);
      else this.byFollower.delete(name);
    }
  }

  /** The signed size the trader traded by hand on the line while away (0: none). */
  on(follower: string, contract: string): number {
    return this.byFollower.get(follower)?.get(contract) ?? 0;
  }

  /** The reconcile has looked at the line: what it said is told. */
  settled(follower: string, contract: string): void {
    const lines = this.byFollower.get(follower);
    lines?.delete(contract);
    if (lines?.size === 0) this.byFollower.delete(follower);
  }
}
