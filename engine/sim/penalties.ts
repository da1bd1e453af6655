import { randomBytes } from "node:crypto";
import type { Faults } from "./faults.js";
import { PENALISED } from "./faults.js";
import { ok, type Reply } from "./reply.js";

/**
 * Penalty tickets, enforced (tradovate-protocol.md §2.1, §6): the control API arms the next N
 * calls to auth and order entry with a p-ticket reply; the call may then be resent with the same
 * body plus `"p-ticket"` once `p-time` has passed. A resend before p-time, or the same body resent
 * without the ticket, gets the penalty again: nothing reaches the order engine until the ticket
 * is honoured.
 */

interface Ticket {
  endpoint: string;
  /** The request body without "p-ticket", as JSON: what a blind resend repeats. */
  body: string;
  notBefore: number;
  /** After this the ticket is forgotten (a very late resend is a new request). */
  expiresAt: number;
  captcha: boolean;
}

/** setTimeout may fire a hair early; a resend this close to p-time counts as on time. */
const EARLY_TOLERANCE_MS = 25;

export class Penalties {
  private readonly tickets = new Map<string, Ticket>();

  constructor(
    private readonly faults: Faults,
    private readonly now: () => number,
  ) {}

  /** A penalty reply for this call, or undefined to serve it. `endpoint` is lower-case. */
  check(endpoint: string, body: unknown): Reply | undefined {
    const now = this.now();
    for (const [id, t] of this.tickets) if (t.expiresAt <= now) this.tickets.delete(id);
    const rec = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const { "p-ticket": presented, ...rest } = rec;
    const key = JSON.stringify(rest);
    if (typeof presented === "string") {
      const t = this.tickets.get(presented);
      if (t && t.endpoint === endpoint) {
        if (t.captcha || now < t.notBefore - EARLY_TOLERANCE_MS) return this.reply(presented, t, now);
        this.tickets.delete(presented);
        return undefined;
      }
    }
    for (const [id, t] of this.tickets) {
      if (t.endpoint === endpoint && t.body === key) return this.reply(id, t, now);
    }
    const armed = this.faults.penalty;
    if (!PENALISED.has(endpoint) || armed.remaining <= 0) return undefined;
    armed.remaining -= 1;
    const id = randomBytes(12).toString("hex");
    const waitMs = armed.pTime * 1000;
    const t: Ticket = {
      endpoint,
      body: key,
      notBefore: now + waitMs,
      expiresAt: now + waitMs + 60_000,
      captcha: armed.captcha,
    };
    this.tickets.set(id, t);
    return this.reply(id, t, now);
  }

  private reply(id: string, t: Ticket, now: number): Reply {
    // p-time is what is left of the wait, in seconds (tenths: tests use short waits).
    const left = Math.max(0, Math.ceil((t.notBefore - now) / 100) / 10);
    return ok({ "p-ticket": id, "p-time": left, ...(t.captcha ? { "p-captcha": true } : {}) });
  }
}
