/** engine/broker: one BrokerSession per Tradovate login. */
import type { BrokerSession } from "../types.js";
import { type BrokerSessionOptions, TradovateBrokerSession } from "./session.js";

export { tradovateEndpoints } from "./endpoints.js";
export { BrokerRequestError } from "./errors.js";
export { TRANSPORT_FAILURES } from "./orders.js";
export type { Credentials } from "./rest.js";
export type { BrokerSessionOptions } from "./session.js";
export type { WebSocketConstructor, WebSocketLike } from "./socket.js";

export function createBrokerSession(opts: BrokerSessionOptions): BrokerSession {
  return new TradovateBrokerSession(opts);
}
