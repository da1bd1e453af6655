import type { Target } from "./sender.js";
import type { Held, Terms } from "./types.js";

/** A modify the broker took (its command id), and what it asked. */
export interface TakenModify {
  t: Target;
  leaderId: number;
  terms: Terms;
  /** What the order had filled when it was asked (the modify asked for filled + remaining). */
  filled: number;
  /** The order as it stood when asked (what it stays at if refused). */
  from: Held;
}

/** Modifies remembered per order, and refusals heard before their answer (each a few). */
const KEPT = 500;

/**
 * Tradovate answers a modify with its command id once it takes it; its risk checks may still
 * refuse it after, in the command's report (tradovate-protocol.md §3.6, §5.1), and the order keeps
 * its terms. Which modify a report refuses is matched by command id: the answer and the report
 * may come in either order. A refusal matched is told once.
 */
export class ModifyReports {
  /** clOrdId → the order's latest modify taken, with its command id. */
  private readonly taken = new Map<string, TakenModify & { commandId: number }>();
  /** Command ids refused in a report before their answer came, and why. */
  private readonly early = new Map<number, string>();

  /** The broker took a modify: returns why, if its report refused it already. */
  answered(clOrdId: string, commandId: number, modify: TakenModify): string | undefined {
    const why = this.early.get(commandId);
    if (why !== undefined) {
      this.early.delete(commandId);
      return why;
    }
    this.taken.delete(clOrdId);
    this.taken.set(clOrdId, { ...modify, commandId });
    if (this.taken.size > KEPT) this.taken.delete(this.taken.keys().next().value as string);
    return undefined;
  }

  /** A report refused command `commandId` of order `clOrdId`: the modify it refuses, if known now. */
  refused(clOrdId: string, commandId: number, why: string): TakenModify | undefined {
    const modify = this.taken.get(clOrdId);
    if (modify?.commandId === commandId) {
      this.taken.delete(clOrdId);
      return modify;
    }
    // Not our latest modify of the order: an older one told again (ignored), or its answer to come.
    if (modify === undefined || modify.commandId < commandId) {
      this.early.set(commandId, why);
      if (this.early.size > KEPT) this.early.delete(this.early.keys().next().value as number);
    }
    return undefined;
  }
}
