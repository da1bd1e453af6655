import { describe, expect, it } from "vitest";
import { configWith, ES, flush, rig } from "./fakes.js";

const MON_NOON = Date.parse("2026-01-12T18:00:00Z"); // Monday 12:00 CT

/**
 * A snapshot of some of a login's accounts (ProjectX re-reads one account after a lost order
 * answer) is the truth for those alone: another follower on the same login keeps its positions.
 */
describe("a snapshot naming some of a login's accounts", () => {
  it("leaves the positions of the login's other followers as they were", async () => {
    const r = rig(MON_NOON);
    r.session.addAccount(1, "LEAD", 100_000);
    r.session.addAccount(11, "F1", 50_000);
    r.session.addAccount(12, "F2", 50_000);
    r.session.prices.set(ES.id, 5000);
    r.session.positionsBy
      .get(12)
      ?.set(ES.id, { accountId: 12, contractId: ES.id, contract: ES.name, netPos: 1, netPrice: 5000 });
    r.setConfig(configWith([{ account: "F1" }, { account: "F2" }]));
    await r.engine.start();
    r.session.setBalance(11, 50_000);
    r.session.setBalance(12, 50_000);
    r.session.quote(ES, 4990);
    await flush();
    expect(r.engine.snapshot("F2")?.netLiq).toBe(49_500);

    r.session.emit({
      type: "sync",
      connection: r.session.connection,
      initial: false,
      accounts: r.session.listAccounts.filter((a) => a.id === 11),
      positions: r.session.positions(11),
      fillIds: [],
    });
    await flush();
    expect(r.engine.snapshot("F2")?.netLiq).toBe(49_500);
  });
});
