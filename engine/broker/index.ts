/** engine/broker: one BrokerSession per login, Tradovate's or ProjectX's. */
import type { BrokerSession } from "../types.js";
import { ProjectXBrokerSession, type ProjectXSessionOptions } from "./projectx/session.js";
import { type BrokerSessionOptions, TradovateBrokerSession } from "./session.js";

export { RENEWING_FOR_ACCOUNTS } from "./advice.js";
export { tradovateEndpoints } from "./endpoints.js";
export { BrokerRequestError } from "./errors.js";
export { TRANSPORT_FAILURES } from "./orders.js";
export type { Credentials } from "./rest.js";
export type { BrokerSessionOptions } from "./session.js";
export type { WebSocketConstructor, WebSocketLike } from "./socket.js";

export function createBrokerSession(opts: BrokerSessionOptions): BrokerSession {
  return new TradovateBrokerSession(opts);
}

export type { ProjectXSessionOptions } from "./projectx/session.js";
export { PROJECTX_ROOTS } from "./projectx/symbols.js";

/** ProjectX's public hosts: TopstepX's (projectx-protocol.md "Hosts"). */
export const TOPSTEPX_HOSTS = Object.freeze({
  apiUrl: "https://api.topstepx.com",
  userHubUrl: "https://rtc.topstepx.com/hubs/user",
  marketHubUrl: "https://rtc.topstepx.com/hubs/market",
});

export function createProjectXSession(opts: ProjectXSessionOptions): BrokerSession {
  return new ProjectXBrokerSession(opts);
}
