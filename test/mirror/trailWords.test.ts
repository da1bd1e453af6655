/**
 * A mirrored trailing stop's distance wherever its stop price is shown: the working-order lines
 * the engine hands the console and headless (from the broker's report, or for a ProjectX
 * follower, whose reports do not say it, from mimik's own placement), the headless lines, and
 * `mimik log`'s lines for the journal's mirror entries. Without it a trailing stop reads as a
 * plain stop that will not move.
 */
import { describe, expect, it } from "vitest";
import { formatEntry } from "../../data/journal/format.js";
import { mirrorClOrdId } from "../../engine/mirror/clOrdIds.js";
import { orderLines } from "../../engine/mirror/screenLines.js";
import type { Held } from "../../engine/mirror/types.js";
import { priceWords } from "../../engine/priceWords.js";
import type { MirrorEvent, WorkingOrder, WorkingOrdersEvent } from "../../engine/types.js";
import { describeEvent } from "../../src/headless/format.js";

const base: MirrorEvent = {
  type: "mirror",
  at: 0,
  group: "G",
  follower: "F",
  contract: "MESZ6",
  leaderOrderId: 4567,
  action: "place",
  outcome: "sent",
  reason: "protects the position",
  side: "Sell",
  qty: 1,
};
const mirror = (patch: Partial<MirrorEvent>): MirrorEvent => ({ ...base, ...patch });
const working = (patch: Partial<WorkingOrdersEvent["orders"][number]>): WorkingOrdersEvent => ({
  type: "workingOrders",
  at: 0,
  account: "F",
  orders: [
    {
      orderId: 9,
      contract: "MESZ6",
      side: "Sell",
      orderType: "TrailingStop",
      qty: 2,
      status: "Working",
      leaderOrderId: 4567,
      ...patch,
    },
  ],
  notMirrored: [],
});
const placedTrailing = mirror({ orderType: "TrailingStop", stopPrice: 6790, trail: 4 });
const modifiedTrailing = mirror({ action: "modify", orderType: "TrailingStop", trail: 4 });

describe("an order's prices in words", () => {
  it.each([
    [{ price: 6820 }, "6820"],
    [{ stopPrice: 6790 }, "6790"],
    [{ stopPrice: 6790, price: 6789.75 }, "6790/6789.75"],
    [{ stopPrice: 6790.25, trail: 4 }, "6790.25 (trail 4)"],
    [{ trail: 2.5 }, "(trail 2.5)"],
    [{}, ""],
  ])("%o reads %j", (order, words) => {
    expect(priceWords(order)).toBe(words);
  });
});

describe("headless lines show a trailing stop's distance after its stop", () => {
  it.each<[string, MirrorEvent | WorkingOrdersEvent, string]>([
    [
      "a trailing stop placed",
      placedTrailing,
      "MIRR  F place Sell 1 TrailingStop 6790 (trail 4) MESZ6 ← leader order 4567: protects the position",
    ],
    [
      "a trailing stop's quantity modified (its stop trails at the broker: no stop sent)",
      modifiedTrailing,
      "MIRR  F modify Sell 1 TrailingStop (trail 4) MESZ6 ← leader order 4567: protects the position",
    ],
    [
      "a working trailing stop",
      working({ stopPrice: 6805, trail: 10 }),
      "ORDS  F Sell 2 MESZ6 TrailingStop 6805 (trail 10) ← 4567",
    ],
  ])("%s", (_, event, line) => {
    expect(describeEvent(event)).toBe(line);
  });
});

describe("mimik log shows a journaled trailing stop's distance after its stop", () => {
  const entry = (e: MirrorEvent) =>
    formatEntry({ seq: 1, prev: "", ...e, at: "2026-11-20T14:03:22.000Z" } as never);
  it.each<[string, MirrorEvent, string]>([
    [
      "placed",
      placedTrailing,
      "place sent Sell 1 TrailingStop 6790 (trail 4) MESZ6 <- leader order 4567 (protects the position)",
    ],
    [
      "modified",
      modifiedTrailing,
      "modify sent Sell 1 TrailingStop (trail 4) MESZ6 <- leader order 4567 (protects the position)",
    ],
  ])("%s", (_, e, line) => {
    expect(entry(e)).toBe(`2026-11-20 14:03:22.000Z  mirror           F              ${line}`);
  });
});

describe("a follower's working-order lines carry a trailing stop's distance", () => {
  const clOrdId = mirrorClOrdId(4567, 2, "abc");
  const open = (patch: Partial<WorkingOrder>): WorkingOrder => ({
    orderId: 9,
    accountId: 2,
    contractId: "1",
    contract: "MESZ6",
    side: "Sell",
    orderType: "TrailingStop",
    qty: 2,
    stopPrice: 6805,
    status: "Working",
    clOrdId,
    ...patch,
  });
  const held: Held = {
    orderId: 9,
    clOrdId,
    leaderId: 4567,
    contract: "MESZ6",
    set: "abc",
    side: "Sell",
    orderType: "TrailingStop",
    qty: 2,
    filled: 0,
    trail: 10,
  };
  it.each<[string, WorkingOrder, Held[], number]>([
    ["as the broker reports it (Tradovate)", open({ trail: 10 }), [], 10],
    ["as mimik placed it, its broker's report silent (ProjectX)", open({}), [held], 10],
    ["the broker's word over mimik's memory", open({ trail: 12 }), [held], 12],
  ])("%s", (_, order, mine, trail) => {
    const [line] = orderLines([order], 2, mine);
    expect(line).toMatchObject({ orderType: order.orderType, stopPrice: 6805, leaderOrderId: 4567 });
    expect(line?.trail).toBe(trail);
  });
});
