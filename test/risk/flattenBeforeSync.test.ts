import { describe, expect, it } from "vitest";
import { alertsOf, configWith, ES, flush, rig } from "./fakes.js";

const MON_1610 = Date.parse("2026-01-12T22:10:00Z"); // Monday 16:10 CT, past a 15:55 flat-by

describe("a flatten asked for before the follower's login has synced (a start past the flat-by time)", () => {
  it("waits for the login instead of reporting a failed flatten, then flattens and locks at its sync", async () => {
    const r = rig(MON_1610);
    r.session.addAccount(1, "LEAD", 100_000);
    r.setConfig(configWith([{ account: "F1" }]));
    await r.engine.start();

    // The trading windows flatten at start, before any login has connected.
    const [outcome] = await r.engine.flattenAndLock(["F1"], "flat by 15:55 CT", "window");
    expect(outcome).toMatchObject({ target: "F1", status: "liquidating" });
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LIQUIDATE_ONLY", lockKind: "window" });
    // Nothing failed: an error here pages the trader's phone ("flatten failed") at every such start.
    expect(r.events.filter((e) => e.type === "alert" && e.level === "error")).toEqual([]);

    // The login syncs: F1 holds 1 ES, which the flatten closes at once.
    r.session.addAccount(11, "F1", 50_000);
    r.session.positionsBy
      .get(11)
      ?.set(ES.id, { accountId: 11, contractId: ES.id, contract: ES.name, netPos: 1, netPrice: 5000 });
    r.session.prices.set(ES.id, 5000);
    r.session.emit({
      type: "sync",
      connection: r.session.connection,
      initial: true,
      accounts: r.session.listAccounts,
      positions: r.session.positions(11),
      fillIds: [],
    });
    await flush();
    expect(r.log.filter((l) => l.startsWith("liquidate F1"))).toHaveLength(1);
    expect(r.engine.snapshot("F1")).toMatchObject({ state: "LOCKED", lockKind: "window" });
    expect(alertsOf(r.events, "F1").filter((m) => /flatten failed/.test(m))).toEqual([]);
  });
});
