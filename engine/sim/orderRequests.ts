import { z } from "zod";
import type { StrategyBracket } from "./links.js";
import type { OrderTerms, Side } from "./order.js";

/**
 * Tradovate's order request bodies (tradovate-protocol.md §5) and the business checks Tradovate
 * makes on them. A body that does not parse is a malformed request (HTTP 400 "Violation"); a body
 * that parses but breaks a trading rule is a business error, answered HTTP 200 with
 * `{failureReason, failureText}` as Tradovate does.
 */

const side = z.enum(["Buy", "Sell"]);
const orderType = z.enum([
  "Market",
  "Limit",
  "Stop",
  "StopLimit",
  "MIT",
  "QTS",
  "TrailingStop",
  "TrailingStopLimit",
]);
const timeInForce = z.enum(["Day", "FOK", "GTC", "GTD", "IOC"]);
const tag = z.string().max(64);

/** What every order version may say (Tradovate's RestrainedOrderVersion: a bracket or OCO partner). */
const versionFields = {
  orderType,
  price: z.number().optional(),
  stopPrice: z.number().optional(),
  maxShow: z.number().int().optional(),
  pegDifference: z.number().optional(),
  timeInForce: timeInForce.optional(),
  expireTime: z.string().optional(),
  text: tag.optional(),
};

const restrained = z.looseObject({ action: side, clOrdId: tag.optional(), ...versionFields });
export type RestrainedOrder = z.infer<typeof restrained>;

export const placeOrderBody = z.looseObject({
  accountSpec: z.string().optional(),
  accountId: z.number().int().optional(),
  clOrdId: tag.optional(),
  action: side,
  symbol: z.union([z.string().min(1), z.number().int()]),
  orderQty: z.number().int().positive(),
  ...versionFields,
  customTag50: tag.optional(),
  isAutomated: z.boolean().optional(),
});
export type PlaceOrderBody = z.infer<typeof placeOrderBody>;

export const placeOcoBody = placeOrderBody.extend({ other: restrained });
export const placeOsoBody = placeOrderBody.extend({ bracket1: restrained, bracket2: restrained.optional() });

export const modifyOrderBody = z.looseObject({
  orderId: z.number().int(),
  clOrdId: tag.optional(),
  orderQty: z.number().int().positive(),
  ...versionFields,
  customTag50: tag.optional(),
  isAutomated: z.boolean().optional(),
});

export const cancelOrderBody = z.looseObject({
  orderId: z.number().int(),
  clOrdId: tag.optional(),
  customTag50: tag.optional(),
  isAutomated: z.boolean().optional(),
});

export const liquidateBody = z.looseObject({
  accountId: z.number().int(),
  contractId: z.number().int(),
  admin: z.boolean().optional(),
  customTag50: tag.optional(),
  isAutomated: z.boolean().optional(),
});

export const startStrategyBody = z.looseObject({
  accountId: z.number().int().optional(),
  accountSpec: z.string().optional(),
  symbol: z.union([z.string().min(1), z.number().int()]),
  action: side,
  orderStrategyTypeId: z.number().int(),
  params: z.string(),
  customTag50: tag.optional(),
  isAutomated: z.boolean().optional(),
});

export const interruptStrategyBody = z.looseObject({ orderStrategyId: z.number().int() });

/** The JSON inside startorderstrategy's `params` (Tradovate's multibracket, type 2). */
const strategyParams = z.looseObject({
  entryVersion: z.looseObject({ orderQty: z.number().int().positive(), ...versionFields }),
  brackets: z
    .array(
      z.looseObject({
        qty: z.number().int().positive(),
        profitTarget: z.number().optional(),
        stopLoss: z.number().optional(),
        trailingStop: z.boolean().optional(),
      }),
    )
    .min(1, "needs at least one bracket"),
});
export type StrategyParams = z.infer<typeof strategyParams>;

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
}

export interface Failure {
  failureReason: string;
  failureText: string;
}

const failure = (failureReason: string, failureText: string): { ok: false; failure: Failure } => ({
  ok: false,
  failure: { failureReason, failureText },
});

function onTick(price: number, tick: number): boolean {
  const steps = price / tick;
  return Number.isFinite(steps) && Math.abs(steps - Math.round(steps)) < 1e-6;
}

export type VersionFields = Pick<
  RestrainedOrder,
  "orderType" | "price" | "stopPrice" | "pegDifference" | "timeInForce" | "expireTime" | "text"
>;

/**
 * Tradovate's checks on one order version: a supported type, the prices that type needs, on the
 * product's tick grid, and an expiry for GTD. `market` is the current price (a trailing stop's
 * distance defaults to how far its stop is from it).
 */
export function checkTerms(
  v: VersionFields,
  qty: number,
  product: { name: string; tickSize: number },
  market: number,
  now: number,
): { ok: true; terms: OrderTerms } | { ok: false; failure: Failure } {
  const type = v.orderType;
  if (type === "MIT" || type === "QTS" || type === "TrailingStopLimit")
    return failure("Unsupported", `The simulator does not support ${type} orders`);
  const needsPrice = type === "Limit" || type === "StopLimit";
  const needsStop = type === "Stop" || type === "StopLimit" || type === "TrailingStop";
  if (needsPrice && v.price === undefined) return failure("InvalidPrice", `${type} orders need a price`);
  if (needsStop && v.stopPrice === undefined)
    return failure("InvalidPrice", `${type} orders need a stopPrice`);
  for (const [field, value] of [
    ["price", needsPrice ? v.price : undefined],
    ["stopPrice", needsStop ? v.stopPrice : undefined],
    ["pegDifference", type === "TrailingStop" ? v.pegDifference : undefined],
  ] as const) {
    if (value === undefined) continue;
    if (value <= 0 || !onTick(value, product.tickSize))
      return failure(
        "InvalidPrice",
        `${field} ${value} is not a positive multiple of ${product.name}'s tick size ${product.tickSize}`,
      );
  }
  const tif = v.timeInForce ?? "Day";
  let expireTime: string | undefined;
  if (tif === "GTD") {
    const at = v.expireTime === undefined ? Number.NaN : Date.parse(v.expireTime);
    if (Number.isNaN(at)) return failure("UnknownReason", "GTD orders need an expireTime (an ISO date-time)");
    if (at <= now) return failure("TooLate", `expireTime ${v.expireTime} has already passed`);
    expireTime = new Date(at).toISOString();
  }
  return {
    ok: true,
    terms: {
      type,
      qty,
      ...(needsPrice ? { price: v.price } : {}),
      ...(needsStop ? { stopPrice: v.stopPrice } : {}),
      ...(type === "TrailingStop" ? { trail: v.pegDifference ?? Math.abs(market - v.stopPrice!) } : {}),
      timeInForce: tif,
      ...(expireTime !== undefined ? { expireTime } : {}),
      ...(v.text !== undefined ? { text: v.text } : {}),
    },
  };
}

/** Parse and check a strategy's params; brackets are priced from the entry's fill, so only offsets are checked here. */
export function checkStrategy(
  text: string,
  action: Side,
  tickSize: number,
): { ok: true; params: StrategyParams; brackets: StrategyBracket[] } | { ok: false; errorText: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, errorText: "params must be a JSON string with entryVersion and brackets" };
  }
  const parsed = strategyParams.safeParse(json);
  if (!parsed.success) return { ok: false, errorText: `params: ${describeIssues(parsed.error)}` };
  const { entryVersion, brackets } = parsed.data;
  const total = brackets.reduce((sum, b) => sum + b.qty, 0);
  if (total !== entryVersion.orderQty)
    return {
      ok: false,
      errorText: `the brackets' qty (${total} in all) must add up to entryVersion.orderQty (${entryVersion.orderQty})`,
    };
  const up = action === "Buy" ? 1 : -1;
  for (const [i, b] of brackets.entries()) {
    for (const [field, value, sign] of [
      ["profitTarget", b.profitTarget, up],
      ["stopLoss", b.stopLoss, -up],
    ] as const) {
      if (value === undefined) continue;
      if (Math.sign(value) !== sign)
        return {
          ok: false,
          errorText: `brackets[${i}].${field} must be ${sign > 0 ? "above" : "below"} the entry for a ${action} (a ${sign > 0 ? "positive" : "negative"} offset)`,
        };
      if (!onTick(Math.abs(value), tickSize))
        return {
          ok: false,
          errorText: `brackets[${i}].${field} ${value} is not a multiple of the tick size ${tickSize}`,
        };
    }
  }
  return {
    ok: true,
    params: parsed.data,
    brackets: brackets.map((b) => ({
      qty: b.qty,
      profitTarget: b.profitTarget,
      stopLoss: b.stopLoss,
      trailingStop: b.trailingStop ?? false,
    })),
  };
}

/**
 * Tradovate lets a trailing stop change its quantity only (failureReason
 * TrailingStopNonOrderQtyModify): another type, trail distance, stop or time in force is refused.
 * What the body leaves out stays the order's own (its stop keeps trailing from where it is).
 * Returns the body to apply, or the refusal.
 */
export function trailingStopModify<B extends VersionFields>(
  o: Pick<OrderTerms, "type" | "stopPrice" | "trail" | "timeInForce">,
  body: B,
): { ok: true; body: B } | { ok: false; failure: Failure } {
  if (o.type !== "TrailingStop") return { ok: true, body };
  const changed =
    body.orderType !== "TrailingStop" ||
    (body.pegDifference !== undefined && body.pegDifference !== o.trail) ||
    (body.stopPrice !== undefined && body.stopPrice !== o.stopPrice) ||
    (body.timeInForce !== undefined && body.timeInForce !== o.timeInForce);
  if (changed)
    return failure(
      "TrailingStopNonOrderQtyModify",
      "A trailing stop's quantity is all a modify may change: cancel it and place a new one",
    );
  return {
    ok: true,
    body: { ...body, stopPrice: o.stopPrice, pegDifference: o.trail, timeInForce: o.timeInForce },
  };
}
