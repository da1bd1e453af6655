import { describe, expect, it } from "vitest";
import { alertsOf, configWith, ES, flush, rig } from "./fakes.js";

const at = (iso: string) => Date.parse(iso);

describe("a daily lock still liquidating at the roll", () => {
  it("once flat past the trailing floor, it locks as trailing instead of going ACTIVE", async () => {
    const r = rig(at("2026-01-12T22:30:00Z")); // 16:30 CT
    r.session.addAccount(11, "F1", 50_000);
    r.session.prices.set(ES.id, 5000);
    r.session.positionsBy
      .get(11)
      ?.set(ES.id, { accountId: 11, contractId: ES.id, contract: ES.name, netPos: 1, netPrice: 5000 });
    r.setConfig(configWith([{ account: "F1", limits: { dailyLoss: 1000, trailingDrawdown: 1500 } }]));
    await r.engine.start();
    r.session.setBalance(11, 50_000);
    r.liquidator.fillOnAccept = false;
    r.session.quote(ES, 4980); // −1000: daily breach; floor 48 500 not reached
    await r.clock.advanceTo(at("2026-01-12T23:00:01Z"));
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LIQUIDATE_ONLY", lockKind: "daily" });
    // The liquidation fills lower; the broker reports the balance, then the position flat.
    r.session.setBalance(11, 48_000);
    r.session.setPosition(11, ES, 0, undefined);
    await flush();
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "trailing" });
    expect(r.activeAgain).toEqual([]);
    await r.engine.stop();
  });
});

describe("a weekly lock still liquidating at the Sunday roll", () => {
  it("goes ACTIVE once flat, and says its weekly lock cleared at the week's roll", async () => {
    const r = rig(at("2026-01-18T22:30:00Z")); // Sunday 16:30 CT
    r.session.addAccount(11, "F1", 50_000);
    r.session.prices.set(ES.id, 5000);
    r.session.positionsBy
      .get(11)
      ?.set(ES.id, { accountId: 11, contractId: ES.id, contract: ES.name, netPos: 1, netPrice: 5000 });
    r.setConfig(configWith([{ account: "F1", limits: { weeklyLoss: 1000 } }]));
    await r.engine.start();
    r.session.setBalance(11, 50_000);
    r.liquidator.fillOnAccept = false;
    r.session.quote(ES, 4980); // −1000: weekly breach
    await r.clock.advanceTo(at("2026-01-18T23:00:01Z")); // the week rolls
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LIQUIDATE_ONLY", lockKind: "weekly" });
    r.session.setPosition(11, ES, 0, undefined);
    await flush();
    expect(r.engine.snapshot("F1")?.state).toBe("ACTIVE");
    expect(alertsOf(r.events, "F1").at(-1)).toBe(
      "F1: flat; its weekly loss lock was cleared at the Sunday 17:00 CT roll, ACTIVE",
    );
    // As after a hand unlock during a flatten: the copier makes up and shows its lines once settled.
    expect(r.activeAgain).toEqual(["F1 flatten stopped"]);
    await r.engine.stop();
  });
});
