import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Notifications, notificationsSchema } from "../../data/notifications.js";
import { type AlertEvent, type CopyEvent, type EngineEvent, SKIP_REASONS } from "../../engine/index.js";
import { Notifier } from "../../src/notify/notifier.js";
import type { ResolvedTargets } from "../../src/notify/secrets.js";
import { secretScrubber } from "../../src/text/scrub.js";
import { FakeClock } from "../broker/helpers/fakeClock.js";
import { startTestServer, type TestServer } from "./server.js";

/**
 * The notifier end to end over real HTTP to local servers, on a fake clock: events in, the
 * messages each service receives out, and the alerts the notifier raises about itself.
 */

let phone: TestServer;
let chat: TestServer;
let clock: FakeClock;
let alerts: AlertEvent[];
let notifier: Notifier | undefined;

beforeEach(async () => {
  phone = await startTestServer();
  chat = await startTestServer();
  clock = new FakeClock();
  alerts = [];
});
afterEach(async () => {
  await notifier?.close(0);
  notifier = undefined;
  await phone.close();
  await chat.close();
});

const TOKEN = "phone-token-5f1c9a";

function start(
  section: unknown,
  secrets?: ResolvedTargets,
  knownStates?: Record<string, "LOCKED" | "LIQUIDATE_ONLY" | "ACTIVE">,
): Notifier {
  const notifications: Notifications = notificationsSchema.parse(section);
  notifier = new Notifier({
    notifications,
    secrets: secrets ?? {
      phone: { ok: true, secrets: { url: `${phone.url}/hook`, token: TOKEN } },
      chat: { ok: true, secrets: { url: `${chat.url}/api/webhooks/1/chat-secret` } },
    },
    alert: (a) => alerts.push(a),
    knownStates,
    clock,
    scrub: secretScrubber([TOKEN, `${chat.url}/api/webhooks/1/chat-secret`]),
  });
  notifier.start();
  return notifier;
}

const twoTargets = {
  targets: [
    { name: "phone", kind: "webhook", urlSecret: { env: "A" }, token: { env: "B" } },
    { name: "chat", kind: "discord", urlSecret: { env: "C" }, kinds: { heldBack: false } },
  ],
};

const locked = (follower: string): EngineEvent => ({
  type: "followerState",
  at: clock.now(),
  follower,
  state: "LOCKED",
  reason: "manual",
});
const heldBack = (follower: string): EngineEvent => ({
  type: "copy",
  at: clock.now(),
  group: "main",
  follower,
  fillId: 1,
  contract: "ESZ6",
  outcome: "skipped",
  reason: SKIP_REASONS.locked,
});

/**
 * Moves the fake clock a second at a time, letting every request finish in between: a request's
 * own timeout (10 s on the same clock) then never fires while the service is answering.
 */
async function runFor(n: Notifier, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    await n.quiet();
    clock.advance(1000);
  }
  await n.quiet();
}
const texts = (server: TestServer) =>
  server.received.map((r) => {
    const body = r.json() as { text?: string; content?: string };
    return body.text ?? body.content ?? "";
  });

describe("the notifier", () => {
  it("files events at once and sends later; each target gets the kinds it wants", async () => {
    const n = start(twoTargets);
    n.push(locked("DEMO2001"));
    n.push(heldBack("DEMO2002"));
    expect(phone.received).toHaveLength(0); // nothing was sent inside push()
    await n.quiet();
    expect(texts(phone)).toEqual([
      "DEMO2001: LOCKED (manual)",
      "DEMO2002: opening on ESZ6 held back: locked",
    ]);
    expect(texts(chat)).toEqual(["**mimik · Locked**\nDEMO2001: LOCKED (manual)"]);
    expect(alerts).toEqual([]);
  });

  it("collapses a storm of skips for one follower into one message and a count", async () => {
    const n = start(twoTargets);
    for (let i = 0; i < 12; i++) n.push(heldBack("DEMO2002"));
    await n.quiet();
    expect(phone.received).toHaveLength(1);
    clock.advance(60_000);
    await n.quiet();
    expect(phone.received.map((r) => (r.json() as { repeats: number }).repeats)).toEqual([0, 10]);
    expect(texts(phone)[1]).toBe(
      "DEMO2002: opening on ESZ6 held back: locked\n(10 more like this in the last 60 s)",
    );
  });

  it("a failing target is one alert however many messages fail, never with its secrets, and others go on", async () => {
    // The service fails every try and echoes what it was sent, token and all.
    phone.fallback = { status: 503, body: `upstream rejected Bearer ${TOKEN}` };
    const n = start(twoTargets);
    n.push(locked("DEMO2001"));
    n.push(locked("DEMO2002"));
    await chat.requests(2); // the healthy target is not held up
    await runFor(n, 90_000);
    expect(phone.received).toHaveLength(10); // 2 messages × 5 tries
    expect(alerts.map((a) => [a.level, a.message])).toEqual([
      [
        "error",
        'notifications to "phone" (webhook) are failing: HTTP 503: upstream rejected Bearer [redacted]; mimik keeps trying with each new one',
      ],
    ]);
    phone.fallback = { status: 200, body: "{}" };
    n.push(locked("DEMO2003"));
    await n.quiet();
    expect(alerts.map((a) => a.message)[1]).toBe(
      'notifications to "phone" (webhook) work again; 2 could not be delivered meanwhile',
    );
    expect(JSON.stringify(alerts)).not.toContain(TOKEN);
  });

  it("a secret the service echoes where its reply is cut short leaves no piece of itself in the alert", async () => {
    // The reply is shortened for the alert: the token straddles the cut.
    phone.fallback = { status: 401, body: `${"x".repeat(125)} bad credentials: Bearer ${TOKEN}` };
    const n = start(twoTargets);
    n.push(locked("DEMO2001"));
    await n.quiet();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message).not.toContain(TOKEN.slice(0, 9));
    expect(alerts[0]!.message).toContain("[redacted]");
  });

  it("a target whose secret could not be read is said once at start and sends nothing", async () => {
    const n = start(twoTargets, {
      phone: { ok: true, secrets: { url: `${phone.url}/hook` } },
      chat: { ok: false, problem: "environment variable C is not set (export C=… before starting mimik)" },
    });
    n.push(locked("DEMO2001"));
    await n.quiet();
    expect(phone.received).toHaveLength(1);
    expect(chat.received).toHaveLength(0);
    expect(alerts.map((a) => a.message)).toEqual([
      'notifications to "chat" are off: environment variable C is not set (export C=… before starting mimik); fix it and restart mimik',
    ]);
  });

  it("a saved lock is news no more once the engine has started: one the day roll lifted never hides the next", async () => {
    const n = start(twoTargets, undefined, { DEMO2001: "LOCKED", DEMO2002: "LOCKED" });
    n.push(locked("DEMO2002")); // risk restored this one at start
    n.engineStarted(); // DEMO2001's was lifted by the roll, without a word
    n.push(locked("DEMO2001"));
    n.push(locked("DEMO2002"));
    await n.quiet();
    expect(texts(phone)).toEqual(["DEMO2001: LOCKED (manual)"]);
  });

  it("close waits for a hung service only as long as its grace, then ends the request", async () => {
    phone.fallback = "hang";
    const n = start(twoTargets);
    n.push(locked("DEMO2001"));
    const closing = n.close(1000);
    await phone.requests(1);
    clock.advance(1000);
    await closing;
    await n.quiet(); // the aborted request has come back
    expect(alerts).toEqual([]); // a deliberate stop is not a failing target
    expect(clock.pending()).toBe(0);
  });

  it("a lock in the same burst as a flood of copy events still reaches the phone", async () => {
    const section = notificationsSchema.parse(twoTargets);
    const waiting: (() => void)[] = [];
    notifier = new Notifier({
      notifications: section,
      secrets: { phone: { ok: true, secrets: { url: `${phone.url}/hook`, token: TOKEN } } },
      alert: (a) => alerts.push(a),
      clock,
      schedule: (run) => waiting.push(run),
    });
    // One frame of five leader fills copied to 200 locked followers: a thousand skips in one tick.
    for (let f = 0; f < 5; f++) for (let i = 0; i < 200; i++) notifier.push(heldBack(`F${i}`));
    notifier.push(locked("DEMO2001"));
    for (const run of waiting.splice(0)) run();
    await notifier.quiet();
    expect(texts(phone)).toContain("DEMO2001: LOCKED (manual)");
  });

  it("a lock waiting behind a storm of held-back openings is never dropped to make room for them", async () => {
    const n = start(twoTargets);
    n.push({
      type: "connectionStatus",
      at: clock.now(),
      connection: "sim",
      broker: "tradovate",
      state: "connected",
    });
    n.push({
      type: "connectionStatus",
      at: clock.now(),
      connection: "sim",
      broker: "tradovate",
      state: "reconnecting",
    });
    n.push(locked("DEMO2001"));
    // 200 followers already locked by hand each hold the next leader fill back: 200 subjects, 200 notices.
    for (let i = 0; i < 200; i++) n.push(heldBack(`F${i}`));
    await n.quiet();
    await phone.requests(51);
    await n.quiet();
    const said = texts(phone);
    expect(said).toHaveLength(51); // the lost, then the queue of 50
    expect(said[0]).toBe("connection sim lost; reconnecting");
    expect(said[1]).toBe("DEMO2001: LOCKED (manual)\n(151 notifications dropped: too many at once)");
    expect(said.at(-1)).toBe("F199: opening on ESZ6 held back: locked");
  });

  it("copies that went well never crowd out a rejected one", async () => {
    const waiting: (() => void)[] = [];
    notifier = new Notifier({
      notifications: notificationsSchema.parse(twoTargets),
      secrets: { phone: { ok: true, secrets: { url: `${phone.url}/hook`, token: TOKEN } } },
      alert: (a) => alerts.push(a),
      clock,
      schedule: (run) => waiting.push(run),
    });
    const copy = (follower: string, outcome: "sent" | "filled" | "rejected"): EngineEvent => ({
      type: "copy",
      at: clock.now(),
      group: "main",
      follower,
      fillId: 1,
      contract: "ESZ6",
      outcome,
      kind: "open",
      side: "Buy",
      qty: 1,
      reason: outcome === "rejected" ? "Insufficient margin" : "copied",
    });
    // 200 followers' copies of five fills, sent and filled, in the tick a reject comes back.
    for (let f = 0; f < 5; f++)
      for (let i = 0; i < 200; i++) notifier.push(copy(`F${i}`, f % 2 ? "filled" : "sent"));
    notifier.push(copy("DEMO2003", "rejected"));
    for (const run of waiting.splice(0)) run();
    await notifier.quiet();
    expect(texts(phone)).toEqual(["DEMO2003: open Buy 1 ESZ6 rejected: Insufficient margin"]);
    expect(alerts).toEqual([]);
  });

  it("a connection that flaps is never left 'back' on the phone while it is down", async () => {
    const n = start(twoTargets);
    const status = (state: "connected" | "reconnecting"): EngineEvent => ({
      type: "connectionStatus",
      at: clock.now(),
      connection: "sim",
      broker: "tradovate",
      state,
      reason: state === "reconnecting" ? "socket closed" : undefined,
    });
    n.push(status("connected")); // the start: no news
    // Lost at 0 s, back at 30 s, then flapping: lost 40 s, back 50 s, lost at 58 s, and it stays down.
    for (const [wait, state] of [
      [0, "reconnecting"],
      [30, "connected"],
      [10, "reconnecting"],
      [10, "connected"],
      [8, "reconnecting"],
    ] as const) {
      await runFor(n, wait * 1000);
      n.push(status(state));
    }
    await runFor(n, 120_000);
    const said = texts(phone);
    expect(said.at(-1)).toMatch(/^connection sim lost: socket closed; reconnecting/);
    expect(said.slice(0, 2)).toEqual([
      "connection sim lost: socket closed; reconnecting",
      "connection sim is back",
    ]);
  });

  it("a second 'back' whose 'lost' was folded away says it was lost again", async () => {
    const n = start(twoTargets);
    const status = (state: "connected" | "reconnecting"): EngineEvent => ({
      type: "connectionStatus",
      at: clock.now(),
      connection: "sim",
      broker: "tradovate",
      state,
      reason: state === "reconnecting" ? "socket closed" : undefined,
    });
    n.push(status("connected"));
    // Lost at 0 s, back at 10 s, lost again at 20 s and back at 30 s: it ends up.
    for (const [wait, state] of [
      [0, "reconnecting"],
      [10, "connected"],
      [10, "reconnecting"],
      [10, "connected"],
    ] as const) {
      await runFor(n, wait * 1000);
      n.push(status(state));
    }
    await runFor(n, 120_000);
    expect(texts(phone)).toEqual([
      "connection sim lost: socket closed; reconnecting",
      "connection sim is back",
      "connection sim is back again: it was lost once more meanwhile",
    ]);
  });

  it("a flip that only closed because a rule held its opening back is an opening held back", async () => {
    const n = start(twoTargets);
    n.push({
      type: "copy",
      at: clock.now(),
      group: "main",
      follower: "DEMO2002",
      fillId: 3,
      contract: "ESZ6",
      outcome: "sent",
      kind: "close",
      side: "Sell",
      qty: 2,
      reason: "copied close only, opening held back: max contracts",
    });
    await n.quiet();
    expect(texts(phone)).toEqual([
      "DEMO2002: flip on ESZ6 copied as a close only (Sell 2), its opening held back: max contracts",
    ]);
  });

  const heldBy = (follower: string, reason: string, group = "main", contract = "ESZ6"): CopyEvent => ({
    type: "copy",
    at: clock.now(),
    group,
    follower,
    fillId: 1,
    contract,
    outcome: "skipped",
    kind: "open",
    side: "Buy",
    qty: 1,
    reason,
  });

  it("a trading window holding 200 followers' openings back is one message a minute, naming its cause", async () => {
    const n = start(twoTargets);
    for (let i = 0; i < 200; i++) n.push(heldBy(`F${i}`, SKIP_REASONS.outsideHours));
    await n.quiet();
    expect(texts(phone)).toEqual([
      "main: opening on ESZ6 held back for 200 followers (F0, F1, F2 and 197 more): outside trading hours",
    ]);
    // The leader's next two fills, a moment later, hold them all back again: counted, not sent.
    for (const _fill of [2, 3]) {
      for (let i = 0; i < 200; i++) n.push(heldBy(`F${i}`, SKIP_REASONS.outsideHours));
      await n.quiet();
    }
    expect(phone.received).toHaveLength(1);
    await runFor(n, 60_000);
    expect(texts(phone)).toEqual([
      "main: opening on ESZ6 held back for 200 followers (F0, F1, F2 and 197 more): outside trading hours",
      "main: opening on ESZ6 held back for 200 followers (F0, F1, F2 and 197 more): outside trading hours\n(1 more like this in the last 60 s)",
    ]);
  });

  it("the hedge guard and a blackout each say what they held back, once per cause", async () => {
    const n = start(twoTargets);
    for (const f of ["APEX1", "APEX2"]) n.push(heldBy(f, SKIP_REASONS.hedgeGuard, "micro", "MESZ6"));
    n.push(heldBy("DEMO2002", "blackout: CPI"));
    n.push({
      ...heldBy("DEMO2003", "copied close only, opening held back: flat by 15:55 CT"),
      outcome: "sent",
      kind: "close",
      side: "Sell",
      qty: 2,
    });
    await n.quiet();
    expect(texts(phone)).toEqual([
      "micro: opening on MESZ6 held back for 2 followers (APEX1, APEX2): hedge guard (another follower of the same firm holds the other side)",
      "main: opening on ESZ6 held back for DEMO2002: blackout: CPI",
      "main: flip on ESZ6 copied as a close only for DEMO2003 (Sell 2), the opening held back: flat by 15:55 CT",
    ]);
  });

  it("close sends the counted repeats, then takes nothing more", async () => {
    const n = start(twoTargets);
    n.push(heldBack("DEMO2002"));
    n.push(heldBack("DEMO2002"));
    n.push(heldBack("DEMO2002"));
    const closing = n.close(5000);
    n.push(locked("DEMO2001")); // after close: ignored
    await closing;
    expect(texts(phone)).toEqual([
      "DEMO2002: opening on ESZ6 held back: locked",
      "DEMO2002: opening on ESZ6 held back: locked\n(1 more like this in the last 60 s)",
    ]);
    expect(clock.pending()).toBe(0);
  });
});
