import { describe, expect, it } from "vitest";
import { ProjectXIntake } from "../../../engine/broker/projectx/intake.js";
import { ProjectXModel } from "../../../engine/broker/projectx/model.js";
import { projectxSymbols } from "../../../engine/broker/projectx/symbols.js";
import type { BrokerEvent } from "../../../engine/types.js";
import { recordingLogger } from "../helpers/collect.js";
import { FakeClock } from "../helpers/fakeClock.js";

const ACCOUNT = 11;
const ES = "CON.F.US.EP.Z26";

function intake() {
  const model = new ProjectXModel("px", projectxSymbols(), () => 1_000);
  const account = { id: ACCOUNT, name: "TSX1", balance: 50_000, canTrade: true };
  model.setAccounts([account], undefined);
  model.applySnapshot({ accounts: [account], positions: [], orders: [], ended: [], trades: [] }, true);
  const events: BrokerEvent[] = [];
  const logger = recordingLogger();
  const clock = new FakeClock();
  const i = new ProjectXIntake({
    ...{ connection: "px", model, clock, logger, tradeWaitMs: 300 },
    synced: () => true,
    emit: (e) => events.push(e),
  });
  return { i, events, logger, clock, model };
}

const trade = (patch: Record<string, unknown>) => ({
  id: 900,
  accountId: ACCOUNT,
  contractId: ES,
  creationTimestamp: "2026-12-02T15:00:00Z",
  price: 6000,
  profitAndLoss: null,
  fees: 2.25,
  side: 0,
  size: 2,
  voided: false,
  orderId: 500,
  ...patch,
});

describe("ProjectX hub events outside the documented values are skipped and logged, never acted on", () => {
  it("a trade whose side is neither 0 (bid) nor 1 (ask) is no fill", () => {
    const { i, events, logger } = intake();
    i.trade(trade({ side: 2 }), 0 as never);
    i.trade(trade({ id: 901, side: -1 }), 0 as never);
    expect(events.filter((e) => e.type === "fill")).toEqual([]);
    expect(logger.lines.filter((l) => l.includes("malformed ProjectX event skipped"))).toHaveLength(2);
  });

  it("an order whose side or size is out of range is not taken, nor its fillVolume made a fill", () => {
    const { i, events, clock } = intake();
    const order = {
      id: 500,
      accountId: ACCOUNT,
      contractId: ES,
      status: 2,
      type: 2,
      side: 7,
      size: 2,
      fillVolume: 2,
      filledPrice: 6000,
      customTag: "mk-1-11",
    };
    i.order(order);
    i.order({ ...order, id: 501, side: 0, size: -2 });
    clock.advance(1_000);
    expect(events).toEqual([]);
  });

  it("a position of a negative size or an unknown type is not a position", () => {
    const { i, events, model } = intake();
    i.position({ id: 1, accountId: ACCOUNT, contractId: ES, type: 1, size: -2, averagePrice: 6000 });
    i.position({ id: 1, accountId: ACCOUNT, contractId: ES, type: 1, size: 2.5, averagePrice: 6000 });
    expect(events).toEqual([]);
    expect(model.positions(ACCOUNT)).toEqual([]);
  });
});

describe("a fill its order told, waiting for its trade (fillsWaiting: the leader guard waits for it)", () => {
  const filled = {
    id: 500,
    accountId: ACCOUNT,
    contractId: ES,
    status: 2,
    type: 2,
    side: 0,
    size: 2,
    fillVolume: 2,
    filledPrice: 6000,
  };
  const fills = (events: BrokerEvent[]) => events.filter((e) => e.type === "fill");

  it("waits until the fill is made up from the order, then no more", () => {
    const { i, events, clock } = intake();
    expect(i.waiting()).toBe(false);
    i.order(filled);
    expect(i.waiting()).toBe(true);
    clock.advance(299);
    expect(i.waiting()).toBe(true);
    expect(fills(events)).toEqual([]);
    clock.advance(1);
    expect(fills(events)).toHaveLength(1);
    expect(i.waiting()).toBe(false);
  });

  it("waits no more once the trade came, though the wait runs on", () => {
    const { i, events } = intake();
    i.order(filled);
    i.trade(trade({}), 0 as never);
    expect(fills(events)).toHaveLength(1);
    expect(i.waiting()).toBe(false);
  });

  it("an order that filled with its trade already in holds nothing back", () => {
    const { i } = intake();
    i.trade(trade({}), 0 as never);
    i.order(filled);
    expect(i.waiting()).toBe(false);
  });
});
