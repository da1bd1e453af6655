import { describe, expect, it } from "vitest";
import { alertsOf, type configWith, ES, flush, longF1 } from "./fakes.js";

/** F1 (account 11) long 1 ES at 5000, locked by hand without a flatten (its position stays). */
async function lockedLong(limits: Parameters<typeof configWith>[0][number]["limits"]) {
  const r = await longF1(limits);
  await flush();
  expect(await r.engine.lock("F1", "lunch")).toMatchObject({ status: "locked" });
  return r;
}

const liquidations = (log: string[]) => log.filter((l) => l.startsWith("liquidate F1"));

describe("a follower locked by hand with its position still open", () => {
  it("is flattened when the position runs past its daily loss limit, and stays locked by hand", async () => {
    const r = await lockedLong({ dailyLoss: 1000 });
    r.session.quote(ES, 4990); // −$500: within the limit, the position stays
    await flush();
    expect(liquidations(r.log)).toEqual([]);
    r.session.quote(ES, 4980); // −$1 000
    await flush();
    expect(liquidations(r.log)).toHaveLength(1);
    expect(r.session.positions(11)[0]?.netPos).toBe(0);
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "manual" });
    expect(alertsOf(r.events, "F1").some((m) => m.includes("daily loss limit"))).toBe(true);
  });

  it("is flattened at its trailing floor", async () => {
    const r = await lockedLong({ trailingDrawdown: 500 });
    r.session.quote(ES, 4990);
    await flush();
    expect(liquidations(r.log)).toHaveLength(1);
  });

  it("once flat, further prices do nothing more", async () => {
    const r = await lockedLong({ dailyLoss: 1000 });
    r.session.quote(ES, 4980);
    await flush();
    const alerts = alertsOf(r.events, "F1").length;
    r.session.quote(ES, 4970);
    r.session.setBalance(11, 48_000);
    await flush();
    expect(liquidations(r.log)).toHaveLength(1);
    expect(alertsOf(r.events, "F1")).toHaveLength(alerts);
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "manual" });
  });
});
