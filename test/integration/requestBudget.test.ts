import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
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

function withBudget(config: Config, requestBudget: { perHour?: number } | undefined): Config {
  const next = structuredClone(config);
  const [login] = next.connections;
  if (login?.broker === "projectx" || !login) throw new Error("the rig's login is Tradovate's");
  if (requestBudget) login.requestBudget = requestBudget;
  else delete login.requestBudget;
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
