import { describe, expect, it } from "vitest";
import type { Connection } from "../../data/schema.js";
import { changedSettings, loginSettings } from "../../engine/runtime/loginSettings.js";
import { PX_CONNECTION } from "../support/rig.js";

const tv: Connection = {
  name: "apex",
  env: "demo",
  username: "trader",
  password: { env: "PW" },
  appId: "mimik",
  appVersion: "0.1.0",
};

describe("changedSettings: what an edit changed on a login's connection", () => {
  it.each([
    ["a typo'd username fixed", tv, { ...tv, username: "trader1" }, ["username"]],
    ["moved from demo to live", tv, { ...tv, env: "live" }, ["env"]],
    ["another simulator", tv, { ...tv, env: "sim", url: "http://127.0.0.1:9" }, ["env", "url"]],
    ["its password read elsewhere", tv, { ...tv, password: { file: "/c.json", key: "apex" } }, ["password"]],
    ["an API key added", tv, { ...tv, cid: 7, secret: { env: "SEC" } }, ["cid", "secret"]],
    [
      "another ProjectX firm",
      PX_CONNECTION,
      { ...PX_CONNECTION, hosts: { api: "https://api.firm.example" } },
      ["hosts"],
    ],
    [
      "the same, keys reordered",
      tv,
      {
        appVersion: "0.1.0",
        appId: "mimik",
        password: { env: "PW" },
        username: "trader",
        env: "demo",
        name: "apex",
      },
      [],
    ],
    ["nothing", PX_CONNECTION, structuredClone(PX_CONNECTION), []],
  ] as const)("%s", (_what, before, after, changed) => {
    expect(changedSettings(before as Connection, after as Connection)).toEqual(changed);
    expect(loginSettings(before as Connection) === loginSettings(after as Connection)).toBe(
      changed.length === 0,
    );
  });
});
