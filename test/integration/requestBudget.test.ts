import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { defaultScenario } from "../../engine/sim/index.js";
import { createSessions } from "../../src/process/sessions.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";

/**
 * A login's request budget edited while mimik runs is applied to the running login: its sockets
 * stay open (counted at the simulator) and the new budget is what its orders are held to, judged
 * on the simulator's book.
 */
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const alerts = (r: Rig) => r.events.flatMap((e) => (e.type === "alert" ? [e.message] : []));
const statusesOf = (r: Rig, from: number) =>
  r.events.slice(from).filter((e) => e.type === "connectionStatus" && e.connection === "sim");
/** The budget the header shows for the login now. */
function shownLimit(r: Rig): number | undefined {
  const last = r.events.findLast((e) => e.type === "budget" && e.connection === "sim");
  return last?.type === "budget" ? last.budget.limit : undefined;
}

function withBudget(
  config: Config,
  requestBudget: { perMinute?: number; perHour?: number } | undefined,
  appVersion?: string,
): Config {
  const next = structuredClone(config);
  const [login] = next.connections;
  if (login?.broker === "projectx" || !login) throw new Error("the rig's login is Tradovate's");
  if (requestBudget) login.requestBudget = requestBudget;
  else delete login.requestBudget;
  if (appVersion) login.appVersion = appVersion;
  return next;
}

describe("a running login's request budget, edited", () => {
  it("is applied in place: the login stays connected on the same sockets, and its orders keep to the new budget", async () => {
    rig = await startRig(simConfig());
    const { sim, engine } = rig;
    const start = engine.currentConfig();
    await eventually(() => engine.directory.connected("DEMO2003"), "DEMO2003 connected");
    await eventually(() => shownLimit(rig!) === 5000, "the default budget shown");
    // A position opens the login's market-data socket beside its trading one: both are counted.
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 long 1");
    await eventually(() => sim.control.socketCount({ user: "demo" }) === 2, "its two sockets open");
    const from = rig.events.length;

    // One request an hour: already spent by the login itself, so nothing more may go.
    engine.setConfig(withBudget(start, { perHour: 1 }));
    expect(alerts(rig)).toContainEqual(
      "connection sim: its request budget is now 1000/s, 5000/min, 1/h, applied at once; it stays connected",
    );
    await eventually(() => shownLimit(rig!) === 1, "the new budget shown");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(
      () =>
        rig!.events.some(
          (e) =>
            e.type === "copy" &&
            e.follower === "DEMO2003" &&
            e.outcome === "rejected" &&
            e.reason.includes("request budget"),
        ),
      "DEMO2003's copy refused for want of budget",
    );
    expect(position(sim, "DEMO2003", "ESZ6")).toBe(1);

    // Back to the default: copying goes on, on the same login.
    engine.setConfig(start);
    await eventually(() => shownLimit(rig!) === 5000, "the default budget shown again");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "ESZ6") === 2, "DEMO2003 long 2");
    expect(sim.control.socketCount({ user: "demo" })).toBe(2);
    expect(statusesOf(rig, from)).toEqual([]);
    expect(engine.directory.connected("DEMO2003")).toBe(true);
  });
});

/**
 * The broker counts a login's requests by the login, and stops it for an hour at one too many
 * (a 429). A session of the login that starts afresh, while the hour's requests are spent, must
 * not be the one that sends it: judged by the simulator, which holds the same 40 an hour.
 */
describe("a login whose hour's budget is spent", () => {
  const LIMITS = { ...defaultScenario.limits, requestsPerHour: 40 };
  const statuses = (r: Rig, from: number) =>
    r.events.slice(from).flatMap((e) => (e.type === "connectionStatus" && e.connection === "sim" ? [e] : []));
  /** The login's first try to connect again that was refused: by its own budget or by the broker. */
  const refusedTry = (r: Rig, from: number) =>
    eventually(
      () => statuses(r, from).find((e) => e.reason?.includes("request budget") || e.reason?.includes("429")),
      "the login's try to connect again refused",
    );
  const said429 = (r: Rig) => JSON.stringify(r.events).includes("rate limit (429)");

  /** The rig's login held to the simulator's 40 an hour, its leader traded until copies are refused. */
  async function spent(): Promise<Rig> {
    const config = withBudget(simConfig(), { perHour: 40 });
    const r = await startRig(config, { sim: { scenario: { ...defaultScenario, limits: LIMITS } } });
    await eventually(() => r.engine.directory.connected("DEMO2003"), "DEMO2003 connected");
    const outcomes = () =>
      r.events.flatMap((e) =>
        e.type === "copy" && e.follower === "DEMO2003" && (e.outcome === "filled" || e.outcome === "rejected")
          ? [e]
          : [],
      );
    for (let i = 0; ; i++) {
      const n = outcomes().length;
      r.sim.control.manualTrade("DEMO1000", "ESZ6", i % 2 === 0 ? "Buy" : "Sell", 1);
      await eventually(() => outcomes().length > n, `the copy of leader trade ${i + 1}`);
      if (outcomes().at(-1)?.outcome === "rejected") break;
      if (i > 40) throw new Error("copies never ran out of budget");
    }
    expect(outcomes().at(-1)?.reason).toContain("request budget");
    expect(said429(r)).toBe(false);
    return r;
  }

  it("edited in its connection and budget together: the session added back waits for the budget, and is never stopped by the broker", async () => {
    rig = await spent();
    const { sim, engine } = rig;
    const from = rig.events.length;
    const next = withBudget(engine.currentConfig(), { perHour: 40, perMinute: 4000 }, "test-2");
    engine.setConfig(next);
    const [session] = await createSessions(
      { ...next, connections: next.connections.filter((c) => c.name === "sim") },
      { env: { MIMIK_TEST_PASSWORD: "demo" }, embeddedSimUrl: sim.url },
    );
    await engine.addSession(session!);
    const waiting = await refusedTry(rig, from);
    expect(waiting.reason).toContain("request budget");
    expect(session!.rateBudget()).toMatchObject({ left: 0, limit: 40 });
    expect(said429(rig)).toBe(false);
  });

  it("dropped by the broker: it reconnects within what is left of the budget, never past it", async () => {
    rig = await spent();
    const from = rig.events.length;
    expect(rig.sim.control.dropSockets({ user: "demo" })).toBeGreaterThan(0);
    const waiting = await eventually(
      () =>
        statuses(rig!, from).find((e) => e.reason?.includes("request budget") || e.reason?.includes("429")),
      "the login's reconnect refused",
    );
    expect(waiting.reason).toContain("request budget");
    expect(said429(rig)).toBe(false);
  });
});
