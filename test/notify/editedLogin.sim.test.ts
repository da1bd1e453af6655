import { afterEach, expect, it } from "vitest";
import { notificationsSchema } from "../../data/notifications.js";
import { Notifier } from "../../src/notify/notifier.js";
import { createSessions } from "../../src/process/sessions.js";
import { FakeClock } from "../broker/helpers/fakeClock.js";
import { eventually, position, type Rig, simConfig, startRig } from "../support/rig.js";
import { startTestServer, type TestServer } from "./server.js";

/** What the phone hears of a login whose settings the trader edits while mimik runs, on the simulator. */

let rig: Rig | undefined;
let phone: TestServer | undefined;
let notifier: Notifier | undefined;
afterEach(async () => {
  await notifier?.close(0);
  await rig?.close();
  await phone?.close();
  rig = undefined;
  phone = undefined;
  notifier = undefined;
});

it("a login reconnecting with edited settings is said back once it is, not left lost on the phone", async () => {
  phone = await startTestServer();
  const n = new Notifier({
    notifications: notificationsSchema.parse({
      targets: [{ name: "phone", kind: "webhook", urlSecret: { env: "A" } }],
    }),
    secrets: { phone: { ok: true, secrets: { url: `${phone.url}/hook` } } },
    alert: () => {},
    clock: new FakeClock(),
  });
  notifier = n;
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
  const said = phone.received.map((q) => (q.json() as { text: string }).text);
  expect(said).toEqual([
    "connection sim lost: its appVersion changed: reconnecting with the new settings",
    "connection sim is back",
  ]);
});
