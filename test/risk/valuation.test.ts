import { describe, expect, it } from "vitest";
import { Holdings, Valuation } from "../../engine/risk/valuation.js";
import { silentLogger } from "../../engine/types.js";
import { ES, FakeClock, FakeSession, flush, NQ } from "./fakes.js";

function setup() {
  const clock = new FakeClock(0);
  const session = new FakeSession();
  session.addAccount(11, "F1", 50_000);
  session.addAccount(12, "F2", 20_000);
  const revalued: string[] = [];
  const warnings: string[] = [];
  const valuation = new Valuation({
    logger: silentLogger,
    revalue: (name) => revalued.push(name),
    warn: (name, message) => warnings.push(`${name}: ${message}`),
    clock,
  });
  const holdings = (name: string, accountId: number) => {
    const h = new Holdings(name);
    valuation.attach(h, { session, accountId });
    return h;
  };
  const position = (accountId: number, contract = ES, netPos = 1, netPrice = 5000) => ({
    accountId,
    contractId: contract.id,
    contract: contract.name,
    netPos,
    netPrice,
  });
  return { clock, session, valuation, holdings, position, revalued, warnings };
}

describe("Valuation: net liquidation = cash + open P&L at live prices", () => {
  it("attaching loads what the account holds there, cash included, and subscribes its quotes", () => {
    const v = setup();
    v.session.positionsBy.get(11)?.set(ES.id, v.position(11));
    v.session.prices.set(ES.id, 5010);
    const h = v.holdings("F1", 11);
    expect(h.cash).toBe(50_000);
    expect(v.valuation.value(h, 50_000)).toBe(50_500);
    expect(v.session.subscriptions).toEqual([ES.name]);
  });

  it.each([
    ["a quote revalues only followers holding that contract", ES, 5002, ["F1"]],
    ["a quote of a contract nobody holds revalues no one", NQ, 18_000, []],
  ])("%s", (_, contract, price, expected) => {
    const v = setup();
    const f1 = v.holdings("F1", 11);
    v.holdings("F2", 12);
    v.valuation.applyPosition(f1, v.position(11));
    v.valuation.quote("conn", contract.id, price);
    expect(v.revalued).toEqual(expected);
  });

  it("a position closed leaves the index: its quotes no longer revalue the follower", () => {
    const v = setup();
    const h = v.holdings("F1", 11);
    v.valuation.applyPosition(h, v.position(11));
    v.valuation.applyPosition(h, v.position(11, ES, 0));
    v.valuation.quote("conn", ES.id, 5001);
    expect(v.revalued).toEqual([]);
    expect(h.isFlat()).toBe(true);
  });

  it("a snapshot is the whole truth: contracts it does not list are flat", () => {
    const v = setup();
    const h = v.holdings("F1", 11);
    v.valuation.applyPosition(h, v.position(11, NQ, -2, 18_000));
    v.valuation.resync(h, [v.position(11, ES, 3), v.position(12, NQ, 5)]);
    expect(h.openPositions().map((p) => [p.contract, p.netPos])).toEqual([[ES.name, 3]]);
  });

  it("detached (left the config), its quotes no longer reach it", () => {
    const v = setup();
    const h = v.holdings("F1", 11);
    v.valuation.applyPosition(h, v.position(11));
    v.valuation.detach(h);
    v.valuation.quote("conn", ES.id, 5001);
    expect(v.revalued).toEqual([]);
    expect(h.route).toBeUndefined();
  });

  it("malformed numbers are ignored, not counted", () => {
    const v = setup();
    const h = v.holdings("F1", 11);
    expect(v.valuation.setCash(h, { amount: Number.NaN })).toBe(false);
    v.valuation.applyPosition(h, { ...v.position(11), netPos: Number.NaN });
    expect(h.cash).toBe(50_000);
    expect(h.isFlat()).toBe(true);
  });

  it("a point value found later revalues the follower; none at all is said once", async () => {
    const v = setup();
    const h = v.holdings("F1", 11);
    const unknown = { id: "99", name: "ZZH6", root: "ZZ", tickSize: 1, pointValue: 5 };
    v.session.findContract = async (name) => (name === "ZZH6" ? unknown : undefined);
    v.valuation.applyPosition(h, {
      accountId: 11,
      contractId: "99",
      contract: "ZZH6",
      netPos: 1,
      netPrice: 1,
    });
    v.valuation.applyPosition(h, {
      accountId: 11,
      contractId: "98",
      contract: "YYH6",
      netPos: 1,
      netPrice: 1,
    });
    await flush();
    expect(v.revalued).toEqual(["F1"]);
    expect(v.warnings).toEqual(["F1: no point value for YYH6; its open P&L counts as 0"]);
  });

  it("a point-value lookup that failed is asked again with backoff until it answers", async () => {
    const v = setup();
    const h = v.holdings("F1", 11);
    const spec = { id: "99", name: "ZZH6", root: "ZZ", tickSize: 1, pointValue: 5 };
    let asked = 0;
    v.session.findContract = async () => {
      asked++;
      if (asked <= 2) throw new Error("timeout");
      return spec;
    };
    v.valuation.applyPosition(h, {
      accountId: 11,
      contractId: "99",
      contract: "ZZH6",
      netPos: 2,
      netPrice: 10,
    });
    await flush();
    expect(asked).toBe(1);
    await v.clock.advance(999);
    expect(asked).toBe(1);
    await v.clock.advance(1); // 1 s after the first failure
    expect(asked).toBe(2);
    await v.clock.advance(1_999);
    expect(asked).toBe(2);
    await v.clock.advance(1); // 2 s after the second
    expect(asked).toBe(3);
    expect(h.positions.get("99")?.pointValue).toBe(5);
    expect(v.revalued).toEqual(["F1"]);
    await v.clock.advance(60_000);
    expect(asked).toBe(3);
  });

  it("a failed lookup is not asked again once the position is closed or the engine stops", async () => {
    const v = setup();
    const h = v.holdings("F1", 11);
    let asked = 0;
    v.session.findContract = async () => {
      asked++;
      throw new Error("timeout");
    };
    const zz = { accountId: 11, contractId: "99", contract: "ZZH6", netPos: 1, netPrice: 10 };
    v.valuation.applyPosition(h, zz);
    await flush();
    v.valuation.applyPosition(h, { ...zz, netPos: 0 });
    await v.clock.advance(60_000);
    expect(asked).toBe(1);
    v.valuation.applyPosition(h, zz);
    await flush();
    expect(asked).toBe(2);
    v.valuation.stop();
    expect(v.clock.pending()).toBe(0);
  });

  it("exposure: working orders and open positions fresh from the session, nothing when unreachable", () => {
    const v = setup();
    const h = v.holdings("F1", 11);
    v.session.orders.set(11, [{ orderId: 5, accountId: 11, contractId: ES.id }]);
    v.session.positionsBy.get(11)?.set(NQ.id, v.position(11, NQ, -1));
    expect(v.valuation.exposure(h)).toEqual({
      orders: [{ orderId: 5, accountId: 11, contractId: ES.id }],
      open: [expect.objectContaining({ contract: NQ.name, netPos: -1 })],
    });
    v.valuation.detach(h);
    expect(v.valuation.exposure(h)).toBeUndefined();
  });
});
