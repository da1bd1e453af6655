/**
 * Issue 14: the gateway's working-order operations pass the same leader guard as copies, refuse
 * malformed terms before the broker is touched, and say "Unsupported" for an OCO on a broker
 * without one.
 */
import { describe, expect, it } from "vitest";
import { AccountDirectory } from "../../engine/accounts/directory.js";
import { LeaderGuardError, OrderGateway } from "../../engine/orders/gateway.js";
import type { EngineEvent } from "../../engine/types.js";
import { buildConfig } from "../copier/harness.js";
import { FakeVenue, ManualClock } from "../mirror/fakeVenue.js";

function setup(nativeOco = true) {
  const clock = new ManualClock();
  const venue = new FakeVenue(
    clock,
    [
      { id: 1, name: "L" },
      { id: 2, name: "F" },
    ],
    nativeOco,
  );
  const config = buildConfig([{ name: "G", leader: "L", followers: [{ account: "F" }] }]);
  for (const a of config.accounts) a.connection = "fake";
  const directory = new AccountDirectory();
  directory.setConfig(config);
  directory.learn(venue, venue.accountList);
  const events: EngineEvent[] = [];
  const gateway = new OrderGateway({ clock, emit: (e) => events.push(e), leaders: directory });
  return { venue, gateway, events };
}

const stop = {
  symbol: "ESZ6",
  side: "Sell" as const,
  qty: 1,
  clOrdId: "mm-1-2-a",
  orderType: "Stop" as const,
  stopPrice: 6790,
};

describe("gateway: working orders", () => {
  it("never places, modifies or cancels a working order on a leader, by name or by id", () => {
    const { venue, gateway, events } = setup();
    expect(() => gateway.placeWorking({ follower: "L", session: venue, accountId: 99, ...stop })).toThrow(
      LeaderGuardError,
    );
    expect(() =>
      gateway.placeOco({
        follower: "F",
        session: venue,
        accountId: 1,
        ...stop,
        other: { action: "Sell", orderType: "Limit", price: 6820, clOrdId: "mm-2-2-a" },
      }),
    ).toThrow(LeaderGuardError);
    expect(() =>
      gateway.modify({
        follower: "F",
        session: venue,
        accountId: 1,
        orderId: 5,
        qty: 1,
        orderType: "Stop",
        stopPrice: 6791,
      }),
    ).toThrow(LeaderGuardError);
    expect(venue.sent).toEqual([]);
    expect(events.every((e) => e.type === "alert" && e.level === "error")).toBe(true);
  });

  it("refuses terms a type cannot have before the broker is touched", () => {
    const { venue, gateway } = setup();
    const f = { follower: "F", session: venue, accountId: 2 };
    expect(() => gateway.placeWorking({ ...f, ...stop, stopPrice: undefined })).toThrow(/stop price/);
    expect(() => gateway.placeWorking({ ...f, ...stop, orderType: "Limit", price: 0 })).toThrow(/price/);
    expect(() => gateway.placeWorking({ ...f, ...stop, qty: 1.5 })).toThrow(/whole number/);
    expect(() => gateway.modify({ ...f, orderId: 9, qty: 0, orderType: "Stop", stopPrice: 6790 })).toThrow(
      /qty/,
    );
    expect(venue.sent).toEqual([]);
  });

  it("sends type, prices and time in force; an OCO on a broker without one is 'Unsupported'", async () => {
    const { venue, gateway } = setup(false);
    const f = { follower: "F", session: venue, accountId: 2 };
    expect((await gateway.placeWorking({ ...f, ...stop, timeInForce: "GTC", exit: true })).ok).toBe(true);
    expect(venue.sent[0]!.body).toMatchObject({
      orderType: "Stop",
      stopPrice: 6790,
      timeInForce: "GTC",
      exit: true,
    });
    const oco = await gateway.placeOco({
      ...f,
      ...stop,
      other: { action: "Sell", orderType: "Limit", price: 6820, clOrdId: "mm-2-2-a" },
    });
    expect(oco).toMatchObject({ ok: false, failureReason: "Unsupported" });
    expect(venue.sent).toHaveLength(1);
  });
});
