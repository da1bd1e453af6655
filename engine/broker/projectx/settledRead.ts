import { messageOf } from "../../messageOf.js";
import type { BrokerAccount, Clock } from "../../types.js";
import { ReadPace } from "../readPace.js";
import type { Envelope } from "./rest.js";
import {
  type AccountPicture,
  keptTradingText,
  readAccountPicture,
  readLoginAccounts,
  SNAPSHOT_TRIES,
  type Snapshot,
  snapshotOf,
} from "./snapshot.js";

export interface SettledReadDeps {
  /** One REST request of the login. */
  call(path: string, body: object): Promise<Envelope>;
  /** The login's accounts, in the picture's order; named in errors. */
  accounts: readonly Pick<BrokerAccount, "id" | "name">[];
  /** Trades since then are read back as history. */
  since: string;
  /** The account's order requests: written so far, and still waiting for their answers. */
  activity(accountId: number): { sent: number; open: number };
  /** Resolves once none of the login's requests waits for its answer (each ends by its timeout at the latest). */
  settled(): Promise<void>;
  /** The connect this read is for was overtaken (a drop, a newer connect): its picture goes unused. */
  overtaken(): boolean;
  clock: Clock;
  /** The first wait before an account that traded during its read is read again (doubling, readPace.ts). */
  delayMs: number;
}

type Account = SettledReadDeps["accounts"][number];

/** A connect's picture, and the accounts left out of it because they could not be read (why, by id). */
export type SettledPicture = Snapshot & { unreadable: ReadonlyMap<number, string> };

/**
 * A (re)connect's picture (snapshot.ts), spending ProjectX's 200 requests a minute only on the
 * accounts in doubt: the others' parts are kept as read, a login of twenty accounts and one
 * busy leader costs that leader's reads, not twenty accounts' again (the budget is the flattens'
 * too).
 *
 * It must hold what every order request written before it did: the engine lets go at the sync of
 * requests whose answers did not come (lost, or still on the way) and takes their lines from the
 * picture. One carried out at ProjectX after its account was read would be missing from it, and
 * the line would be sent again from a position that is no more: a follower's exit made twice, the
 * account short. Orders wait while the login is not synced, so only requests written before the
 * connect can be on their way; an account read while one of its own was is read again once all
 * are answered (or timed out).
 *
 * An account that traded during its read is read again on its own, later each time (1, 2, 4 s
 * with the default pace) so a burst of trades can end, rather than at once; the connect fails
 * only when one account alone used up its tries, and the error names it.
 *
 * An account whose read fails (its search answers an error, or fails on the way) is left out of
 * the picture and named in `unreadable` with the broker's words: unknown, not flat, while the
 * others sync (the session reads it again later). When none reads, the login is what fails
 * (its API, the network): the connect fails, as before.
 *
 * Undefined when the connect was overtaken meanwhile: no partial picture can be applied.
 */
export async function readSettled(d: SettledReadDeps): Promise<SettledPicture | undefined> {
  const found = await readLoginAccounts(d.call);
  const parts = new Map<number, AccountPicture | undefined>(d.accounts.map((a) => [a.id, undefined]));
  const unreadable = new Map<number, string>();
  const traded = new Tally();
  const unsettled = new Tally();
  const pace = new ReadPace(d.delayMs);
  let due: readonly Account[] = d.accounts;
  while (due.length > 0) {
    const again: Account[] = [];
    let anyInFlight = false;
    for (const a of due) {
      const before = d.activity(a.id);
      let part: AccountPicture | undefined;
      try {
        part = await readAccountPicture(d.call, a.id, d.since);
      } catch (error) {
        // What an earlier read of it found (with a request on its way) is no picture either.
        parts.set(a.id, undefined);
        unreadable.set(a.id, messageOf(error));
        continue;
      }
      const inFlight = before.open > 0 || d.activity(a.id).sent !== before.sent;
      parts.set(a.id, part);
      if (part === undefined) traded.add(a.id);
      if (inFlight) unsettled.add(a.id);
      anyInFlight ||= inFlight;
      if (part === undefined || inFlight) again.push(a);
    }
    for (const a of again) {
      if (traded.of(a.id) >= SNAPSHOT_TRIES) throw new Error(keptTradingText(a, traded.of(a.id)));
      if (unsettled.of(a.id) >= SNAPSHOT_TRIES)
        throw new Error(
          `ProjectX order requests of account ${a.name} were on their way during ${SNAPSHOT_TRIES} reads of its picture`,
        );
    }
    const waits: Promise<void>[] = [];
    if (anyInFlight) waits.push(d.settled());
    if (again.some((a) => parts.get(a.id) === undefined)) waits.push(paced(d.clock, pace));
    await Promise.all(waits);
    if (d.overtaken()) return undefined;
    due = again;
  }
  if (d.accounts.length > 0 && unreadable.size === d.accounts.length)
    throw new Error([...unreadable.values()][0]);
  return { ...snapshotOf(found, parts.values()), unreadable };
}

/** The wait before the next read of an account that traded: longer each time (readPace.ts). */
function paced(clock: Clock, pace: ReadPace): Promise<void> {
  const wait = pace.next(clock.now());
  pace.took(clock.now());
  return new Promise((resolve) => clock.setTimeout(resolve, wait));
}

/** How many reads of each account met a doubt of one kind. */
class Tally {
  private readonly counts = new Map<number, number>();
  add(accountId: number): void {
    this.counts.set(accountId, this.of(accountId) + 1);
  }
  of(accountId: number): number {
    return this.counts.get(accountId) ?? 0;
  }
}
