import { describe, expect, it } from "vitest";
import type { Limits } from "../../data/schema.js";
import { unlock } from "../../engine/risk/lockMachine.js";
import { configWith, ES, flush, rig, statesOf } from "./fakes.js";

const MON_NOON = Date.parse("2026-01-12T18:00:00Z"); // Monday 12:00 CT
const LIMITS: Limits = { dailyLoss: 1000 };

/**
 * F1 daily-locked at −$1 000 (net liq 49 000), then mimik restarted the same day with its login
 * not connected yet: no balance known, so no limit can be checked.
 */
async function lockedThenRestarted(limits: Limits = LIMITS) {
  const r = rig(MON_NOON);
  r.session.addAccount(11, "F1", 50_000);
  r.session.prices.set(ES.id, 5000);
  r.session.positionsBy
    .get(11)
    ?.set(ES.id, { accountId: 11, contractId: ES.id, contract: ES.name, netPos: 1, netPrice: 5000 });
  r.setConfig(configWith([{ account: "F1", limits: LIMITS }]));
  await r.engine.start();
  r.session.setBalance(11, 50_000);
  r.session.quote(ES, 4980);
  await flush();
  expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "daily" });
  await r.engine.stop();

  r.clock.t += 60_000;
  r.session.cash.delete(11);
  const again = r.restart();
  r.events.length = 0;
  r.setConfig(configWith([{ account: "F1", limits }]));
  await again.start();
  await flush();
  return { r, again };
}

describe("an unlock before the account's first balance", () => {
  it("is refused while a limit cannot be checked, and says why; the account never trades between", async () => {
    const { r, again } = await lockedThenRestarted();
    const refused = await again.unlock("F1");
    expect(refused).toMatchObject({ target: "F1", status: "refused" });
    expect(refused.reason).toMatch(/balance is not known yet/);
    expect(again.gate("F1").state).toBe("LOCKED");
    expect(statesOf(r.events, "F1").some((s) => s.startsWith("ACTIVE"))).toBe(false);

    // Its balance shows it still past the daily loss: a plain unlock is refused for that reason.
    r.session.setBalance(11, 49_000);
    await flush();
    expect((await again.unlock("F1")).reason).toMatch(/daily loss limit/);
    expect(again.gate("F1").state).toBe("LOCKED");
    await again.stop();
  });

  it("goes through once the balance is in and within the limits", async () => {
    const { r, again } = await lockedThenRestarted();
    r.session.setBalance(11, 49_500); // fees refunded, say: −$500 on the day
    await flush();
    expect(await again.unlock("F1")).toMatchObject({ status: "unlocked" });
    expect(again.gate("F1").state).toBe("ACTIVE");
    await again.stop();
  });

  it("goes through when no limit needs the balance (a lock with no money limits)", async () => {
    const { again } = await lockedThenRestarted({ maxTradesPerDay: 5 });
    expect(await again.unlock("F1")).toMatchObject({ status: "unlocked" });
    await again.stop();
  });
});

describe("unlock rule: balance unknown", () => {
  const locked = {
    state: "LOCKED" as const,
    lockKind: "daily" as const,
    lockReason: "d",
    lockedAt: MON_NOON,
  };
  it.each([
    ["daily loss", { dailyLoss: 1000 }, false, false],
    ["trailing drawdown", { trailingDrawdown: 1000 }, false, false],
    ["weekly loss", { weeklyLoss: 1000 }, false, false],
    ["give-back", { dailyGiveBack: 1000 }, false, false],
    ["profit target", { dailyProfitTarget: 1000 }, false, false],
    ["no money limit", { maxContracts: 3, maxTradesPerDay: 2 }, false, true],
    ["forced", { dailyLoss: 1000 }, true, true],
  ] as const)("%s", (_, limits, force, ok) => {
    expect(unlock(locked, { force, limits, netLiq: undefined }).ok).toBe(ok);
  });
});

describe("unlock rule: forced before the first balance", () => {
  const locked = { state: "LOCKED" as const, lockKind: "manual" as const, lockedAt: MON_NOON };
  it.each([
    ["a limit needs the balance", { dailyLoss: 1000 }, true],
    ["no limit needs it", { maxTradesPerDay: 3 }, false],
  ] as const)("%s: the note says its limits wait for that balance: %s", (_, limits, deferred) => {
    const outcome = unlock(locked, { force: true, limits, netLiq: undefined });
    expect(outcome.ok).toBe(true);
    expect(outcome.record.state).toBe("ACTIVE");
    expect(outcome.notes.some((n) => n.includes("checked the moment its first balance arrives"))).toBe(
      deferred,
    );
  });
});
