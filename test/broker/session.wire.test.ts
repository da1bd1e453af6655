/**
 * Client behaviour the simulator cannot produce on purpose, against a scripted fake server over
 * real sockets: secrets echoed by a proxy, busted fills, a snapshot part that comes late, 429s
 * that must not count as a login's client errors.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createBrokerSession } from "../../engine/broker/index.js";
import type { BrokerSession } from "../../engine/types.js";
import { collect, recordingLogger } from "./helpers/collect.js";
import {
  DEFAULT_SNAPSHOT,
  defaultReply,
  type FakeOptions,
  type FakeTradovate,
  startFakeTradovate,
  waitFor,
} from "./helpers/fakeTradovate.js";

const CREDS = {
  name: "demo",
  password: "pw-SECRET-1",
  appId: "mimik",
  appVersion: "0.1",
  cid: 7,
  sec: "sec-SECRET-2",
  deviceId: "dev-1",
};

let fake: FakeTradovate | undefined;
let session: BrokerSession | undefined;
afterEach(async () => {
  await session?.stop();
  await fake?.close();
  session = fake = undefined;
});

async function setup(fakeOpts: FakeOptions = {}, sessionOpts: Record<string, unknown> = {}) {
  fake = await startFakeTradovate(fakeOpts);
  const logger = recordingLogger();
  session = createBrokerSession({
    connection: "test",
    restUrl: fake.restUrl,
    wsUrl: fake.wsUrl,
    mdUrl: fake.wsUrl,
    credentials: CREDS,
    logger,
    heartbeatMs: 50,
    watchdogMs: 2000,
    requestTimeoutMs: 1000,
    reconnect: { initialMs: 20, maxMs: 100 },
    syncSettleMs: 20,
    ...sessionOpts,
  });
  return { fake, session, logger, seen: collect(session) };
}

const send = (f: FakeTradovate, ...messages: unknown[]) => f.sendAll(`a${JSON.stringify(messages)}`);
const props = (entityType: string, entity: unknown, eventType = "Created") => ({
  e: "props",
  d: { entityType, eventType, entity },
});

describe("no secret leaves the broker layer (issue 13 #5)", () => {
  it("a proxy's error that echoes the login body reaches the reason, the alert and the log redacted", async () => {
    const { session, seen, logger } = await setup({
      loginError: () => ({
        status: 400,
        text: `bad request: ${JSON.stringify({ ...CREDS })} (password=pw-SECRET-1)`,
      }),
    });
    await session.start();
    await waitFor(
      () => seen.of("connection").some((c) => /HTTP 400/.test(c.reason ?? "")),
      3000,
      "400 reason",
    );
    const texts = [
      ...seen.of("connection").map((c) => c.reason ?? ""),
      ...logger.lines,
      JSON.stringify(seen.events),
    ];
    for (const t of texts) {
      expect(t).not.toContain("pw-SECRET-1");
      expect(t).not.toContain("sec-SECRET-2");
    }
    expect(seen.of("connection").find((c) => /HTTP 400/.test(c.reason ?? ""))?.reason).toContain(
      '"password":"[redacted]"',
    );
  });

  it("an order reply echoing a secret or a token comes back redacted", async () => {
    const respond: FakeOptions["respond"] = (req) =>
      req.endpoint === "order/placeorder"
        ? [
            {
              s: 200,
              i: req.id,
              d: { failureReason: "UnknownReason", failureText: `echo pw-SECRET-1 fake-token` },
            },
          ]
        : defaultReply(req, DEFAULT_SNAPSHOT);
    const { session } = await setup({ respond });
    await session.start();
    const r = await session.placeOrder({
      accountId: 100,
      accountName: "DEMO100",
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      clOrdId: "x",
    });
    expect(r).toMatchObject({
      ok: false,
      failureReason: "UnknownReason",
      failureText: "echo [redacted] [redacted]",
    });
  });
});

describe("busted fills (issue 12 #6)", () => {
  it("a fill updated with active:false becomes one FillBustedEvent; repeats of it do not", async () => {
    const { fake, session, seen } = await setup();
    await session.start();
    const order = { id: 5, accountId: 100, contractId: 9001, ordStatus: "Filled", action: "Buy" };
    const fill = { id: 6, orderId: 5, contractId: 9001, action: "Buy", qty: 2, price: 6000.5, active: true };
    send(fake, props("order", order), props("fill", fill));
    await seen.next("fill");
    send(fake, props("fill", { ...fill, active: false }, "Updated"));
    send(fake, props("fill", { ...fill, active: false }, "Updated"));
    const busted = await seen.next("fillBusted");
    expect(busted).toMatchObject({
      accountId: 100,
      fillId: 6,
      orderId: 5,
      contract: "ESZ6",
      side: "Buy",
      qty: 2,
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.of("fillBusted")).toHaveLength(1);
    expect(seen.of("fill")).toHaveLength(1);
  });
});

describe("split sync replies", () => {
  const part = (id: number, d: unknown) => `a${JSON.stringify([{ s: 200, i: id, d }])}`;

  it("waits for the part with the positions; a part that comes after the snapshot was applied is merged as updates", async () => {
    const respond: FakeOptions["respond"] = (req, ws) => {
      if (req.endpoint !== "user/syncrequest") return defaultReply(req, DEFAULT_SNAPSHOT);
      const { positions: _p, cashBalances: _c, ...first } = DEFAULT_SNAPSHOT;
      ws.send(part(req.id, first));
      setTimeout(() => {
        // Long after the parts went quiet: the snapshot is not whole without it.
        const positions = [{ id: 1, accountId: 100, contractId: 9001, netPos: 3, netPrice: 6000 }];
        ws.send(part(req.id, { positions }));
        setTimeout(() => ws.send(part(req.id, { cashBalances: DEFAULT_SNAPSHOT.cashBalances })), 200);
      }, 200);
      return undefined;
    };
    const { session, seen, logger } = await setup({ respond });
    await session.start();
    expect(seen.of("sync")).toEqual([
      expect.objectContaining({ positions: [expect.objectContaining({ accountId: 100, netPos: 3 })] }),
    ]);
    const balance = await seen.next("balance");
    expect(balance).toMatchObject({ accountId: 100, amount: 50_000 });
    expect(session.cashBalance(100)).toMatchObject({ amount: 50_000 });
    expect(logger.lines.some((l) => l.includes("came late"))).toBe(true);
  });

  it("a snapshot whose positions never come reads them with position/list and syncs on what it says", async () => {
    const asked: string[] = [];
    const respond: FakeOptions["respond"] = (req, ws) => {
      asked.push(req.endpoint);
      if (req.endpoint === "position/list")
        return [
          { s: 200, i: req.id, d: [{ id: 1, accountId: 100, contractId: 9001, netPos: 2, netPrice: 6000 }] },
        ];
      if (req.endpoint !== "user/syncrequest") return defaultReply(req, DEFAULT_SNAPSHOT);
      const { positions: _p, ...rest } = DEFAULT_SNAPSHOT;
      ws.send(part(req.id, rest));
      return undefined;
    };
    const { session, seen } = await setup({ respond }, { syncCompleteMs: 300 });
    await session.start();
    await waitFor(() => session.state() === "connected", 5000, "connected");
    expect(asked.filter((e) => e === "position/list")).toHaveLength(1);
    expect(seen.of("sync")).toEqual([
      expect.objectContaining({ positions: [expect.objectContaining({ accountId: 100, netPos: 2 })] }),
    ]);
    expect(session.positions(100)).toEqual([expect.objectContaining({ contract: "ESZ6", netPos: 2 })]);
  });

  it("when that read fails too the login is not synced on half a picture: it reconnects and says why", async () => {
    let syncs = 0;
    const respond: FakeOptions["respond"] = (req, ws) => {
      if (req.endpoint === "position/list") return [{ s: 500, i: req.id, d: "internal error" }];
      if (req.endpoint !== "user/syncrequest") return defaultReply(req, DEFAULT_SNAPSHOT);
      syncs += 1;
      const { positions: _p, ...rest } = DEFAULT_SNAPSHOT;
      ws.send(part(req.id, syncs === 1 ? rest : DEFAULT_SNAPSHOT));
      return undefined;
    };
    const { session, seen } = await setup({ respond }, { syncCompleteMs: 300 });
    await session.start();
    expect(seen.of("connection").map((c) => c.state)).toEqual(["connecting", "reconnecting"]);
    expect(seen.of("connection")[1]?.reason).toContain("position/list");
    await waitFor(() => session.state() === "connected", 5000, "connected on the second snapshot");
    expect(seen.of("sync")).toHaveLength(1);
    expect(syncs).toBe(2);
  });
});

describe("reconnecting", () => {
  it("429s while reconnecting do not count toward giving up on repeated client errors", async () => {
    const { fake, session, seen } = await setup(
      {
        accountListStatus: 429,
        respond: (req) => defaultReply(req, DEFAULT_SNAPSHOT),
      },
      { rateLimit: { lockoutMs: 10 } },
    );
    await session.start();
    await waitFor(() => fake.restCalls.filter((c) => c.path === "account/list").length >= 4, 5000, "4 tries");
    expect(session.state()).toBe("reconnecting");
    expect(seen.of("connection").some((c) => c.state === "down")).toBe(false);
  });

  it("a 401 right after a good login, twice in a row, names the fix and does not log in again", async () => {
    const { fake, session, seen } = await setup({ accountListStatus: 401 });
    await session.start();
    await waitFor(() => session.state() === "reauth-needed", 5000, "reauth-needed");
    expect(seen.of("connection").at(-1)?.reason).toMatch(
      /no permissions[\s\S]*Application Settings → API Access/,
    );
    expect(seen.of("brokerAlert")).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(fake.restCalls.filter((c) => c.path === "auth/accesstokenrequest")).toHaveLength(2);
  });
});
