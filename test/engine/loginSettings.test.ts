import { describe, expect, it } from "vitest";
import type { Connection } from "../../data/schema.js";
import {
  brokerUser,
  changedLive,
  changedSettings,
  loginSettings,
} from "../../engine/runtime/loginSettings.js";
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
    ["its app version", tv, { ...tv, appVersion: "0.2.0" }, ["appVersion"]],
    ["its request budget (taken in place)", tv, { ...tv, requestBudget: { perHour: 900 } }, []],
    [
      "its username and its budget",
      tv,
      { ...tv, username: "trader1", requestBudget: { perMinute: 60 } },
      ["username"],
    ],
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

describe("changedLive: what an edit changed that a running login takes in place", () => {
  it.each([
    ["a budget set", tv, { ...tv, requestBudget: { perHour: 900 } }, ["requestBudget"]],
    ["a budget taken out", { ...tv, requestBudget: { perHour: 900 } }, tv, ["requestBudget"]],
    [
      "the same budget, keys reordered",
      { ...tv, requestBudget: { perHour: 9, perMinute: 3 } },
      { ...tv, requestBudget: { perMinute: 3, perHour: 9 } },
      [],
    ],
    ["its username", tv, { ...tv, username: "trader1" }, []],
  ] as const)("%s", (_what, before, after, changed) => {
    expect(changedLive(before as Connection, after as Connection)).toEqual(changed);
  });
});

describe("brokerUser: whether an edited login is the same user at the same broker (its request count carries over)", () => {
  it.each<[string, Connection, Connection, boolean]>([
    [
      "its password read elsewhere and a new budget",
      tv,
      { ...tv, password: { env: "PW2" }, requestBudget: { perHour: 900 } },
      true,
    ],
    ["an API key added", tv, { ...tv, cid: 7, secret: { env: "SEC" } }, true],
    ["its app version", tv, { ...tv, appVersion: "0.2.0" }, true],
    ["another username", tv, { ...tv, username: "trader1" }, false],
    ["moved from demo to live", tv, { ...tv, env: "live" }, false],
    ["another simulator", tv, { ...tv, env: "sim", url: "http://127.0.0.1:9" }, false],
    ["a ProjectX login's new API key", PX_CONNECTION, { ...PX_CONNECTION, apiKey: { env: "K2" } }, true],
    [
      "another ProjectX firm",
      PX_CONNECTION,
      { ...PX_CONNECTION, hosts: { api: "https://api.firm.example" } },
      false,
    ],
    ["the same name, now at ProjectX", tv, { ...PX_CONNECTION, name: tv.name, username: tv.username }, false],
  ])("%s: same user %s", (_what, before, after, same) => {
    expect(brokerUser(before) === brokerUser(after)).toBe(same);
  });
});
