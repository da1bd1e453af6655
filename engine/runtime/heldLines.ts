import type { AccountRoute, PositionSnapshot } from "../types.js";
import { type OpenLine, openLines } from "./shadows.js";

/** The open positions of an account, as its route's session has them (none when unrouted). */
export function heldBy(
  accounts: { route(account: string): AccountRoute | undefined },
  account: string,
): OpenLine[] {
  const at = accounts.route(account);
  return at ? openLines(at.session.positions(at.accountId)) : [];
}

/** "ESZ6 +2", "NQZ6 -1": a held line as the warnings about stranded positions say it. */
export function heldWords(p: Pick<PositionSnapshot, "contract" | "netPos">): string {
  return `${p.contract} ${p.netPos > 0 ? "+" : ""}${p.netPos}`;
}
