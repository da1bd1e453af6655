import { afterEach, describe, expect, it } from "vitest";
import { trailingFloor } from "../../engine/sim/autoLiquidation.js";
import { parseScenario, type Simulator } from "../../engine/sim/index.js";
import { defaultScenario } from "../../engine/sim/scenario.js";
import { type RawClient, startSim, syncedClient, waitFor } from "./helpers.js";

/**
 * Tradovate's server-side trailing max drawdown (userAccountAutoLiq.trailingMaxDrawdown, its Mode
 * and Limit; tradovate-protocol.md §4, §8.3, §9): net liquidation falling that far below its high
 * liquidates and locks the account.
 */

describe("the trailing floor", () => {
  it.each([
    ["the high less the drawdown", { high: 50_000, drawdown: 2000 }, 48_000],
    ["it rises with the high", { high: 53_000, drawdown: 2000 }, 51_000],
    ["it stops rising at the limit", { high: 53_000, drawdown: 2000, limit: 50_100 }, 50_100],
    ["below the limit the limit does nothing", { high: 51_000, drawdown: 2000, limit: 50_100 }, 49_000],
  ])("%s", (_what, input, floor) => {
    expect(trailingFloor(input.high, input.drawdown, "limit" in input ? input.limit : undefined)).toBe(floor);
  });
});

let sim: Simulator;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
});

function prop(account: Record<string, unknown>) {
  return parseScenario({
    ...defaultScenario,
    users: [
      { name: "prop", password: "prop", accounts: [{ name: "APEX3001", balance: 50_000, ...account }] },
    ],
  });
}

const buyAgain = (c: RawClient) =>
  c.request("order/placeorder", {
    accountId: 700001,
    action: "Buy",
    symbol: "ESZ6",
    orderQty: 1,
    orderType: "Market",
    isAutomated: true,
  });

describe("trailing max drawdown auto-liquidation", () => {
  it("RealTime: open profit raises the high; giving back the drawdown from it liquidates and locks, still in profit", async () => {
    sim = await startSim({ scenario: prop({ trailingMaxDrawdown: 1000 }) });
    const c = await syncedClient(sim, "prop");
    clients.push(c);
    const snapshot = c.messages.find((m) => (m.d as { users?: unknown })?.users)!.d as {
      userAccountAutoLiqs: Array<Record<string, unknown>>;
    };
    expect(snapshot.userAccountAutoLiqs[0]).toMatchObject({
      id: 700001,
      trailingMaxDrawdown: 1000,
      trailingMaxDrawdownMode: "RealTime",
      changesLocked: true,
    });
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1); // net liq 49 997.75 after the fee
    sim.control.setPrice("ES", 6830); // +$1 500 open: the high is 51 497.75
    sim.control.setPrice("ES", 6815); // $750 off the high: fine
    expect(sim.control.records().positions[0]!.netPos).toBe(1);
    sim.control.setPrice("ES", 6809); // $1 050 off the high, $450 up on the day: breach
    const rec = sim.control.records();
    expect(rec.positions[0]!.netPos).toBe(0);
    expect(rec.cashBalances[0]!.realizedPnL).toBe(450);
    await waitFor(
      () => c.props().find((p) => p.entityType === "accountRiskStatus")?.entity.adminAction,
      "risk status event",
    );
    expect(c.props().find((p) => p.entityType === "accountRiskStatus")!.entity).toMatchObject({
      id: 700001,
      adminAction: "LockTradingImmediately",
    });
    expect((await buyAgain(c)).d).toMatchObject({ failureReason: "TradingLocked" });
  });

  it("EOD: the high moves only at the session's close, from the net liquidation then", async () => {
    sim = await startSim({ scenario: prop({ trailingMaxDrawdown: 1000, trailingMaxDrawdownMode: "EOD" }) });
    const c = await syncedClient(sim, "prop");
    clients.push(c);
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    sim.control.setPrice("ES", 6830);
    sim.control.setPrice("ES", 6809); // intraday: the high is still the start (floor 49 000)
    expect(sim.control.records().positions[0]!.netPos).toBe(1);
    sim.control.setPrice("ES", 6830);
    sim.control.endSession(); // the close at 51 497.75 raises the high: floor 50 497.75
    expect(sim.control.records().positions[0]!.netPos).toBe(1);
    sim.control.setPrice("ES", 6809);
    expect(sim.control.records().positions[0]!.netPos).toBe(0);
    expect((await buyAgain(c)).d).toMatchObject({ failureReason: "TradingLocked" });
  });

  it("the Limit stops the floor: past it, only a fall to the limit liquidates", async () => {
    sim = await startSim({ scenario: prop({ trailingMaxDrawdown: 1000, trailingMaxDrawdownLimit: 50_100 }) });
    sim.control.setPrice("ES", 6800);
    sim.control.manualTrade("APEX3001", "ESZ6", "Buy", 1);
    sim.control.setPrice("ES", 6850); // high 52 497.75: the floor would be 51 497.75, the limit holds it at 50 100
    sim.control.setPrice("ES", 6810); // 50 497.75: above the limit
    expect(sim.control.records().positions[0]!.netPos).toBe(1);
    sim.control.setPrice("ES", 6801); // 50 047.75: below it
    expect(sim.control.records().positions[0]!.netPos).toBe(0);
  });

  it("a scenario's Mode or Limit without a drawdown is refused, naming the field", () => {
    expect(() => prop({ trailingMaxDrawdownMode: "EOD" })).toThrow(
      /trailingMaxDrawdownMode.*trailingMaxDrawdown/s,
    );
    expect(() => prop({ trailingMaxDrawdown: -5 })).toThrow(/trailingMaxDrawdown/);
    expect(() => prop({ trailingMaxDrawdown: 1000, trailingMaxDrawdownMode: "Weekly" })).toThrow(
      /trailingMaxDrawdownMode/,
    );
  });
});
