import { describe, expect, it } from "vitest";
import { netLiquidation } from "../../engine/risk/netLiq.js";
import { SHADOW_ACCOUNT_ID, ShadowRisk } from "../../engine/risk/shadowRisk.js";
import { Holdings, Valuation } from "../../engine/risk/valuation.js";
import { silentLogger } from "../../engine/types.js";
import { ES, FakeClock, FakeSession } from "./fakes.js";

/** Issue 16: a shadow's holdings from its would-be trades, valued at live prices. */

function shadow() {
  const session = new FakeSession();
  const valuation = new Valuation({
    logger: silentLogger,
    revalue: () => undefined,
    warn: () => undefined,
    clock: new FakeClock(0),
  });
  const flattened: string[] = [];
  const h = new Holdings("S1");
  const risk = new ShadowRisk({
    valuation,
    session: () => session,
    moved: () => undefined,
    flatten: (name, contract, price) => flattened.push(`${name} ${contract} @ ${price}`),
    mono: () => 0,
    holdings: () => h,
  });
  valuation.attach(h, risk.route("S1"));
  risk.start(h);
  const fill = (delta: number, price: number) =>
    risk.fill(h, { follower: "S1", contract: ES.name, delta, price });
  const netLiq = () => netLiquidation(h.cash ?? 0, h.positions.values()).netLiq;
  return { session, valuation, risk, h, fill, netLiq, flattened };
}

describe("a shadow's would-be trades", () => {
  it.each([
    // [fills (delta @ price), netPos, average price, cash (realized $, ES $50 a point)]
    [[[2, 6800]], 2, 6800, 0],
    [
      [
        [2, 6800],
        [2, 6810],
      ],
      4,
      6805,
      0,
    ],
    [
      [
        [2, 6800],
        [-1, 6810],
      ],
      1,
      6800,
      500,
    ],
    [
      [
        [2, 6800],
        [-2, 6790],
      ],
      0,
      undefined,
      -1000,
    ],
    [
      [
        [2, 6800],
        [-3, 6820],
      ],
      -1,
      6820,
      2000,
    ], // a flip realizes the long and opens short at the fill
    [
      [
        [-1, 6800],
        [1, 6790],
      ],
      0,
      undefined,
      500,
    ],
  ] as const)("%j → %i @ %s, cash %i", (fills, netPos, avg, cash) => {
    const s = shadow();
    for (const [delta, price] of fills) s.fill(delta, price);
    const p = s.h.positions.get(ES.id);
    expect(p?.netPos ?? 0).toBe(netPos);
    expect(p?.netPrice).toBe(avg);
    expect(s.h.cash).toBe(cash);
  });

  it("is valued at live quotes and filed under an account id no account has", () => {
    const s = shadow();
    expect(s.h.route?.accountId).toBe(SHADOW_ACCOUNT_ID);
    expect(s.h.cash).toBe(0);
    s.fill(2, 6800);
    expect(s.session.subscriptions).toContain(ES.name);
    s.valuation.quote(s.session.connection, ES.id, 6790);
    expect(s.netLiq()).toBe(-1000);
  });

  it("a flatten's liquidation is a would-be one, answered at once", async () => {
    const s = shadow();
    s.fill(-2, 6800);
    s.valuation.quote(s.session.connection, ES.id, 6795);
    const sent = s.risk.liquidator(
      { cancel: () => Promise.reject(new Error("no")), liquidate: () => Promise.reject(new Error("sent!")) },
      () => true,
    );
    await expect(sent.liquidate("S1", ES.id)).resolves.toMatchObject({ ok: true });
    expect(s.flattened).toEqual(["S1 ESH6 @ 6795"]);
  });
});
