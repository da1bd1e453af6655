import { addDays, chicagoDate, chicagoInstant } from "../windows/chicago.js";

/**
 * The simulator's clock and its trading session. CME Globex halts the products the simulator
 * lists (equity index, energy, metals) at 16:00 CT, Monday to Friday, and reopens them at 17:00 CT
 * (the new trade date; Sunday 17:00 CT after the weekend). Day orders die at the close
 * (tradovate-protocol.md §8.4.10); the hour after it is Tradovate's maintenance window (§1).
 * Holidays are not modelled.
 */

const CLOSE_MINUTES_CT = 16 * 60;

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

export interface ClockReading {
  now: string;
  /** When the current session closes (Day orders expire then). */
  sessionEnd: string;
}

/**
 * The machine's clock, moved forward on demand so tests reach a close without waiting; the
 * session ends whenever the clock passes its close, moved or not.
 */
export class SessionClock {
  private offset = 0;
  private close: number;

  constructor(
    /** Ends the session: Day orders expire. Returns how many did. */
    private readonly endSession: () => number,
    private readonly wall: () => number = Date.now,
  ) {
    this.close = sessionCloseAfter(this.now());
  }

  readonly now = (): number => this.wall() + this.offset;

  reading(): ClockReading {
    return { now: new Date(this.now()).toISOString(), sessionEnd: new Date(this.close).toISOString() };
  }

  /** Forward only: the order book, tokens and limits all read this clock and never go back. */
  advance(ms: number): ClockReading {
    if (!Number.isFinite(ms) || ms < 0)
      throw new Error(`advanceMs must be a number of milliseconds, 0 or more (got ${ms})`);
    this.offset += ms;
    this.tick();
    return this.reading();
  }

  /** Ends the session if the clock has reached its close (called on a timer and after a move). */
  tick(): void {
    const now = this.now();
    if (now < this.close) return;
    this.close = sessionCloseAfter(now);
    this.endSession();
  }

  /** The session ends now, without moving the clock; the next close stays where it was. */
  endNow(): number {
    return this.endSession();
  }
}
