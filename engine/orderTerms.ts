/**
 * The working-order side of the BrokerSession port (issue 14): order types and time in force,
 * the second order of an OCO, and a modify. Re-exported by ./types.ts with the rest of the port.
 */
import type { PlaceOrderRequest, Side } from "./types.js";

/** Order types mimik sends: market copies, and the working orders it mirrors. */
export type OrderType = "Market" | "Limit" | "Stop" | "StopLimit" | "TrailingStop";

/** Day: ends with the trading session; GTC: works until filled or cancelled. */
export type TimeInForce = "Day" | "GTC";

/** The second order of a one-cancels-other pair: same account, contract and quantity as the first. */
export interface OcoLeg {
  action: Side;
  orderType: OrderType;
  price?: number;
  stopPrice?: number;
  /** TrailingStop: how far its stop follows the price (see PlaceOrderRequest). */
  trail?: number;
  /** Its own field in placeoco (`other` is a whole order version): say it; the first order's is not implied. */
  timeInForce?: TimeInForce;
  /** ≤ 64 chars, like the first order's. */
  clOrdId: string;
}

export interface PlaceOcoRequest extends PlaceOrderRequest {
  other: OcoLeg;
}

/** New terms for a working order. `qty` is the whole quantity, what already filled included. */
export interface ModifyOrderRequest {
  accountId: number;
  orderId: number;
  qty: number;
  orderType: OrderType;
  price?: number;
  stopPrice?: number;
  /**
   * TrailingStop: a new distance, for a broker that modifies one (ProjectX's trailPrice). The
   * mirror never says it: Tradovate refuses a trailing stop's modify of anything but its quantity.
   */
  trail?: number;
  timeInForce?: TimeInForce;
  /** The order only reduces a position: the request may use the budget kept for exits. */
  exit?: boolean;
}
