import { describe, expect, it } from "vitest";
import { alertLogger } from "../../src/app/alertLogger.js";
import { EngineStore } from "../../src/store/engineStore.js";

describe("the console's logger", () => {
  it("says on screen which login and why, not the bare message", () => {
    const store = new EngineStore();
    const logger = alertLogger(store.push, () => 5);
    logger.warn("trading socket lost", { connection: "prop", reason: "socket closed (1006)" });
    logger.error("accounts not visible to this login", { connection: "sim", missing: ["DEMO2009"] });
    logger.info("started", { connection: "sim" });
    store.publish();
    const alerts = store.getSnapshot().alerts.map((a) => [a.level, a.message, a.at]);
    expect(alerts).toEqual([
      ["error", 'accounts not visible to this login (connection: sim, missing: ["DEMO2009"])', 5],
      ["warn", "trading socket lost (connection: prop, reason: socket closed (1006))", 5],
    ]);
    store.dispose();
  });

  it("leaves out what was logged as undefined, and says an error by its message", () => {
    const store = new EngineStore();
    const logger = alertLogger(store.push, () => 0);
    logger.warn("broker call failed", {
      follower: "DEMO2001",
      error: new Error("timeout"),
      retry: undefined,
    });
    logger.warn("market data socket lost");
    store.publish();
    expect(store.getSnapshot().alerts.map((a) => a.message)).toEqual([
      "market data socket lost",
      "broker call failed (follower: DEMO2001, error: timeout)",
    ]);
    store.dispose();
  });
});
