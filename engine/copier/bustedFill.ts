import { clOrdIdFor } from "../orders/gateway.js";
import type { Clock, EngineEvent, FillBustedEvent } from "../types.js";
import type { FillDedupe } from "./fillDedupe.js";
import type { LeaderBook } from "./leaderBook.js";
import type { CopierAccounts } from "./ports.js";
import type { SyncWatch } from "./syncWatch.js";

export interface BustedFillDeps {
  accounts: Pick<CopierAccounts, "nameAt" | "role" | "route">;
  dedupe: Pick<FillDedupe, "firstBust">;
  leaders: LeaderBook;
  watch: Pick<SyncWatch, "recheck">;
  emit(event: EngineEvent): void;
  clock: Clock;
}

/**
 * The broker busted a fill (issue 12 #6): recorded (a BustEvent) whoever's it was. A busted
 * leader fill leaves the leader's position without it while every follower's copy stands: the
 * leader's position is corrected, each follower is told about (with the clOrdId of its copy) and
 * given a look: OUT OF SYNC where it no longer matches, for a resync or a fix by hand. Nothing is
 * sent by itself. A follower's own busted fill only moves its broker position, which the next
 * position report brings.
 */
export function bustedFill(event: FillBustedEvent, deps: BustedFillDeps): void {
  const name = deps.accounts.nameAt(event.connection, event.accountId);
  if (name === undefined) return;
  const role = deps.accounts.role(name);
  const leader = role?.kind === "leader";
  if (event.history) {
    // Busted while the login was away (or mimik was down): told as a live bust is, once, if the
    // journal has the fill. The ledger knows: a fill this run had live or recorded from a
    // snapshot, or one an earlier run journaled (after a restart: its leaderFill is in the journal,
    // which the report would keep counting; the alert is late, but the follower's copy may
    // stand). One made and busted in the gap was never journaled: nothing to take back. A
    // follower's busted fill only moved its position, which the snapshot already shows.
    if (!leader || !deps.dedupe.firstBust(event.connection, event.fillId, false)) return;
  } else if (leader) deps.dedupe.firstBust(event.connection, event.fillId, true);
  const fill = `${event.side.toUpperCase()} ${event.qty} ${event.contract} @ ${event.price}`;
  if (event.history)
    deps.emit({
      type: "alert",
      at: deps.clock.now(),
      level: "warn",
      message: `${name}: the broker busted fill ${event.fillId} (${fill}) while the login was away; its position no longer includes it`,
    });
  // Journaled for any account: a report read later from the journal alone drops the fill too.
  const { fillId, orderId, contract, side, qty, price } = event;
  deps.emit({
    type: "bust",
    at: deps.clock.now(),
    account: name,
    fillId,
    orderId,
    contract,
    side,
    qty,
    price,
  });
  if (role?.kind !== "leader") return;
  const { group } = role;
  if (!event.history) {
    // A snapshot's bust came with the positions it left: the sync already set the leader's.
    const signed = event.side === "Buy" ? event.qty : -event.qty;
    const before = deps.leaders.known(group.leader, event.contract) ?? 0;
    deps.leaders.correct(group.leader, event.contract, before - signed);
  }
  for (const follower of group.followers) {
    const route = deps.accounts.route(follower.account);
    const copy = route ? ` (clOrdId ${clOrdIdFor(event.fillId, route.accountId)})` : "";
    deps.emit({
      type: "alert",
      at: deps.clock.now(),
      level: "warn",
      message: `busted leader fill ${event.fillId} (${fill}): ${follower.account}'s copy${copy}, if one was sent, stands; check ${follower.account} and resync it`,
      follower: follower.account,
      group: group.name,
    });
  }
  deps.watch.recheck(group);
}
