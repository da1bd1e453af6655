import { messageOf } from "../messageOf.js";
import type { Clock, Logger } from "../types.js";
import { backoffDelay } from "./backoff.js";
import { ReadPace } from "./readPace.js";

/** What a broker's session gives the re-read: how to read its accounts, and whose an event is. */
export interface RereadDeps<Picture, Event> {
  connection: string;
  clock: Clock;
  logger: Logger;
  /** How long after a lost answer the accounts are read: long enough for an order placed to be listed. */
  delayMs: number;
  read(accounts: readonly number[]): Promise<Picture>;
  /** The accounts a live event is about; asked only while a read is on its way. */
  accountsOf(event: Event): readonly number[];
  /** The account's order requests: how many were written so far, how many still wait for answers. */
  activity(accountId: number): { sent: number; open: number };
  /** Changes with every connect and loss of the connection whose events are held. */
  epoch(): unknown;
  synced(): boolean;
  /** The picture as just read is the truth now for `accounts`, some or all of those read. */
  apply(accounts: ReadonlySet<number>, picture: Picture): void;
  /**
   * The trader was already told these accounts cannot be read (each has its own alert, and an
   * error if it lasts): a failed re-read of them alone is not told again at every back-off.
   */
  told?(accounts: readonly number[]): boolean;
}

/**
 * After an order request's answer is lost (a timeout, a 5xx) the engine places nothing more that
 * could double it until a snapshot says what the broker did (the copier's exit retry waits for it
 * up to 30 s, the mirror for good). Both brokers send one only after a (re)connect, and a live
 * trading socket or user hub may never drop. So the account is read again, a moment later, and
 * handed on as a snapshot of that account alone: Tradovate over its socket (accountRead.ts),
 * ProjectX over REST (projectx/recheck.ts).
 *
 * An account is read only while none of its requests waits for its answer (the others due are
 * read meanwhile, not held back by it), and its part of the read is thrown away if one was written
 * meanwhile (the other accounts' still applied): a snapshot lets go of the orders in flight as
 * lost, and one still on its way could then be made again. The account's events wait while it is read and run
 * after it in order, so the older picture never overwrites a newer event. Reads that follow one
 * another wait longer each time (readPace.ts).
 */
export class AccountReread<Picture, Event> {
  private readonly due = new Set<number>();
  private readonly reading = new Set<number>();
  private held: Array<() => void> = [];
  private timer: unknown;
  private running = false;
  private failures = 0;
  /** Bumped by reset(): a read begun before it is of no use after it. */
  private generation = 0;

  private readonly pace: ReadPace;

  constructor(private readonly d: RereadDeps<Picture, Event>) {
    this.pace = new ReadPace(d.delayMs);
  }

  lost(accountId: number): void {
    this.due.add(accountId);
    this.arm(this.pace.next(this.d.clock.now()));
  }

  /** Whether any account is being read: until then no event waits (hold() is false). */
  get isReading(): boolean {
    return this.reading.size > 0;
  }

  /** An event of an account being read waits for the read (true: it was kept). */
  hold(event: Event, apply: () => void): boolean {
    if (this.reading.size === 0 || !this.d.accountsOf(event).some((id) => this.reading.has(id))) return false;
    this.held.push(apply);
    return true;
  }

  /**
   * A (re)connect reads every account anyway: nothing is due any more. A read still on its way
   * holds nothing from now on: the events it held came before the reconnect's snapshot, and the
   * new connection's must run at once (the read may come back later, or never be applied).
   */
  reset(): void {
    this.d.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.generation += 1;
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
    // One whose request is still on its way waits for its answer; it holds no other account back.
    const accounts = new Set([...this.due].filter((id) => this.d.activity(id).open === 0));
    if (accounts.size === 0) return this.arm();
    for (const id of accounts) this.due.delete(id);
    this.running = true;
    const epoch = this.d.epoch();
    const generation = this.generation;
    const overtaken = () => generation !== this.generation || epoch !== this.d.epoch() || !this.d.synced();
    const sent = new Map([...accounts].map((id) => [id, this.d.activity(id).sent]));
    for (const id of accounts) this.reading.add(id);
    let wait: number | undefined;
    try {
      const picture = await this.d.read([...accounts]);
      // A reconnect overtook the read: its own snapshot holds all, and the events held were before it.
      if (overtaken()) {
        this.held = [];
        return;
      }
      // One that sent meanwhile is read again; the others' part of the picture holds: thrown away
      // with it, a busy account would keep every other one of the login unread.
      const fresh = new Set<number>();
      for (const id of accounts)
        if (this.d.activity(id).sent !== sent.get(id)) this.due.add(id);
        else fresh.add(id);
      if (fresh.size > 0) this.d.apply(fresh, picture);
      this.failures = 0;
    } catch (error) {
      // The connection went: the reconnect's snapshot will say, and what was held came before it.
      if (overtaken()) {
        this.held = [];
        return;
      }
      if (!this.d.told?.([...accounts]))
        this.d.logger.warn("re-read after a lost answer failed", {
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
