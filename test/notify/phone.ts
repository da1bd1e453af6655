import { afterEach, beforeEach } from "vitest";
import { notificationsSchema } from "../../data/notifications.js";
import { Notifier } from "../../src/notify/notifier.js";
import { FakeClock } from "../broker/helpers/fakeClock.js";
import { startTestServer, type TestServer } from "./server.js";

/**
 * A phone for a describe block: before each test a test server with one webhook target on it,
 * after each the notifier and the server closed. `notifier()` starts the notifier on a fake clock;
 * `said()` is every message's text the phone received, in order.
 */
export function phoneEachTest() {
  let server: TestServer;
  let running: Notifier | undefined;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await running?.close(0);
    running = undefined;
    await server.close();
  });
  return {
    notifier(): { notifier: Notifier; clock: FakeClock } {
      const clock = new FakeClock();
      running = new Notifier({
        notifications: notificationsSchema.parse({
          targets: [{ name: "phone", kind: "webhook", urlSecret: { env: "A" } }],
        }),
        secrets: { phone: { ok: true, secrets: { url: `${server.url}/hook` } } },
        alert: () => {},
        clock,
      });
      return { notifier: running, clock };
    },
    said: () => server.received.map((r) => (r.json() as { text: string }).text),
  };
}
