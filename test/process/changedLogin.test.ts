import { describe, expect, it } from "vitest";
import type { Config, Connection } from "../../data/schema.js";
import type { BrokerSession, EngineEvent } from "../../engine/index.js";
import { secretKey } from "../../src/process/connectionSecrets.js";
import { AddedLogins } from "../../src/process/engineThread/addedLogins.js";
import { PX_CONNECTION, simConfig } from "../support/rig.js";

/**
 * A running login whose connection settings are edited, on the engine's thread: the engine has
 * dropped its session (engine/runtime/logins.ts); here it is opened again once its secrets, read
 * anew on the main thread, are here, or said to be down with the reason.
 */
function harness() {
  const config: Config = { ...simConfig(), connections: [...simConfig().connections, PX_CONNECTION] };
  const opened: Connection[] = [];
  const events: EngineEvent[] = [];
  const added = new AddedLogins({
    config,
    secrets: { sim: { password: "demo" }, px: { apiKey: "old-key" } },
    running: ["sim", "px"],
    session: (c, _config, secrets) => {
      opened.push({ ...c, secrets } as never);
      return { connection: c.name } as BrokerSession;
    },
    open: async () => undefined,
    learnt: () => undefined,
    publish: (e) => events.push(e),
    now: () => 1,
  });
  const edited = (patch: Partial<typeof PX_CONNECTION>): Config => ({
    ...config,
    connections: [config.connections[0]!, { ...PX_CONNECTION, ...patch }],
  });
  return { config, opened, events, added, edited };
}

describe("AddedLogins: a running login whose settings changed", () => {
  it("is opened again with its secrets as read anew, never with the old ones", () => {
    const { opened, added, edited } = harness();
    const next = edited({ username: "funded" });
    added.setConfig(next);
    expect(opened).toEqual([]);
    const key = secretKey(next.connections[1]!);
    added.secretsRead({ read: { px: { key, values: { apiKey: "new-key" } } }, unread: {} });
    expect(opened).toEqual([{ ...next.connections[1], secrets: { apiKey: "new-key" } }]);
  });

  it("edited back as it was before its new secrets are read, is opened with the ones it had", () => {
    const { config, opened, added, edited } = harness();
    added.setConfig(edited({ username: "funded" }));
    added.setConfig(config);
    expect(opened.map((c) => [c.username, (c as never as { secrets: unknown }).secrets])).toEqual([
      ["topstep", { apiKey: "old-key" }],
    ]);
  });

  it("whose new secret cannot be read is down with the reason, said once", () => {
    const { events, added, edited } = harness();
    const next = edited({ apiKey: { env: "MIMIK_TEST_NEW_KEY" } });
    added.setConfig(next);
    const unread = { px: { key: secretKey(next.connections[1]!), problem: "not set" } };
    added.secretsRead({ read: {}, unread });
    added.secretsRead({ read: {}, unread });
    expect(events.map((e) => (e.type === "alert" ? e.message : e.type))).toEqual([
      "connectionStatus",
      "connection px was changed while mimik runs but cannot be used: its secret could not be read: not set",
    ]);
  });

  it("is not opened again for an edit of its request budget (the engine takes it in place)", () => {
    const { config, opened, events, added } = harness();
    const next = structuredClone(config);
    next.connections[0] = { ...next.connections[0]!, requestBudget: { perHour: 900 } } as never;
    // The same key: its secrets are not read again, and it is never taken for a changed login.
    expect(secretKey(next.connections[0]!)).toBe(secretKey(config.connections[0]!));
    added.setConfig(next);
    expect([opened, events]).toEqual([[], []]);
  });

  it("is left alone for an edit that does not touch a connection", () => {
    const { config, opened, events, added } = harness();
    const next = structuredClone(config);
    next.groups[0]!.followers.pop();
    added.setConfig(next);
    expect([opened, events]).toEqual([[], []]);
  });
});
