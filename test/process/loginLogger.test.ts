import { afterEach, describe, expect, it } from "vitest";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { BrokerSession } from "../../engine/types.js";
import { sessionsFor } from "../../src/process/sessions.js";
import { eventually } from "../support/rig.js";
import { twoLoginConfig } from "../support/twoLogins.js";

/**
 * Two logins on one mimik: headless printed "logged in to Tradovate (user: [redacted])" twice and,
 * with the simulator gone, "market data socket could not connect" over and over, none saying
 * which login. Each line a session logs names its login now.
 */
let sim: Simulator | undefined;
let sessions: BrokerSession[] = [];
afterEach(async () => {
  for (const s of sessions) await s.stop();
  sessions = [];
  await sim?.close();
  sim = undefined;
});

describe("a login's session logs", () => {
  it("name the login on every line", async () => {
    sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
    const config = twoLoginConfig();
    for (const c of config.connections) if (c.broker !== "projectx") c.url = sim.url;
    const lines: { level: string; message: string; data?: Record<string, unknown> }[] = [];
    const logger = {
      info: (message: string, data?: Record<string, unknown>) => lines.push({ level: "info", message, data }),
      warn: (message: string, data?: Record<string, unknown>) => lines.push({ level: "warn", message, data }),
      error: (message: string, data?: Record<string, unknown>) =>
        lines.push({ level: "error", message, data }),
    };
    sessions = sessionsFor(config, {
      secrets: { demo: { password: "demo" }, prop: { password: "prop" } },
      logger,
    });
    await Promise.all(sessions.map((s) => s.start()));
    const logins = await eventually(() => {
      const found = lines.filter((l) => l.message === "logged in to Tradovate");
      return found.length === 2 && found;
    }, "both logins");
    expect(logins.map((l) => l.data?.connection).sort()).toEqual(["demo", "prop"]);
    expect(lines.filter((l) => l.data?.connection === undefined)).toEqual([]);
  }, 20_000);
});
