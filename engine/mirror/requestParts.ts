/**
 * What the mirror's requests share (the sender's placements and cancels, the modifies): a gateway
 * call made safe, and a leg's fields as the journal's MirrorEvent says them.
 */
import { defined } from "../defined.js";
import { messageOf } from "../messageOf.js";
import type { Clock, MirrorEvent, OrderResult } from "../types.js";
import type { WantLeg } from "./types.js";

export function legFields({ side, terms }: WantLeg): Partial<MirrorEvent> {
  const { orderType, remaining: qty, price, stopPrice, trail } = terms;
  return defined({ side, orderType, qty, price, stopPrice, trail });
}

/** A gateway call whose synchronous refusal (a leader, a malformed order) becomes a failed result. */
export function attempt(clock: Clock, call: () => Promise<OrderResult>): Promise<OrderResult> {
  try {
    return call();
  } catch (error) {
    const text = messageOf(error);
    return Promise.resolve({ ok: false, failureReason: "refused", failureText: text, ackAt: clock.mono() });
  }
}
