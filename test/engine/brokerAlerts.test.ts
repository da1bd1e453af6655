import { describe, expect, it } from "vitest";
import { Engine } from "../../engine/runtime/engine.js";
import { MemoryRiskStore, SetLedger } from "../../engine/runtime/memoryStores.js";
import type { AlertEvent, EngineEvent } from "../../engine/types.js";
import { FakeBroker, fakeClock } from "../copier/fakeBroker.js";
import { buildConfig } from "../copier/harness.js";

/** What a broker session says once (superseded, 423, budget) and busted fills reach the trader as alerts (journaled). */
describe("engine: broker alerts and busted fills become alerts", () => {
  it("a brokerAlert is an alert naming its connection; a busted fill an alert naming the account", async () => {
    const config = buildConfig([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    const broker = new FakeBroker(fakeClock());
    const sessions = config.connections.map((c) => broker.session(c.name));
    config.accounts.forEach((a, i) => {
      broker.addAccount(sessions[i]!, i + 1, a.name);
    });
    const engine = new Engine(
      {
        clock: fakeClock(),
        sessions,
        riskStore: new MemoryRiskStore(),
        ledger: new SetLedger(),
        reportEveryMs: 0,
      },
      config,
    );
    const events: EngineEvent[] = [];
    engine.on((e) => events.push(e));
    await engine.start();
    for (const s of sessions) s.sync(true);
    const lead = sessions[0]!;
    lead.emit({
      type: "brokerAlert",
      connection: lead.connection,
      level: "warn",
      message: "Another login took it",
    });
    const bust = {
      fillId: 9,
      orderId: 8,
      contractId: "1",
      contract: "ESZ6",
      side: "Sell",
      qty: 3,
      price: 6800.25,
    } as const;
    lead.emit({ type: "fillBusted", connection: lead.connection, accountId: 1, ...bust });
    const alerts = events
      .filter((e): e is AlertEvent => e.type === "alert")
      .map((a) => `${a.level} ${a.message}`);
    expect(alerts).toContain(`warn ${lead.connection}: Another login took it`);
    expect(alerts).toContain(
      "warn L: the broker busted fill 9 (SELL 3 ESZ6 @ 6800.25); its position no longer includes it",
    );
    // A follower's bust is about that follower: mimik log --follower and its report read it.
    sessions[1]!.emit({
      ...{ type: "fillBusted", connection: sessions[1]!.connection, accountId: 2 },
      ...bust,
    });
    const busts = events.filter(
      (e): e is AlertEvent => e.type === "alert" && e.message.includes("the broker busted fill"),
    );
    expect(busts.map((a) => [a.message.split(":")[0], a.follower])).toEqual([
      ["L", undefined],
      ["A", "A"],
    ]);
    await engine.stop();
  });
});
