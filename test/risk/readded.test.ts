import { describe, expect, it } from "vitest";
import { configWith, ES, flush, rig } from "./fakes.js";

const MON_NOON = Date.parse("2026-01-12T18:00:00Z");

describe("a follower removed from the config and added back", () => {
  it("holds what its account holds now, not what it held when it left", async () => {
    const r = rig(MON_NOON);
    r.session.addAccount(1, "LEAD", 100_000);
    r.session.addAccount(11, "F1", 50_000);
    r.session.prices.set(ES.id, 5000);
    r.setConfig(configWith([{ account: "F1" }]));
    await r.engine.start();
    r.session.setBalance(11, 50_000);
    r.session.setPosition(11, ES, 1, 5000);
    r.session.quote(ES, 4990);
    await flush();
    expect(r.engine.snapshot("F1")?.netLiq).toBe(49_500);

    r.setConfig(configWith([{ account: "F2" }]));
    // While it is not a follower the trader closes it by hand; the broker forgets the flat position.
    r.session.positionsBy.get(11)?.delete(ES.id);
    r.session.emit({
      type: "position",
      connection: r.session.connection,
      position: { accountId: 11, contractId: ES.id, contract: ES.name, netPos: 0, netPrice: undefined },
    });
    r.session.setBalance(11, 49_500);
    r.session.quote(ES, 4900);
    r.setConfig(configWith([{ account: "F1" }]));
    await flush();
    expect(r.engine.snapshot("F1")?.netLiq).toBe(49_500);

    const [outcome] = await r.engine.flattenAndLock(["F1"]);
    expect(outcome?.status).toBe("locked");
    expect(r.engine.gate("F1").state).toBe("LOCKED");
    await r.engine.stop();
  });
});
