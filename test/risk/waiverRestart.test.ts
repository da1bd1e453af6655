import { describe, expect, it } from "vitest";
import type { Limits } from "../../data/schema.js";
import { configWith, ES, flush, rig } from "./fakes.js";

const at = (iso: string) => Date.parse(iso);
const LIMITS: Limits = { dailyLoss: 1000 };

describe("a forced unlock past the daily loss limit", () => {
  it("stays waived across a restart on the same trading day", async () => {
    const r = rig(at("2026-01-12T18:00:00Z"));
    r.session.addAccount(11, "F1", 50_000);
    r.session.prices.set(ES.id, 5000);
    r.setConfig(configWith([{ account: "F1", limits: LIMITS }]));
    await r.engine.start();
    r.session.setBalance(11, 50_000);
    r.session.setBalance(11, 48_800); // −1200: daily loss limit
    await flush();
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    expect((await r.engine.unlock("F1", { force: true })).status).toBe("unlocked");
    r.session.setPosition(11, ES, 1, 5000); // the trader trades on, on purpose
    await flush();
    expect(r.engine.gate("F1").state).toBe("ACTIVE");
    await r.engine.stop();

    r.clock.t = at("2026-01-12T19:00:00Z");
    const again = r.restart();
    r.setConfig(configWith([{ account: "F1", limits: LIMITS }]));
    await again.start();
    r.session.setBalance(11, 48_800);
    await flush();
    expect(again.gate("F1").state).toBe("ACTIVE");
    expect(r.log.some((l) => l.startsWith("liquidate"))).toBe(false);
    // Shown waived, with no room against the daily loss (it would read −$200, as if it applied).
    expect(again.snapshot("F1")).toMatchObject({ waived: true, roomDaily: undefined });
    await again.stop();
  });

  it("is watched again after the roll, restart or not", async () => {
    const r = rig(at("2026-01-12T18:00:00Z"));
    r.session.addAccount(11, "F1", 50_000);
    r.setConfig(configWith([{ account: "F1", limits: LIMITS }]));
    await r.engine.start();
    r.session.setBalance(11, 50_000);
    r.session.setBalance(11, 48_800);
    await flush();
    await r.engine.unlock("F1", { force: true });
    await r.engine.stop();

    r.clock.t = at("2026-01-13T18:00:00Z");
    const again = r.restart();
    r.setConfig(configWith([{ account: "F1", limits: LIMITS }]));
    await again.start();
    r.session.setBalance(11, 48_800); // the new day's start
    r.session.setBalance(11, 47_800); // −1000 on the new day
    await flush();
    expect(again.snapshot("F1")).toMatchObject({
      state: "LOCKED",
      lockKind: "daily",
      waived: false,
      roomDaily: 0,
    });
    await again.stop();
  });
});
