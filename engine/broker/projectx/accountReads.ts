import type { BrokerAccount, BrokerEvent, Clock, Logger } from "../../types.js";
import type { ProjectXModel } from "./model.js";
import { AccountRecheck } from "./recheck.js";
import type { Envelope } from "./rest.js";
import { type UnreadableAccount, UnreadableAccounts } from "./unreadable.js";

export interface AccountReadsDeps {
  connection: string;
  clock: Clock;
  logger: Logger;
  /** The first wait before an account is read again (then paced, or backed off while reads fail). */
  delayMs: number;
  /** One REST request of the login (on the exit reserve). */
  read(path: string, body: object): Promise<Envelope>;
  activity(accountId: number): { sent: number; open: number };
  epoch(): number;
  synced(): boolean;
  model: Pick<ProjectXModel, "applySnapshot" | "accounts">;
  emit(event: BrokerEvent): void;
  /** An open order of a picture applied: its fills without trades are waited for (intake.ts). */
  watchGap(orderId: number): void;
  redact(text: string): string;
  /** The accounts that cannot be read changed: the connection's status says so. */
  status(list: readonly UnreadableAccount[]): void;
}

/**
 * The login's accounts read again between connects: after a lost order answer (recheck.ts), and
 * while one could not be read at a connect (unreadable.ts). One that did not read is unknown, not
 * flat: it is left out of every picture applied (so no sync names it, and the copier neither
 * copies to it nor reconciles it), its hub events are dropped (its next read is the truth, and
 * their trades in it are history), and it is read again, paced and backed off as a lost answer's
 * re-read is, until it reads; then its picture is applied as its own re-sync.
 */
export class AccountReads {
  private readonly unreadable: UnreadableAccounts;
  private readonly recheck: AccountRecheck;

  constructor(private readonly d: AccountReadsDeps) {
    this.unreadable = new UnreadableAccounts({
      ...{ connection: d.connection, clock: d.clock },
      emit: (event) => d.emit(event),
      changed: (list) => d.status(list),
    });
    this.recheck = new AccountRecheck({
      ...{ connection: d.connection, clock: d.clock, logger: d.logger, delayMs: d.delayMs },
      ...{ read: d.read, activity: d.activity, epoch: d.epoch, synced: d.synced },
      unread: (reasons) => this.unread(reasons),
      told: (ids) => ids.every((id) => this.unreadable.reasonOf(id) !== undefined),
      apply: (accounts, picture) => {
        const read = new Set([...accounts].filter((id) => !picture.unreadable.has(id)));
        if (read.size === 0) return;
        // Known again before its sync goes out: the copier's reconcile of it asks.
        for (const id of read) this.unreadable.read(id);
        for (const ev of d.model.applySnapshot(picture, false, read))
          d.emit(ev.type === "sync" ? { ...ev, reread: true } : ev);
        for (const o of picture.orders) if (read.has(o.accountId)) d.watchGap(o.id);
      },
    });
  }

  /** Why the account cannot be read now (the broker's words); undefined when it reads. */
  why(accountId: unknown): string | undefined {
    return typeof accountId === "number" ? this.unreadable.reasonOf(accountId) : undefined;
  }

  /** Why an order request that `places` (a place, a modify) is refused on the account: it cannot be read. */
  refusal(accountId: number, places: boolean): string | undefined {
    const why = places ? this.unreadable.reasonOf(accountId) : undefined;
    return why === undefined ? undefined : `ProjectX account ${accountId} cannot be read (${why})`;
  }

  /** The accounts a connect's picture is applied for: those it read. */
  readable(accounts: readonly BrokerAccount[], unreadable: ReadonlyMap<number, string>): Set<number> {
    return new Set(accounts.filter((a) => !unreadable.has(a.id)).map((a) => a.id));
  }

  /**
   * A connect read the login (before its picture is applied, so the copier sees each account as
   * it now is): the accounts it read are known again, the others unknown and read again later.
   */
  connected(accounts: readonly BrokerAccount[], unreadable: ReadonlyMap<number, string>): void {
    this.recheck.reset();
    for (const a of accounts) {
      const reason = unreadable.get(a.id);
      if (reason === undefined) this.unreadable.read(a.id);
      else {
        this.unreadable.failed(a.id, a.name, this.d.redact(reason));
        this.recheck.lost(a.id);
      }
    }
  }

  /** An event of an account being read waits for the read (true: it was kept). */
  hold(accountId: unknown, apply: () => void): boolean {
    return this.recheck.hold(accountId, apply);
  }

  /** A request's answer was lost: the account is read again. */
  lost(accountId: number): void {
    this.recheck.lost(accountId);
  }

  reset(): void {
    this.recheck.reset();
  }

  /** A re-read's accounts that failed: an unknown one stays so (its reason now), each is read again. */
  private unread(reasons: ReadonlyMap<number, string>): void {
    for (const [id, reason] of reasons) {
      const name = this.d.model.accounts().find((a) => a.id === id)?.name ?? String(id);
      // An account known until now whose re-read after a lost answer failed stays known: that
      // re-read is tried again, as before.
      if (this.unreadable.reasonOf(id) !== undefined) this.unreadable.failed(id, name, this.d.redact(reason));
      this.recheck.lost(id);
    }
  }
}
