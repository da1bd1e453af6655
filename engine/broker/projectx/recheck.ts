import { messageOf } from "../../messageOf.js";
import type { Clock, Logger } from "../../types.js";
import { backoffDelay } from "../backoff.js";
import { ReadPace } from "../readPace.js";
import type { Envelope } from "./rest.js";
import { HISTORY_MS, readSnapshot, type Snapshot } from "./snapshot.js";

export interface RecheckDeps {
  connection: string;
  clock: Clock;
  logger: Logger;
  /** How long after a lost answer the account is read: long enough for an order placed to be listed. */
  delayMs: number;
  read(path: string, body: object): Promise<Envelope>;
  /** The account's order requests: how many were written so far, how many still wait for answers. */
  activity(accountId: number): { sent: number; open: number };
  /** Bumped by every user hub connect and drop. */
  epoch(): number;
  synced(): boolean;
  /** The accounts' picture as just read: the truth for them now. */
  apply(accounts: ReadonlySet<number>, picture: Snapshot): void;
}

/**
 * After an order request's answer is lost (a timeout, a 5xx) the engine places nothing more that
 * could double it until a snapshot says what the venue did; ProjectX sends one only after a
 * reconnect, and a live user hub may never drop. So the account is read again over REST, a moment
 * later, as a reconnect reads it (positions, open orders, the day's trades as history), and handed
 * on as a snapshot of that account alone. Its positions are the venue's, not the hub's: the hub
 * may lag, and a lost exit it has not told of yet would be sent again and open the other side;
 * a fill the hub tells after the read is in the read's trades, history, so never counted twice.
 *
 * The read is taken only while none of the account's requests waits for its answer, and thrown
 * away if one was written meanwhile: a snapshot lets go of the orders in flight as lost, and one
 * still on its way could then be made again. The account's hub events wait while it is read, so
 * the older picture never overwrites a newer event. Reads that follow one another wait longer
 * each time (readPace.ts).
 */
export class AccountRecheck {
  private readonly due = new Set<number>();
  private readonly reading = new Set<number>();
  private held: Array<() => void> = [];
  private timer: unknown;
  private running = false;
  private failures = 0;

  private readonly pace: ReadPace;

  constructor(private readonly d: RecheckDeps) {
    this.pace = new ReadPace(d.delayMs);
  }

  lost(accountId: number): void {
    this.due.add(accountId);
    this.arm(this.pace.next(this.d.clock.now()));
  }

  /** A hub event of an account being read waits for the read (true: it was kept). */
  hold(accountId: unknown, apply: () => void): boolean {
    if (typeof accountId !== "number" || !this.reading.has(accountId)) return false;
    this.held.push(apply);
    return true;
  }

  /**
   * A (re)connect reads every account anyway: nothing is due any more. A read still on its way
   * holds nothing from now on: the events it held came before the reconnect's snapshot, and the
   * new hub's must run at once (the read may come back seconds later, or never be applied).
   */
  reset(): void {
    this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.due.clear();
    this.failures = 0;
    this.reading.clear();
    this.held = [];
  }

  private arm(delayMs = this.d.delayMs): void {
    if (this.timer !== undefined || this.running || this.due.size === 0) return;
    this.timer = this.d.clock.setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, delayMs);
  }

  private async run(): Promise<void> {
    if (!this.d.synced()) return; // reconnecting: its snapshot will say
    const accounts = new Set(this.due);
    if ([...accounts].some((id) => this.d.activity(id).open > 0)) return this.arm();
    this.due.clear();
    this.running = true;
    const epoch = this.d.epoch();
    const sent = new Map([...accounts].map((id) => [id, this.d.activity(id).sent]));
    for (const id of accounts) this.reading.add(id);
    let wait: number | undefined;
    try {
      const since = new Date(this.d.clock.now() - HISTORY_MS).toISOString();
      const picture = await readSnapshot(
        this.d.read,
        [...accounts].map((id) => ({ id })),
        since,
      );
      // A reconnect overtook the read: its own snapshot holds all, and the events held were before it.
      if (epoch !== this.d.epoch() || !this.d.synced()) {
        this.held = [];
        return;
      }
      if ([...accounts].some((id) => this.d.activity(id).sent !== sent.get(id)))
        for (const id of accounts) this.due.add(id);
      else this.d.apply(accounts, picture);
      this.failures = 0;
    } catch (error) {
      this.d.logger.warn("ProjectX re-read after a lost answer failed", {
        connection: this.d.connection,
        error: messageOf(error),
      });
      for (const id of accounts) this.due.add(id);
      wait = backoffDelay(++this.failures, { initialMs: this.d.delayMs, maxMs: 30_000 });
    } finally {
      this.running = false;
      this.reading.clear();
      this.pace.took(this.d.clock.now());
      const held = this.held;
      this.held = [];
      for (const apply of held) apply();
      this.arm(wait ?? this.pace.next(this.d.clock.now()));
    }
  }
}
