import { addDays, chicagoDate, chicagoInstant } from "../windows/chicago.js";
import type { TradeDate } from "./entities.js";

/**
 * The simulator's clock and its trading session. CME Globex halts the products the simulator
 * lists (equity index, energy, metals) at 16:00 CT, Monday to Friday, and reopens them at 17:00 CT
 * (the new trade date; Sunday 17:00 CT after the weekend). Day orders die at the close
 * (tradovate-protocol.md §8.4.10); the hour after it is Tradovate's maintenance window (§1).
 * The reopen at 17:00 CT, Sunday to Thursday, starts the next trade date. From the close to the
 * reopen nothing trades: prices stand still and resting orders wait for the reopen. Holidays are
 * not modelled.
 */

const CLOSE_MINUTES_CT = 16 * 60;
const REOPEN_MINUTES_CT = 17 * 60;
const HOUR = 3_600_000;

/** The first session close strictly after `ms`. */
export function sessionCloseAfter(ms: number): number {
  const today = chicagoDate(ms);
  for (let days = 0; ; days++) {
    const date = addDays(today, days);
    if (date.weekday === 0 || date.weekday === 6) continue;
    const close = chicagoInstant(date, CLOSE_MINUTES_CT);
    if (close > ms) return close;
  }
}

/** The first reopen (17:00 CT, Sunday to Thursday: the trade date's roll) strictly after `ms`. */
export function reopenAfter(ms: number): number {
  const today = chicagoDate(ms);
  for (let days = 0; ; days++) {
    const date = addDays(today, days);
    if (date.weekday === 5 || date.weekday === 6) continue;
    const reopen = chicagoInstant(date, REOPEN_MINUTES_CT);
    if (reopen > ms) return reopen;
  }
}

/**
 * The trade date `ms` belongs to: the day of the session's close, the halt still the closed day's
 * (the roll is at the reopen, an hour after the close); a weekend belongs to Monday.
 */
export function tradeDateAt(ms: number): TradeDate {
  const { year, month, day } = chicagoDate(sessionCloseAfter(ms - HOUR));
  return { year, month, day };
}

/** Whether the exchange is halted at `ms`: from a close until the next reopen. */
export function inHalt(ms: number): boolean {
  return reopenAfter(ms) < sessionCloseAfter(ms);
}

/** Whether two trade dates are in the same week (Monday to Friday). */
export function sameWeek(a: TradeDate, b: TradeDate): boolean {
  return mondayOf(a) === mondayOf(b);
}

function mondayOf(d: TradeDate): number {
  const at = Date.UTC(d.year, d.month - 1, d.day);
  return at - ((new Date(at).getUTCDay() + 6) % 7) * 86_400_000;
}

export interface ClockReading {
  now: string;
  /** When the current session closes (Day orders expire then). */
  sessionEnd: string;
}

/**
 * Where the clock of a simulator that keeps a session starts when its options name no instant:
 * MIMIK_SIM_CLOCK, an ISO instant, so the suite can be tried at the hour it would fail at (in the
 * halt, a second before the close); absent, the machine's time.
 */
export function clockStartFrom(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const at = Date.parse(value);
  if (!Number.isFinite(at) || !/^\d{4}-\d{2}-\d{2}T/.test(value.trim()))
    throw new Error(`MIMIK_SIM_CLOCK must be an ISO instant such as 2026-07-15T21:30:00Z (got "${value}")`);
  return at;
}

export interface SessionOptions {
  /** The instant the clock starts at (default: the machine's time); it runs on from there. */
  start?: number | undefined;
  /** No session: never halts, closes or rolls on its own (endNow still ends one). */
  alwaysOpen?: boolean | undefined;
}

/**
 * The machine's clock, or one started at a given instant, moved forward on demand so tests reach
 * a close or a reopen without waiting; the session ends whenever the clock passes its close, and
 * the next trade date starts whenever it passes the reopen, moved or not.
 */
export class SessionClock {
  private offset: number;
  private close: number;
  private reopen: number;
  private readonly alwaysOpen: boolean;
  /** The close or reopen a tick is carrying out, while it does: the session as it stood then. */
  private at: number | undefined;
  /**
   * Whether the halt refuses new orders. Off by default: the clock starts at the machine's time,
   * and a test run at 16:30 CT must not see its orders refused unless it asks for the halt.
   */
  haltRefuses = false;

  constructor(
    /** Ends the session: Day orders expire. Returns how many did. */
    private readonly endSession: () => number,
    /** Starts the next trade date: the day's P&L and daily-loss locks start again. */
    private readonly newTradeDate: () => void = () => {},
    private readonly wall: () => number = Date.now,
    opts: SessionOptions = {},
  ) {
    if (opts.start !== undefined && !Number.isFinite(opts.start))
      throw new Error(`clock must be an instant in milliseconds (got ${opts.start})`);
    this.offset = opts.start === undefined ? 0 : opts.start - wall();
    this.alwaysOpen = opts.alwaysOpen === true;
    this.close = sessionCloseAfter(this.now());
    this.reopen = reopenAfter(this.now());
  }

  readonly now = (): number => this.wall() + this.offset;

  reading(): ClockReading {
    return { now: new Date(this.now()).toISOString(), sessionEnd: new Date(this.close).toISOString() };
  }

  /**
   * Whether the exchange is halted now (the daily halt, the weekend): nothing trades. The halt
   * lasts until the reopen is ticked, not merely reached: a trade between the two (a walk step
   * first on the timer) would be booked on the old trade date, and the roll would wipe it.
   */
  quiet(): boolean {
    if (this.alwaysOpen) return false;
    // The reopen is the next boundary ticked (a close ticked, or a start in the halt), or the close
    // is reached and not yet ticked.
    return this.reopen < this.close || (this.at ?? this.now()) >= this.close;
  }

  /** Whether a new order must be refused now: the halt, when the halt refuses. */
  closed(): boolean {
    return this.haltRefuses && this.quiet();
  }

  /** Forward only: the order book, tokens and limits all read this clock and never go back. */
  advance(ms: number): ClockReading {
    if (!Number.isFinite(ms) || ms < 0)
      throw new Error(`advanceMs must be a number of milliseconds, 0 or more (got ${ms})`);
    this.offset += ms;
    this.tick();
    return this.reading();
  }

  /**
   * Carries out each close and reopen the clock has reached, in the order they came (called on a
   * timer and after a move). A move from the halt past the next close reopens first, so the
   * orders the reopen reaches trade before the close expires the Day ones.
   */
  tick(): void {
    if (this.alwaysOpen) return;
    const now = this.now();
    for (
      let next = Math.min(this.close, this.reopen);
      next <= now;
      next = Math.min(this.close, this.reopen)
    ) {
      this.at = next;
      try {
        if (next === this.close) {
          this.close = sessionCloseAfter(next);
          this.endSession();
        } else {
          this.reopen = reopenAfter(next);
          this.newTradeDate();
        }
      } finally {
        this.at = undefined;
      }
    }
  }

  /** The session ends now, without moving the clock; the next close stays where it was. */
  endNow(): number {
    return this.endSession();
  }
}
