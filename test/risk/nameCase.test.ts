/**
 * Account names are matched without regard to case everywhere in a config, so a name retyped in
 * another case is the same account: its lock must come with it. Lifting a lock takes the trader's
 * unlock, never an edit of a name's letters.
 */
import { describe, expect, it } from "vitest";
import { configWith, flush, rig } from "./fakes.js";

const MON_NOON = Date.parse("2026-01-12T18:00:00Z");

describe("a follower's name retyped in another case", () => {
  it("keeps the lock saved under the old spelling at the next start", async () => {
    const r = rig(MON_NOON);
    r.store.state.followers.demo2001 = { state: "LOCKED", lockReason: "manual" };
    r.session.addAccount(11, "DEMO2001", 50_000);
    r.setConfig(configWith([{ account: "DEMO2001" }]));
    await r.engine.start();
    await flush();
    expect(r.engine.gate("DEMO2001").state).toBe("LOCKED");
    await r.engine.stop();
  });

  it("keeps its lock when the config is edited while mimik runs", async () => {
    const r = rig(MON_NOON);
    r.session.addAccount(11, "demo2001", 50_000);
    r.setConfig(configWith([{ account: "demo2001" }]));
    await r.engine.start();
    await r.engine.flattenAndLock(["demo2001"]);
    expect(r.engine.gate("demo2001").state).toBe("LOCKED");
    r.setConfig(configWith([{ account: "DEMO2001" }]));
    await flush();
    expect(r.engine.gate("DEMO2001").state).toBe("LOCKED");
    await r.engine.stop();
  });

  it("the exact spelling's own saved state wins over another case's", async () => {
    const r = rig(MON_NOON);
    r.store.state.followers.demo2001 = { state: "LOCKED", lockReason: "manual" };
    r.store.state.followers.DEMO2001 = { state: "ACTIVE" };
    r.session.addAccount(11, "DEMO2001", 50_000);
    r.setConfig(configWith([{ account: "DEMO2001" }]));
    await r.engine.start();
    expect(r.engine.gate("DEMO2001").state).toBe("ACTIVE");
    await r.engine.stop();
  });
});
