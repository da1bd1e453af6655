import { describe, expect, it } from "vitest";
import { AccountDirectory } from "../../engine/runtime/accountDirectory.js";
import type { BrokerSession } from "../../engine/types.js";
import { simConfig } from "../support/rig.js";

const session = (connection: string, state = "connected") =>
  ({ connection, state: () => state }) as unknown as BrokerSession;

describe("account directory", () => {
  it("resolves configured accounts by name, any case, once their login has synced", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    expect(dir.resolve("DEMO2001")).toBeUndefined();
    const sim = session("sim");
    dir.learn(sim, [{ id: 7, name: "DEMO2001" }]);
    expect(dir.resolve("demo2001")).toEqual({ session: sim, accountId: 7 });
    expect(dir.connected("DEMO2001")).toBe(true);
  });

  it("ignores an account reported by a login the config does not put it on", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    dir.learn(session("other"), [{ id: 9, name: "DEMO2001" }]);
    expect(dir.resolve("DEMO2001")).toBeUndefined();
  });

  it("says disconnected while the session is not connected", () => {
    const dir = new AccountDirectory();
    dir.setConfig(simConfig());
    dir.learn(session("sim", "reconnecting"), [{ id: 7, name: "DEMO2001" }]);
    expect(dir.connected("DEMO2001")).toBe(false);
  });
});
