import { describe, expect, it } from "vitest";
import { resyncForecast } from "../../src/app/keyContext.js";
import { EngineStore } from "../../src/store/engineStore.js";
import { world } from "./harness.js";

/**
 * The question before `r` forecasts from the OUT OF SYNC lines the screen was told; `r` plans from
 * the follower's lines now. Both count our orders in flight: here a pending exit's retry.
 */
type World = ReturnType<typeof world>;

/** What the screen, told every event so far, forecasts `r` would send for A. */
function forecast(w: World): number[] {
  const store = new EngineStore();
  store.setConfig(w.config);
  for (const e of w.events) store.push(e);
  store.publish();
  const group = w.config.groups[0]!;
  return resyncForecast(store.getSnapshot(), group, group.followers[0]!)?.send.map((s) => s.delta) ?? [];
}

describe("r's forecast and r agree while a pending exit's retry is in flight", () => {
  it("A +3 by hand against L's +2; L sells 1, A's reduce is refused, then retried: both count the retry", async () => {
    const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
    w.trade("L", "ESZ6", "Buy", 2, 1);
    await w.flush();
    w.trade("A", "ESZ6", "Buy", 1); // by hand
    await w.flush();
    w.session("A").sync(false); // A shown OUT OF SYNC: +3 against +2
    await w.flush();
    expect(forecast(w)).toEqual([-1]);
    w.broker.rejecting.add("A");
    w.trade("L", "ESZ6", "Sell", 1, 2);
    await w.flush(); // A's reduce (-1) refused: an exit pending, A +3 against +1
    expect(forecast(w)).toEqual([-2]);
    w.broker.rejecting.delete("A");
    w.clock.run(1_000); // its retry written, not answered yet
    expect(w.broker.pending()).toBe(1);
    const forecast1 = forecast(w);
    const outcome = w.copier.resync("A");
    await w.flush();
    expect(await outcome).toEqual({ target: "A", status: "resynced", sent: 1 });
    const sent = w.copies({ follower: "A", outcome: "sent", reason: "resync" });
    expect(forecast1).toEqual(sent.map((c) => (c.side === "Buy" ? 1 : -1) * (c.qty ?? 0)));
    expect(forecast1).toEqual([-1]);
    expect(w.position("A", "ESZ6")).toBe(1);
  });
});
