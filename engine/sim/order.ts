/**
 * The simulator's own order model, independent of any broker's wire format: what an order says
 * (its terms), where it stands (state, filled), who sent it and what it is linked to. The
 * Tradovate face renders it as order/orderVersion/command entities (entities.ts); a second broker
 * face can render the same orders its own way.
 */

export type Side = "Buy" | "Sell";
export type OrderType = "Market" | "Limit" | "Stop" | "StopLimit" | "TrailingStop";
export type TimeInForce = "Day" | "FOK" | "GTC" | "GTD" | "IOC";
export type OrderState =
  | "PendingNew"
  | "Suspended"
  | "Working"
  | "Filled"
  | "Canceled"
  | "Rejected"
  | "Expired";

/** Who asked for something: a session through the API, or the trader's own window (sessionId 0). */
export interface Origin {
  userId: number;
  sessionId: number;
  isAutomated: boolean;
  clOrdId?: string | undefined;
  customTag50?: string | undefined;
}

/** One version of an order: what a new order or a modify says. */
export interface OrderTerms {
  type: OrderType;
  qty: number;
  price?: number | undefined;
  stopPrice?: number | undefined;
  /** TrailingStop: how far the stop follows behind the best price since it was placed. */
  trail?: number | undefined;
  timeInForce: TimeInForce;
  expireTime?: string | undefined;
  text?: string | undefined;
}

export interface Instrument {
  accountId: number;
  contractId: number;
  /** Contract name, e.g. ESZ6. */
  symbol: string;
  /** Product root, e.g. ES: depth, fees and prices are per product. */
  product: string;
  tickSize: number;
}

export interface SimOrder extends OrderTerms, Instrument {
  id: number;
  action: Side;
  state: OrderState;
  filled: number;
  /** Σ qty × price of the fills, for the average price. */
  filledValue: number;
  /** A StopLimit whose stop was reached: it now rests as a limit. */
  triggered: boolean;
  origin: Origin;
  /** Id of the request that created the current version (Tradovate: orderVersion.id == command.id). */
  versionId: number;
  /** Id of the request that created the order. */
  newRequestId: number;
  /** OSO bracket or strategy leg: the entry order that must fill first. */
  parentId?: number | undefined;
  /** OCO: the order cancelled when this one fills; ocoId names the pair (its first order). */
  linkedId?: number | undefined;
  ocoId?: number | undefined;
  strategyId?: number | undefined;
  failureReason?: string | undefined;
  failureText?: string | undefined;
}

/** A request the order engine acted on; rendered as a Tradovate `command`. */
export interface OrderRequest {
  id: number;
  kind: "New" | "Modify" | "Cancel";
  origin: Origin;
}

export const OPEN_STATES: ReadonlySet<OrderState> = new Set(["PendingNew", "Suspended", "Working"]);

export const isOpen = (o: SimOrder): boolean => OPEN_STATES.has(o.state);

export const remaining = (o: SimOrder): number => o.qty - o.filled;

export const signed = (action: Side, qty: number): number => (action === "Buy" ? qty : -qty);

export const opposite = (action: Side): Side => (action === "Buy" ? "Sell" : "Buy");

export function averagePrice(o: SimOrder): number | undefined {
  return o.filled > 0 ? o.filledValue / o.filled : undefined;
}
