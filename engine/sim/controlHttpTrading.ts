import { z } from "zod";
import type { SimControl } from "./control.js";
import type { ManualExit, ManualOrder, ManualStrategy, OrderChange } from "./controlTrading.js";

/** `/sim/...` routes for the trading side of the control API (see control-trading.ts). */

type Route = { schema: z.ZodType; run: (c: SimControl, b: never) => unknown };

const symbol = z.string().min(1);
const account = z.string().min(1);
const side = z.enum(["Buy", "Sell"]);
const orderType = z.enum(["Market", "Limit", "Stop", "StopLimit", "TrailingStop"]);
const price = z.number().positive();
const qty = z.number().int().positive();

const order = {
  symbol,
  action: side,
  qty,
  orderType,
  price: price.optional(),
  stopPrice: price.optional(),
  timeInForce: z.enum(["Day", "FOK", "GTC", "GTD", "IOC"]).optional(),
  expireTime: z.string().optional(),
};
const exit = z.strictObject({
  action: side.optional(),
  orderType,
  price: price.optional(),
  stopPrice: price.optional(),
});

type WithAccount<T> = T & { account: string };

export const tradingRoutes: Record<string, Route> = {
  "POST /sim/order": {
    schema: z.strictObject({ account, ...order }),
    run: (c, { account, ...o }: WithAccount<ManualOrder>) => c.placeOrder(account, o),
  },
  "POST /sim/oco": {
    schema: z.strictObject({ account, ...order, other: exit }),
    run: (c, { account, other, ...o }: WithAccount<ManualOrder> & { other: ManualExit }) =>
      c.placeOco(account, o, other),
  },
  "POST /sim/oso": {
    schema: z.strictObject({ account, ...order, bracket1: exit, bracket2: exit.optional() }),
    run: (
      c,
      {
        account,
        bracket1,
        bracket2,
        ...o
      }: WithAccount<ManualOrder> & { bracket1: ManualExit; bracket2?: ManualExit },
    ) => c.placeOso(account, o, bracket1, bracket2),
  },
  "POST /sim/strategy": {
    schema: z.strictObject({
      account,
      symbol,
      action: side,
      entry: z.strictObject({ orderType, price: price.optional(), stopPrice: price.optional() }).optional(),
      brackets: z
        .array(
          z.strictObject({
            qty,
            profitTarget: z.number().optional(),
            stopLoss: z.number().optional(),
            trailingStop: z.boolean().optional(),
          }),
        )
        .min(1),
    }),
    run: (c, { account, ...s }: WithAccount<ManualStrategy>) => c.startStrategy(account, s),
  },
  "POST /sim/modify": {
    schema: z.strictObject({
      orderId: z.number().int(),
      qty: qty.optional(),
      orderType: orderType.optional(),
      price: price.optional(),
      stopPrice: price.optional(),
    }),
    run: (c, { orderId, ...change }: OrderChange & { orderId: number }) => c.modifyOrder(orderId, change),
  },
  "POST /sim/cancel": {
    schema: z.strictObject({ orderId: z.number().int() }),
    run: (c, b: { orderId: number }) => c.cancelOrder(b.orderId),
  },
  "POST /sim/depth": {
    schema: z.strictObject({ symbol, depth: qty.nullable() }),
    run: (c, b: { symbol: string; depth: number | null }) => {
      c.setDepth(b.symbol, b.depth);
      return {};
    },
  },
  "POST /sim/fees": {
    schema: z.strictObject({ symbol, fee: z.number().nonnegative() }),
    run: (c, b: { symbol: string; fee: number }) => {
      c.setFee(b.symbol, b.fee);
      return {};
    },
  },
  "POST /sim/liquidation-only": {
    schema: z.strictObject({ account, on: z.boolean() }),
    run: (c, b: { account: string; on: boolean }) => {
      c.setLiquidationOnly(b.account, b.on);
      return {};
    },
  },
  "POST /sim/bust": {
    schema: z.strictObject({ fillId: z.number().int() }),
    run: (c, b: { fillId: number }) => c.bustFill(b.fillId),
  },
  "POST /sim/events-first": {
    schema: z.strictObject({ on: z.boolean() }),
    run: (c, b: { on: boolean }) => {
      c.eventsBeforeReplies(b.on);
      return {};
    },
  },
};
