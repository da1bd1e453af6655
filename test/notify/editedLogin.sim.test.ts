import { afterEach, expect, it } from "vitest";
import { createSessions } from "../../src/process/sessions.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";
import { phoneEachTest } from "./phone.js";

/** What the phone hears of a login whose settings the trader edits while mimik runs, on the simulator. */

let rig: Rig | undefined;
const phone = phoneEachTest();
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

it("a login reconnecting with edited settings is said back once it is, not left lost on the phone", async () => {
  const { notifier: n } = phone.notifier();
  rig = await startRig(simConfig());
  const r = rig;
  r.engine.on((e) => n.push(e));
  await eventually(() => r.engine.directory.connected("DEMO2003"), "DEMO2003 connected");

  const next = structuredClone(r.engine.currentConfig());
  const sim = next.connections[0]!;
  if (sim.broker === "projectx") throw new Error("the rig's first login is Tradovate's");
  sim.appVersion = "test-2";
  r.engine.setConfig(next);
  const [session] = await createSessions(next, {
    env: { MIMIK_TEST_PASSWORD: "demo" },
    embeddedSimUrl: r.sim.url,
  });
  await r.engine.addSession(session!);
  await eventually(() => r.engine.directory.connected("DEMO2003"), "DEMO2003 connected again");
  // Connected for real: the next leader fill is copied.
  r.sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
  await eventually(() => position(r.sim, "DEMO2003", "ESZ6") === 1, "DEMO2003 long 1 with its leader");

  await n.quiet();
  const said = phone.said();
  expect(said).toEqual([
    "connection sim lost: its appVersion changed: reconnecting with the new settings",
    "connection sim is back",
  ]);
});
