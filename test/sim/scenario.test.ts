import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultScenario, loadScenario, parseScenario, ScenarioError } from "../../engine/sim/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mimik-sim-"));
  dirs.push(dir);
  const file = join(dir, "scenario.json");
  writeFileSync(file, content);
  return file;
}

describe("scenario", () => {
  it("the shipped default.json is the built-in default", () => {
    expect(loadScenario("data/scenarios/default.json")).toEqual(defaultScenario);
    const json = JSON.parse(readFileSync("data/scenarios/default.json", "utf8")) as {
      users: Array<{ name: string }>;
    };
    expect(json.users.map((u) => u.name)).toEqual(["demo", "prop", "keyed", "topstep"]);
  });

  it("default has the documented users, accounts and front contracts", () => {
    const demo = defaultScenario.users.find((u) => u.name === "demo")!;
    expect(demo.accounts.map((a) => a.name)).toEqual(["DEMO1000", "DEMO2001", "DEMO2002", "DEMO2003"]);
    expect(demo.accounts.every((a) => a.balance === 50000)).toBe(true);
    const fronts = Object.fromEntries(defaultScenario.products.map((p) => [p.name, p.contracts[0]]));
    expect(fronts).toMatchObject({
      ES: "ESZ6",
      MES: "MESZ6",
      NQ: "NQZ6",
      CL: "CLF7",
      MCL: "MCLF7",
      GC: "GCG7",
      MGC: "MGCG7",
      M2K: "M2KZ6",
    });
    const es = defaultScenario.products.find((p) => p.name === "ES")!;
    expect([es.tickSize, es.valuePerPoint]).toEqual([0.25, 50]);
  });

  it("lists every problem with its path", () => {
    const bad = {
      users: [
        { name: "a", password: "", accounts: [{ name: "demo1", balance: -5 }] },
        { name: "a", password: "x", accounts: [{ name: "X1", balance: 1 }] },
      ],
      products: [
        { name: "ES", tickSize: 0.25, valuePerPoint: 50, price: 6800.1, contracts: ["NQZ6", "ESZ16"] },
      ],
      extra: true,
    };
    let message = "";
    try {
      parseScenario(bad, "test scenario");
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      message = (e as Error).message;
    }
    expect(message).toContain("test scenario is not a valid scenario");
    for (const part of [
      "users.0.password",
      "users.0.accounts.0.name",
      "users.0.accounts.0.balance",
      "(top level)",
      "products.0.contracts.0",
      "products.0.contracts.1",
    ]) {
      expect(message).toContain(part);
    }
  });

  it("names the field that is wrong inside a user, not only the user", () => {
    const s = {
      users: [
        { name: "a", password: "a", accounts: [{ name: "A1", balance: 1, dailyLossAutoLiq: "500" }] },
        {
          name: "k",
          password: "k",
          apiKey: { appId: "x", cid: "42", sec: "s" },
          accounts: [{ name: "K1", balance: 1 }],
        },
        {
          name: "t",
          broker: "projectx",
          apiKey: "key",
          password: "p",
          accounts: [{ name: "T1", balance: 1 }],
        },
        { name: "b", broker: "tradovat", password: "b", accounts: [{ name: "B1", balance: 1 }] },
      ],
      products: [{ name: "ES", tickSize: 0.25, valuePerPoint: 50, price: 6800, contracts: ["ESZ6"] }],
    };
    let message = "";
    try {
      parseScenario(s);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("users.0.accounts.0.dailyLossAutoLiq");
    expect(message).toContain("users.1.apiKey.cid");
    expect(message).toMatch(/users\.2: .*"password"/);
    expect(message).toContain("users.3.broker");
  });

  it("refuses a ProjectX-only account setting on a Tradovate account instead of ignoring it", () => {
    const s = {
      users: [{ name: "a", password: "a", accounts: [{ name: "A1", balance: 1, canTrade: false }] }],
      products: [{ name: "ES", tickSize: 0.25, valuePerPoint: 50, price: 6800, contracts: ["ESZ6"] }],
    };
    expect(() => parseScenario(s)).toThrow(/users\.0\.accounts\.0: .*"canTrade"/);
    const px = {
      ...s,
      users: [{ name: "p", broker: "projectx", apiKey: "k", accounts: s.users[0]!.accounts }],
    };
    expect(parseScenario(px).users[0]!.accounts[0]).toMatchObject({ canTrade: false });
  });

  it("catches duplicates and prices off the tick grid", () => {
    const s = {
      users: [
        { name: "a", password: "a", accounts: [{ name: "A1", balance: 1 }] },
        { name: "a", password: "a", accounts: [{ name: "A1", balance: 1 }] },
      ],
      products: [{ name: "ES", tickSize: 0.25, valuePerPoint: 50, price: 6800.1, contracts: ["ESZ6"] }],
    };
    expect(() => parseScenario(s)).toThrow(
      /duplicate user "a"[\s\S]*duplicate account "A1"[\s\S]*not a multiple of the tick size/,
    );
  });

  it("explains a missing file and broken JSON", () => {
    expect(() => loadScenario("/nonexistent/x.json")).toThrow(
      /cannot read scenario file \/nonexistent\/x.json \(ENOENT\)/,
    );
    expect(() => loadScenario(tempFile("{ nope"))).toThrow(/is not valid JSON/);
  });
});
