import { describe, expect, it } from "vitest";
import { plainLines } from "../components/helpers.js";
import { screenDriver, testConfig } from "./driver.js";

const config = () =>
  testConfig({
    accounts: [{ name: "NQL" }, { name: "FOLL1" }],
    groups: [{ name: "NQ Scalps", leader: "NQL", followers: ["FOLL1"] }],
  });

describe("header: the request budget before any login has reported one", () => {
  it("is not said to be 0 left (the console is drawn before the engine starts)", () => {
    const d = screenDriver(config());
    const header = () => plainLines(d.frame())[0] ?? "";
    expect(header()).toContain("budget —");
    expect(header()).not.toMatch(/budget 0\b/);
    d.store.push({
      type: "budget",
      at: 0,
      connection: "sim",
      budget: { left: 4990, limit: 5000, windowMs: 3_600_000, refused: 0 },
    });
    d.store.publish();
    expect(header()).toContain("budget 4990/h");
    d.store.dispose();
  });
});
