import { describe, expect, it } from "vitest";
import { AccountDirectory } from "../../engine/accounts/directory.js";
import type { BrokerSession } from "../../engine/types.js";
import { simConfig } from "../support/rig.js";

const session = (connection: string, state = "connected") =>
  ({ connection, state: () => state }) as unknown as BrokerSession;

function labelled() {
  const config = simConfig();
  config.accounts = config.accounts.map((a) => (a.name === "DEMO2001" ? { ...a, label: "half" } : a));
  return config;
}

describe("account directory", () => {
  it("routes configured accounts by their name once their login has synced", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    expect(dir.route("DEMO2001")).toBeUndefined();
    const sim = session("sim");
    dir.learn(sim, [{ id: 7, name: "demo2001" }]);
    expect(dir.route("DEMO2001")).toEqual({ session: sim, accountId: 7 });
    expect(dir.nameAt("sim", 7)).toBe("DEMO2001");
    expect(dir.connected("DEMO2001")).toBe(true);
  });

  it("finds what a person types: the name or the label, in any case", () => {
    const dir = new AccountDirectory();
    dir.setConfig(labelled());
    expect(dir.find("demo2001")).toBe("DEMO2001");
    expect(dir.find(" HALF ")).toBe("DEMO2001");
    expect(dir.find("nobody")).toBeUndefined();
  });

  it("knows each account's role: the leader by name and by broker id", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    dir.learn(session("sim"), [{ id: 1, name: "DEMO1000" }]);
    expect(dir.isLeader("DEMO1000")).toBe(true);
    expect(dir.isLeader("DEMO2001")).toBe(false);
    expect(dir.leaderAt("sim", 1)?.name).toBe("G");
    expect(dir.role("DEMO2002")).toEqual(expect.objectContaining({ kind: "follower" }));
  });

  it("finds a group a person types, in any case", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    expect(dir.findGroup(" g ")?.name).toBe("G");
    expect(dir.findGroup("nope")).toBeUndefined();
  });

  it("ignores an account reported by a login the config does not put it on", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    dir.learn(session("other"), [{ id: 9, name: "DEMO2001" }]);
    expect(dir.route("DEMO2001")).toBeUndefined();
    expect(dir.nameAt("other", 9)).toBeUndefined();
  });

  it("forgets a route when the config moves the account to another login", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    dir.learn(session("sim"), [{ id: 7, name: "DEMO2001" }]);
    const moved = simConfig();
    moved.connections.push({ ...moved.connections[0]!, name: "other" });
    moved.accounts = moved.accounts.map((a) => (a.name === "DEMO2001" ? { ...a, connection: "other" } : a));
    dir.setConfig(moved);
    expect(dir.route("DEMO2001")).toBeUndefined();
  });

  it("says disconnected while the session is not connected", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    dir.learn(session("sim", "reconnecting"), [{ id: 7, name: "DEMO2001" }]);
    expect(dir.connected("DEMO2001")).toBe(false);
  });
});

describe("account directory after a login's accounts change", () => {
  it("keeps every account resolvable when a snapshot reports their ids swapped", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    const sim = session("sim");
    dir.learn(sim, [
      { id: 5, name: "DEMO1000" },
      { id: 6, name: "DEMO2001" },
    ]);
    dir.learn(sim, [
      { id: 6, name: "DEMO1000" },
      { id: 5, name: "DEMO2001" },
    ]);
    // The leader's fills arrive under id 6 now: they must still be known as the leader's.
    expect(dir.nameAt("sim", 6)).toBe("DEMO1000");
    expect(dir.leaderAt("sim", 6)?.name).toBe("G");
    expect(dir.nameAt("sim", 5)).toBe("DEMO2001");
    expect(dir.route("DEMO2001")?.accountId).toBe(5);
  });

  it("drops a route whose broker id is now reported under another configured name", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    const sim = session("sim");
    dir.learn(sim, [{ id: 5, name: "DEMO2001" }]);
    dir.learn(sim, [{ id: 5, name: "DEMO2002" }]);
    expect(dir.route("DEMO2002")?.accountId).toBe(5);
    // DEMO2001's orders must not go to the account that is DEMO2002's now.
    expect(dir.route("DEMO2001")).toBeUndefined();
  });
});

describe("account directory: a label is for people", () => {
  it("never takes a broker account whose name is another account's label for that account", () => {
    const config = simConfig();
    // DEMO2001 labelled with the name of an account no longer configured (removed by a hand edit).
    config.accounts = config.accounts.map((a) => (a.name === "DEMO2001" ? { ...a, label: "DEMO9000" } : a));
    const dir = new AccountDirectory();
    dir.setConfig(config);
    const sim = session("sim");
    dir.learn(sim, [
      { id: 7, name: "DEMO2001" },
      { id: 9, name: "DEMO9000" },
    ]);
    expect(dir.route("DEMO2001")?.accountId).toBe(7);
    expect(dir.nameAt("sim", 9)).toBeUndefined();
  });
});
