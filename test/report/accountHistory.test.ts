import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAccountHistory, type Simulator, startSimulator } from "../../engine/index.js";

/** The report's broker read against the real simulator over REST. */

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
});
afterAll(() => sim.close());

const credentials = { name: "demo", password: "demo", appId: "mimik", appVersion: "test", deviceId: "test" };

describe("readAccountHistory", () => {
  it("reads the accounts' fills, the broker's pairing of them, and each contract's tick size and point value", async () => {
    sim.control.setPrice("ESZ6", 6800);
    sim.control.manualTrade("DEMO2001", "ESZ6", "Buy", 2);
    sim.control.setPrice("ESZ6", 6802.5);
    sim.control.manualTrade("DEMO2001", "ESZ6", "Sell", 2);
    sim.control.setPrice("MNQZ6", 21000);
    sim.control.manualTrade("DEMO2002", "MNQZ6", "Sell", 1);
    sim.control.manualTrade("DEMO2003", "ESZ6", "Buy", 1); // not asked for

    const history = await readAccountHistory({
      restUrl: `${sim.url}/v1`,
      credentials,
      accounts: ["DEMO2001", "demo2002", "NOPE9"],
    });

    expect(history.missing).toEqual(["NOPE9"]);
    expect(history.fills.map((f) => [f.account, f.contract, f.side, f.qty, f.price])).toEqual([
      ["DEMO2001", "ESZ6", "Buy", 2, 6800],
      ["DEMO2001", "ESZ6", "Sell", 2, 6802.5],
      ["demo2002", "MNQZ6", "Sell", 1, 21000],
    ]);
    expect(history.fills.every((f) => f.at > 0 && f.id > 0 && f.orderId > 0)).toBe(true);
    const [buy, sell] = history.fills;
    expect(history.pairs).toEqual([
      {
        account: "DEMO2001",
        contract: "ESZ6",
        buyFillId: buy!.id,
        sellFillId: sell!.id,
        qty: 2,
        buyPrice: 6800,
        sellPrice: 6802.5,
      },
    ]);
    expect(
      history.contracts
        .map((c) => [c.name, c.root, c.tickSize, c.pointValue])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ["ESZ6", "ES", 0.25, 50],
      ["MNQZ6", "MNQ", 0.25, 2],
    ]);
    // The simulator charges no fees and has no fillFee entity: "not reported", not zero.
    expect(history.fees).toBeUndefined();
  });

  it("a refused login is an error naming the refusal, never the password", async () => {
    const failure = await readAccountHistory({
      restUrl: `${sim.url}/v1`,
      credentials: { ...credentials, password: "wrong-password-123" },
      accounts: ["DEMO2001"],
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure?.message).toMatch(/login refused/);
    expect(failure?.message).not.toContain("wrong-password-123");
  });
});
