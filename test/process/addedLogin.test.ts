import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { type EngineEvent, silentLogger } from "../../engine/index.js";
import { formatStatus, parseStatus } from "../../src/cli/statusText.js";
import { statusReport } from "../../src/process/controlHandler.js";
import { type EngineHost, openEngineHost } from "../../src/process/engineThread/host.js";
import { EngineStore } from "../../src/store/engineStore.js";
import { PX_CONNECTION, simConfig } from "../support/rig.js";

/**
 * A login added to the config while mimik runs is not opened (its secrets are read at the start):
 * the trader is told to restart mimik to use its accounts, on screen and in `mimik status`, never
 * left with a login that reads "connecting" for ever and copies skipped as "disconnected".
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

describe("a login added while mimik runs", () => {
  it("says to restart mimik to use its accounts, on screen and in mimik status", async () => {
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
    const next = withProjectX(config);
    host.setConfig(next);
    const alerts = events.flatMap((e) => (e.type === "alert" ? [e.message] : []));
    expect(alerts).toContainEqual(expect.stringContaining("restart mimik to use TSX5001"));

    const store = new EngineStore();
    store.setConfig(next);
    for (const e of events) store.push(e);
    store.publish();
    const snapshot = store.getSnapshot();
    expect(snapshot.connections.get("px")).toMatchObject({ state: "down" });
    const report = parseStatus(JSON.parse(JSON.stringify(statusReport(snapshot, "SIM"))));
    expect(report).toBeDefined();
    expect(formatStatus(report!).join("\n")).toContain("px down: restart mimik to use TSX5001");
    store.dispose();
  });
});
