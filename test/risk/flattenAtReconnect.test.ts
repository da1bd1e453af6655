import { describe, expect, it } from "vitest";
import { alertsOf, configWith, ES, flush, rig } from "./fakes.js";

const MON_NOON = Date.parse("2026-01-12T18:00:00Z"); // Monday 12:00 CT

/** F1 (account 11) long 1 ES at 5000 with a $1 000 daily loss limit, breached while its login is down. */
async function breachedWhileDown() {
  const r = rig(MON_NOON);
  r.session.addAccount(1, "LEAD", 100_000);
  r.session.addAccount(11, "F1", 50_000);
  r.session.prices.set(ES.id, 5000);
  r.session.positionsBy
    .get(11)
    ?.set(ES.id, { accountId: 11, contractId: ES.id, contract: ES.name, netPos: 1, netPrice: 5000 });
  r.setConfig(configWith([{ account: "F1", limits: { dailyLoss: 1000 } }]));
  await r.engine.start();
  r.session.setBalance(11, 50_000);
  await flush();
  // The trading socket is down: every liquidation fails at once, the retries back off to 30 s.
  r.liquidator.failNext = 1_000;
  r.session.quote(ES, 4980);
  await r.clock.advance(60_000);
  return r;
}

const liquidations = (log: string[]) => log.filter((l) => l.startsWith("liquidate F1")).length;

describe("a flatten that could not go while the follower's login was down", () => {
  it("goes at once when the login syncs again, not at the end of its backoff", async () => {
    const r = await breachedWhileDown();
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LIQUIDATE_ONLY", lockKind: "daily" });
    expect(alertsOf(r.events, "F1").some((m) => /flatten failed.*retry \d+ in \d+ s/.test(m))).toBe(true);
    const before = liquidations(r.log);

    r.liquidator.failNext = 0;
    r.session.emit({
      type: "sync",
      connection: r.session.connection,
      initial: false,
      accounts: r.session.listAccounts,
      positions: r.session.positions(11),
      fillIds: [],
    });
    await flush();
    expect(liquidations(r.log)).toBe(before + 1);
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "daily" });
  });

  it("still waits for the broker's penalty when it asked for one", async () => {
    const r = await breachedWhileDown();
    const before = liquidations(r.log);
    r.liquidator.failNext = 0;
    r.session.budget = { ...r.session.budget, blockedUntil: r.clock.now() + 10_000 };
    r.session.emit({
      type: "sync",
      connection: r.session.connection,
      initial: false,
      accounts: r.session.listAccounts,
      positions: r.session.positions(11),
      fillIds: [],
    });
    await flush();
    expect(liquidations(r.log)).toBe(before);
  });
});
