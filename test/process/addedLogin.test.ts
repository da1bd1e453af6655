import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { type EngineEvent, silentLogger } from "../../engine/index.js";
import { formatStatus, parseStatus } from "../../src/cli/statusText.js";
import { secretKey } from "../../src/process/connectionSecrets.js";
import { statusReport } from "../../src/process/controlHandler.js";
import { type EngineHost, openEngineHost } from "../../src/process/engineThread/host.js";
import { EngineStore } from "../../src/store/engineStore.js";
import { PX_CONNECTION, simConfig } from "../support/rig.js";

/**
 * A login added to the config while mimik runs is opened once the main thread has read its
 * secrets. One that cannot be opened (its secret unread, a sim login with no simulator) is down
 * with the reason, on screen and in `mimik status`, and said once as an alert: never left reading
 * "connecting" for ever while its followers' copies are skipped as "disconnected".
 */
let host: EngineHost | undefined;
let dir: string | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

function withProjectX(config: Config): Config {
  const next = structuredClone(config);
  next.connections.push(PX_CONNECTION);
  next.accounts.push({ name: "TSX5001", connection: "px" });
  next.groups[0]!.followers.push({
    account: "TSX5001",
    enabled: true,
    sizing: { mode: "multiplier", value: 1 },
    mapping: "none",
    limits: {},
  });
  return next;
}

async function openHost(): Promise<{ events: EngineEvent[]; config: Config }> {
  dir = await mkdtemp(join(tmpdir(), "mimik-added-login-"));
  const config = simConfig();
  // The sim login's session is left out: only what the host says of the new login is looked at.
  host = await openEngineHost(
    {
      config,
      mode: "test",
      statePath: join(dir, "state.json"),
      journalPath: join(dir, "journal.jsonl"),
      seedLedger: false,
      secrets: {},
    },
    silentLogger,
    { sessions: [] },
  );
  const events: EngineEvent[] = [];
  host.on((e) => events.push(e));
  await host.start();
  return { events, config };
}

const alertsOf = (events: EngineEvent[]) => events.flatMap((e) => (e.type === "alert" ? [e.message] : []));

describe("a login added while mimik runs", () => {
  it("whose secret cannot be read is down with the reason, on screen and in mimik status, said once", async () => {
    const { events, config } = await openHost();
    const next = withProjectX(config);
    host!.setConfig(next);
    const key = secretKey(PX_CONNECTION);
    const unread = { px: { key, problem: "environment variable MIMIK_TEST_PX_KEY is not set" } };
    host!.addSecrets({ read: {}, unread });
    // Read again at the next change, and still not there: nothing new to say.
    host!.setConfig(structuredClone(next));
    host!.addSecrets({ read: {}, unread });
    expect(alertsOf(events)).toEqual([
      "connection px was added while mimik runs but cannot be used: its secret could not be read: environment variable MIMIK_TEST_PX_KEY is not set",
    ]);

    const store = new EngineStore();
    store.setConfig(next);
    for (const e of events) store.push(e);
    store.publish();
    const snapshot = store.getSnapshot();
    expect(snapshot.connections.get("px")).toMatchObject({ state: "down" });
    const report = parseStatus(JSON.parse(JSON.stringify(statusReport(snapshot, "SIM"))));
    expect(report).toBeDefined();
    expect(formatStatus(report!).join("\n")).toContain(
      "px down: its secret could not be read: environment variable MIMIK_TEST_PX_KEY is not set",
    );
    store.dispose();
  });

  it("on the embedded simulator when none runs is down saying so", async () => {
    const { events, config } = await openHost();
    host!.setConfig(withProjectX(config));
    host!.addSecrets({
      read: { px: { key: secretKey(PX_CONNECTION), values: { apiKey: "sim-projectx-key" } } },
      unread: {},
    });
    expect(alertsOf(events)).toEqual([
      "connection px was added while mimik runs but cannot be used: connection px: no simulator url and no embedded simulator",
    ]);
  });

  it("waits, saying nothing, for secrets read for other sources than its own", async () => {
    const { events, config } = await openHost();
    host!.setConfig(withProjectX(config));
    const stale = secretKey({ ...PX_CONNECTION, apiKey: { env: "ANOTHER_KEY" } });
    host!.addSecrets({ read: {}, unread: { px: { key: stale, problem: "not set" } } });
    expect(events.filter((e) => e.type === "alert" || e.type === "connectionStatus")).toEqual([]);
  });
});
