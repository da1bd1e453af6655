import { AccountReread, type RereadDeps } from "../accountReread.js";
import type { Envelope } from "./rest.js";
import { HISTORY_MS, readSnapshot, type Snapshot } from "./snapshot.js";

export interface RecheckDeps extends Omit<RereadDeps<Snapshot, unknown>, "read" | "accountsOf"> {
  /** One REST request of the login (on the exit reserve). */
  read(path: string, body: object): Promise<Envelope>;
  /** Bumped by every user hub connect and drop. */
  epoch(): number;
}

/**
 * The re-read of a ProjectX login after a lost answer (accountReread.ts). The account is read over
 * REST as a reconnect reads it (positions, open orders, the day's trades as history): its
 * positions are the venue's, not the hub's, which may lag, and a lost exit it has not told of yet
 * would be sent again and open the other side; a fill the hub tells after the read is in the
 * read's trades, history, so never counted twice. A user hub event waits for the read when the
 * account it names is being read.
 */
export class AccountRecheck extends AccountReread<Snapshot, unknown> {
  constructor(d: RecheckDeps) {
    super({
      ...d,
      read: (accounts) =>
        readSnapshot(
          d.read,
          accounts.map((id) => ({ id })),
          new Date(d.clock.now() - HISTORY_MS).toISOString(),
        ),
      accountsOf: (accountId) => (typeof accountId === "number" ? [accountId] : []),
    });
  }
}
