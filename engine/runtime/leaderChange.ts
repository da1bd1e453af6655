import type { Config, Follower } from "../../data/schema.js";
import { mapContract } from "../symbols.js";
import type { AccountRoute } from "../types.js";
import { heldBy, heldWords } from "./heldLines.js";

interface Seat {
  group: string;
  leader: string;
  follower: Follower;
}

/** A position an edit leaves, said to the trader about its follower. */
export interface Stranded {
  follower: string;
  message: string;
  /** It left every group, from this one (a later edit may put it back). */
  left?: { group: string; leader: string } | undefined;
}

/** Where each follower sits in a config; a shadow's account holds nothing of its leader's, so none. */
export function seats(config: Config | undefined): Map<string, Seat> {
  const out = new Map<string, Seat>();
  for (const g of config?.groups ?? [])
    for (const f of g.followers)
      if (!f.shadow) out.set(f.account, { group: g.name, leader: g.leader, follower: f });
  return out;
}

/**
 * What a follower holds when the leader it follows changes under it: moved to another group, its
 * group's leader replaced, or taken out of every group. It came from the old leader, whose exits
 * no longer reach it; the new leader's fills size from it as from a trade by hand (an opening
 * adds to it, a close flattens it), and a contract the new leader never trades stays as it is.
 * Said to the trader at the change, never acted on (nothing is placed without a leader step or
 * the trader's say): `r` brings it to the new leader's rule where the new leader holds the
 * contract (OUT OF SYNC and the resync only look there); elsewhere only a flatten by hand does.
 */
export function strandedByLeaderChange(
  before: Config | undefined,
  after: Config,
  accounts: { route(account: string): AccountRoute | undefined },
): Stranded[] {
  const now = seats(after);
  // An account whose login the edit takes out is told of by the login's drop (droppedLogin.ts).
  const logins = new Set(after.connections.map((c) => c.name));
  const dropped = new Set(before?.accounts.filter((a) => !logins.has(a.connection)).map((a) => a.name));
  const out: Stranded[] = [];
  for (const [account, was] of seats(before)) {
    const is = now.get(account);
    if (is?.leader === was.leader || dropped.has(account)) continue;
    const held = heldBy(accounts, account);
    if (held.length === 0) continue;
    const leads = is ? heldBy(accounts, is.leader) : [];
    for (const { contract, netPos } of held) {
      const what = `while it holds ${heldWords({ contract, netPos })}`;
      if (!is) {
        out.push({
          follower: account,
          message: `${account} left group "${was.group}" (leader ${was.leader}) ${what}; no leader's exit closes it now: flatten it by hand, or put it back in its group`,
          left: { group: was.group, leader: was.leader },
        });
        continue;
      }
      const change =
        is.group === was.group
          ? `${account}: its group "${is.group}" now follows ${is.leader} instead of ${was.leader}`
          : `${account} moved from group "${was.group}" (leader ${was.leader}) to group "${is.group}" (leader ${is.leader})`;
      const traded = leads.some((p) => mapContract(p.contract, is.follower.mapping) === contract);
      const remedy = traded
        ? `press r (or mimik resync) to resync it to ${is.leader}, or flatten it by hand`
        : `flatten it by hand (${is.leader} holds no ${contract} to resync it to)`;
      out.push({
        follower: account,
        message: `${change} ${what}; ${was.leader}'s exits no longer close it and ${is.leader}'s fills trade from it (an opening adds, a close flattens): ${remedy}`,
      });
    }
  }
  return out;
}
