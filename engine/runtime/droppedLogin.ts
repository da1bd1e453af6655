import type { Config } from "../../data/schema.js";
import type { BrokerSession } from "../types.js";
import { heldWords } from "./heldLines.js";
import { openLines } from "./shadows.js";

/**
 * What a login taken out of the config leaves open: each position one of its accounts holds as a
 * leader or a follower of `before`. A follower's is no longer closed with its leader; a leader's
 * exits no longer reach the copies its followers hold. Said to the trader, never acted on: the
 * positions are theirs to close, or the login to add back. An account `next` puts on another
 * login (this one renamed, say) is still followed there: nothing of it is left open.
 */
export function leftOpenBy(
  session: Pick<BrokerSession, "connection" | "accounts" | "positions">,
  before: Config,
  next: Config,
): string[] {
  const out: string[] = [];
  const moved = new Set(next.accounts.filter((a) => a.connection !== session.connection).map((a) => a.name));
  for (const account of session.accounts()) {
    if (moved.has(account.name)) continue;
    const group = before.groups.find(
      (g) => g.leader === account.name || g.followers.some((f) => f.account === account.name),
    );
    if (!group) continue;
    const leads = group.leader === account.name;
    // A shadow follower's account never held a copy: there is nothing of mimik's to leave behind.
    const copies = group.followers.filter((f) => !f.shadow).map((f) => f.account);
    if (leads ? copies.length === 0 : !copies.includes(account.name)) continue;
    const role = leads ? "leader" : "follower";
    const what = leads
      ? `its followers' copies (${copies.join(", ")}) no longer follow its exits: flatten them`
      : "mimik no longer closes it with its leader: flatten it at the broker";
    for (const line of openLines(session.positions(account.id)))
      out.push(
        `connection ${session.connection} was taken out of the config while ${role} ${account.name} holds ${heldWords(line)}; ${what}, or add the login back`,
      );
  }
  return out;
}
