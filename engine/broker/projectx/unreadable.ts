import type { BrokerAlertEvent, Clock } from "../../types.js";

/**
 * How long an account may stay unreadable before the trader is told again, as an error. Its reads
 * back off to one every 30 s (accountReread.ts), so by 2 minutes some seven reads in a row have
 * failed: past a 5xx burst or a gateway restart, something the trader must look at (the account
 * closed, suspended, or refused by the API), while nothing is copied to it or its group.
 */
export const UNREADABLE_ERROR_MS = 120_000;

/** One account of the login that did not read, in the broker's words. */
export interface UnreadableAccount {
  accountId: number;
  account: string;
  reason: string;
}

/** The alert an account's read failure calls for now, if any: once when it starts, once more if it lasts. */
export function unreadableAlert(
  entry: { since: number; escalated: boolean },
  first: boolean,
  now: number,
  boundMs = UNREADABLE_ERROR_MS,
): "warn" | "error" | undefined {
  if (first) return "warn";
  if (!entry.escalated && now - entry.since >= boundMs) return "error";
  return undefined;
}

export function unreadableText(account: string, reason: string): string {
  return `ProjectX account ${account} could not be read (${reason}): its positions are unknown, so nothing is copied to it and no reconcile acts on it until it reads; it is read again with backoff`;
}

export function stillUnreadableText(account: string, reason: string, sinceMs: number): string {
  const minutes = Math.max(1, Math.round(sinceMs / 60_000));
  return `ProjectX account ${account} still cannot be read after ${minutes} min (${reason}): nothing is copied to it; check the account at ProjectX`;
}

export function readAgainText(account: string): string {
  return `ProjectX account ${account} reads again: synced, what it missed is reconciled as after a re-sync`;
}

interface Entry {
  name: string;
  reason: string;
  since: number;
  escalated: boolean;
}

export interface UnreadableDeps {
  connection: string;
  clock: Clock;
  emit(event: BrokerAlertEvent): void;
  /** The list changed: the connection's status says it. */
  changed(list: readonly UnreadableAccount[]): void;
}

/**
 * The login's accounts whose picture could not be read (projectx-protocol.md: their search
 * answered an error, or failed on the way), each unknown rather than flat until a read of it
 * works. The trader is told once when it starts and once more if it lasts past the bound.
 */
export class UnreadableAccounts {
  private readonly entries = new Map<number, Entry>();

  constructor(private readonly d: UnreadableDeps) {}

  reasonOf(accountId: number | undefined): string | undefined {
    return accountId === undefined ? undefined : this.entries.get(accountId)?.reason;
  }

  ids(): number[] {
    return [...this.entries.keys()];
  }

  /** A read of the account failed with `reason`. */
  failed(accountId: number, name: string, reason: string): void {
    const now = this.d.clock.now();
    const before = this.entries.get(accountId);
    const entry = before ?? { name, reason, since: now, escalated: false };
    const level = unreadableAlert(entry, before === undefined, now);
    const changed = before?.reason !== reason;
    entry.reason = reason;
    this.entries.set(accountId, entry);
    if (level === "error") entry.escalated = true;
    if (level !== undefined) {
      const message =
        level === "warn"
          ? unreadableText(name, reason)
          : stillUnreadableText(name, reason, now - entry.since);
      this.d.emit({ type: "brokerAlert", connection: this.d.connection, level, message });
    }
    if (changed) this.d.changed(this.list());
  }

  /** The account read: known again. */
  read(accountId: number): void {
    const entry = this.entries.get(accountId);
    if (!entry) return;
    this.entries.delete(accountId);
    const message = readAgainText(entry.name);
    this.d.emit({ type: "brokerAlert", connection: this.d.connection, level: "info", message });
    this.d.changed(this.list());
  }

  list(): UnreadableAccount[] {
    return [...this.entries].map(([accountId, e]) => ({ accountId, account: e.name, reason: e.reason }));
  }
}
