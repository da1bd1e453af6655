import type { OrderResult } from "../types.js";

/** Failures that say nothing of what the broker did: the request was written, its answer never came. */
const UNSURE = new Set(["Timeout", "Disconnected", "RequestFailed", "broker error"]);

/**
 * The order was written and then its answer was lost (the socket closed under it, a timeout):
 * the broker may have placed it, even filled it. Only its next snapshot can say.
 */
export function answerLost(result: OrderResult): boolean {
  return !result.ok && result.writtenAt !== undefined && UNSURE.has(result.failureReason);
}
