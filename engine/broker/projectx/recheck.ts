import { AccountReread, type RereadDeps } from "../accountReread.js";
import type { Envelope } from "./rest.js";
import { HISTORY_MS, readSnapshot, type Snapshot } from "./snapshot.js";

/** A re-read's picture, and the accounts it could not read (why, by id): left out of it. */
export type RecheckPicture = Snapshot & { unreadable: ReadonlyMap<number, string> };

export interface RecheckDeps extends Omit<RereadDeps<RecheckPicture, unknown>, "read" | "accountsOf"> {
  /** One REST request of the login (on the exit reserve). */
  read(path: string, body: object): Promise<Envelope>;
  /** Bumped by every user hub connect and drop. */
  epoch(): number;
  /** Accounts of a read that could not be read, with the broker's words; asked before the picture is applied. */
  unread(reasons: ReadonlyMap<number, string>): void;
}

/**
 * The re-read of a ProjectX login after a lost answer, or of an account that could not be read
 * (accountReread.ts). The account is read over REST as a reconnect reads it (positions, the day's
 * orders and its trades as history): its positions are the venue's, not the hub's, which may
 * lag, and a lost exit it has not told of yet would be sent again and open the other side; a fill
 * the hub tells after the read is in the read's trades, history, so never counted twice. A user
 * hub event waits for the read when the account it names is being read. A read in which no
 * account read fails as a whole, so the re-read backs off (accountReread.ts).
 */
export class AccountRecheck extends AccountReread<RecheckPicture, unknown> {
  constructor(d: RecheckDeps) {
    super({
      ...d,
      read: async (accounts) => {
        const since = new Date(d.clock.now() - HISTORY_MS).toISOString();
        const picture = await readSnapshot(
          d.read,
          accounts.map((id) => ({ id })),
          since,
        );
        if (picture.unreadable.size > 0) d.unread(picture.unreadable);
        if (accounts.length > 0 && picture.unreadable.size === accounts.length)
          throw new Error([...picture.unreadable.values()][0]);
        return picture;
      },
      accountsOf: (accountId) => (typeof accountId === "number" ? [accountId] : []),
    });
  }
}
