import { afterEach, describe, expect, it } from "vitest";
import { parseScenario, type Simulator, startSimulator } from "../../../engine/sim/index.js";
import { defaultScenario } from "../../../engine/sim/scenario.js";
import { RawHub } from "./rawHub.js";

/** The simulator's ProjectX face as a ProjectX client sees it: REST envelope, codes, hubs, limits. */
let sim: Simulator | undefined;
const hubs: RawHub[] = [];
afterEach(async () => {
  for (const h of hubs.splice(0)) h.close();
  await sim?.close();
  sim = undefined;
});

async function start(opts: Parameters<typeof startSimulator>[0] = {}) {
  sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true, ...opts });
  return sim;
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read ProjectX's JSON replies field by field
type Json = any;

async function post(path: string, body: unknown, token?: string): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${sim!.projectx.apiUrl}/api/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function login(): Promise<string> {
  const r = await post("Auth/loginKey", { userName: "topstep", apiKey: "sim-projectx-key" });
  return r.json.token as string;
}

async function userHub(token: string): Promise<RawHub> {
  const hub = await RawHub.open(`${sim!.projectx.userHubUrl}?access_token=${token}`);
  hubs.push(hub);
  return hub;
}

const TSX5001 = () => sim!.control.records().cashBalances.find((c) => c.accountName === "TSX5001")!.accountId;

describe("ProjectX REST on the simulator", () => {
  it("answers in the envelope: login codes, a JWT-shaped token, validate, and 401 without one", async () => {
    await start();
    expect((await post("Auth/loginKey", { userName: "nobody", apiKey: "x" })).json).toEqual({
      token: null,
      success: false,
      errorCode: 1,
      errorMessage: "User not found",
    });
    expect((await post("Auth/loginKey", { userName: "demo", apiKey: "demo" })).json.errorCode).toBe(1);
    expect((await post("Auth/loginKey", { userName: "topstep", apiKey: "wrong" })).json.errorCode).toBe(3);
    const token = await login();
    const exp = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).exp * 1000;
    expect(exp - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const renewed = await post("Auth/validate", {}, token);
    expect(renewed.json).toMatchObject({ success: true, errorCode: 0 });
    expect(renewed.json.newToken).not.toBe(token);
    expect((await post("Account/search", { onlyActiveAccounts: true })).status).toBe(401);
    expect((await post("Account/search", { onlyActiveAccounts: true }, "nonsense")).status).toBe(401);
    const accounts = await post("Account/search", { onlyActiveAccounts: true }, token);
    expect(accounts.json.accounts.map((a: { name: string }) => a.name)).toEqual(["TSX5001", "TSX5002"]);
    expect(accounts.json.accounts[0]).toMatchObject({ balance: 50000, canTrade: true, simulated: true });
    // A Tradovate user is not a ProjectX login, and a ProjectX user is not a Tradovate one.
    const tv = await fetch(`${sim!.restUrl}/auth/accesstokenrequest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "topstep", password: "" }),
    });
    expect(((await tv.json()) as { errorText?: string }).errorText).toMatch(/Incorrect username or password/);
    sim!.control.expireTokens();
    expect((await post("Account/search", { onlyActiveAccounts: true }, token)).status).toBe(401);
  });

  it("400 with problem details for a body it cannot bind; 404 for no route; GET ping", async () => {
    await start();
    const token = await login();
    const bad = await post("Order/place", { accountId: "x", contractId: 5 }, token);
    expect(bad.status).toBe(400);
    expect(bad.json.title).toBe("One or more validation errors occurred.");
    expect(Object.keys(bad.json.errors)).toEqual(
      expect.arrayContaining(["accountId", "contractId", "type", "side", "size"]),
    );
    expect((await post("Order/place", "{not json", token)).status).toBe(400);
    expect((await post("Nope/nothing", {}, token)).status).toBe(404);
    const ping = await fetch(`${sim!.projectx.apiUrl}/api/Status/ping`);
    expect([ping.status, await ping.text()]).toEqual([200, "pong"]);
  });

  it("orders: customTag unique per account, canTrade false, contract ids, closed market, partial close", async () => {
    await start();
    const token = await login();
    const accountId = TSX5001();
    const place = (extra: Record<string, unknown> = {}) =>
      post(
        "Order/place",
        { accountId, contractId: "CON.F.US.EP.Z26", type: 2, side: 0, size: 3, ...extra },
        token,
      );
    const first = await place({ customTag: "mk-1-1" });
    expect(first.json).toMatchObject({ success: true, errorCode: 0, errorMessage: null });
    expect(typeof first.json.orderId).toBe("number");
    expect((await place({ customTag: "mk-1-1" })).json).toMatchObject({ success: false, errorCode: 2 });
    expect((await place({ contractId: "CON.F.US.ES.Z26" })).json).toMatchObject({
      success: false,
      errorCode: 8,
    });
    expect((await place({ accountId: 700001 })).json).toMatchObject({ success: false, errorCode: 1 });
    sim!.control.setCanTrade("TSX5001", false);
    expect((await place()).json).toMatchObject({ success: false, errorCode: 4 });
    sim!.control.setCanTrade("TSX5001", true);
    sim!.control.marketClosed(true);
    expect((await place()).json).toMatchObject({ success: false, errorCode: 5 });
    sim!.control.marketClosed(false);
    const open = await post("Position/searchOpen", { accountId }, token);
    expect(open.json.positions).toEqual([
      expect.objectContaining({
        contractId: "CON.F.US.EP.Z26",
        type: 1,
        size: 3,
        averagePrice: expect.any(Number),
      }),
    ]);
    expect(
      (
        await post(
          "Position/partialCloseContract",
          { accountId, contractId: "CON.F.US.EP.Z26", size: 4 },
          token,
        )
      ).json,
    ).toMatchObject({
      success: false,
    });
    expect(
      (
        await post(
          "Position/partialCloseContract",
          { accountId, contractId: "CON.F.US.EP.Z26", size: 2 },
          token,
        )
      ).json.success,
    ).toBe(true);
    expect((await post("Position/searchOpen", { accountId }, token)).json.positions[0].size).toBe(1);
    expect(
      (await post("Position/closeContract", { accountId, contractId: "CON.F.US.EP.Z26" }, token)).json
        .success,
    ).toBe(true);
    expect((await post("Position/searchOpen", { accountId }, token)).json.positions).toEqual([]);
    const trades = await post(
      "Trade/search",
      { accountId, startTimestamp: new Date(0).toISOString() },
      token,
    );
    expect(
      trades.json.trades.map((t: { size: number; profitAndLoss: number | null }) => [
        t.size,
        t.profitAndLoss === null,
      ]),
    ).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
  });

  it("lose-answers: the next order requests are carried out, then answered 5xx; reads are not touched", async () => {
    await start();
    const token = await login();
    const accountId = TSX5001();
    const control = await fetch(`${sim!.url}/sim/lose-answers`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ count: 1, status: 502 }),
    });
    expect(control.status).toBe(200);
    expect((await post("Position/searchOpen", { accountId }, token)).status).toBe(200);
    const body = { accountId, contractId: "CON.F.US.EP.Z26", type: 1, side: 0, size: 1, limitPrice: 6000 };
    const lost = await post("Order/place", { ...body, customTag: "lost-1" }, token);
    expect(lost.status).toBe(502);
    const open = await post("Order/searchOpen", { accountId }, token);
    expect(open.json.orders.map((o: { customTag: string }) => o.customTag)).toEqual(["lost-1"]);
    // Only the next one: the one after is answered.
    expect((await post("Order/place", { ...body, customTag: "lost-2" }, token)).json.success).toBe(true);
  });

  it("Order/search: the window's orders, working and ended, each with its status and customTag", async () => {
    await start();
    const token = await login();
    const accountId = TSX5001();
    const since = new Date(Date.now() - 60_000).toISOString();
    const limit = { accountId, contractId: "CON.F.US.EP.Z26", type: 1, side: 0, size: 1, limitPrice: 6000 };
    await post("Order/place", { ...limit, customTag: "t-working" }, token);
    const cancelled = await post("Order/place", { ...limit, customTag: "t-cancelled" }, token);
    await post("Order/cancel", { accountId, orderId: cancelled.json.orderId }, token);
    await post("Order/place", { ...limit, type: 2, limitPrice: undefined, customTag: "t-filled" }, token);
    sim!.control.manualTrade("TSX5001", "ESZ6", "Sell", 1);
    const seen = (body: object) =>
      post("Order/search", { accountId, ...body }, token).then((r) =>
        r.json.orders.map((o: Json) => [o.customTag, o.status]),
      );
    // Status: 1 Open, 2 Filled, 3 Cancelled; the trade by hand's order has no tag.
    expect(await seen({ startTimestamp: since })).toEqual([
      ["t-working", 1],
      ["t-cancelled", 3],
      ["t-filled", 2],
      [null, 2],
    ]);
    expect(await seen({ startTimestamp: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    expect(await seen({ startTimestamp: since, endTimestamp: since })).toEqual([]);
    // Order/searchOpen lists the working one alone.
    const open = await post("Order/searchOpen", { accountId }, token);
    expect(open.json.orders.map((o: Json) => o.customTag)).toEqual(["t-working"]);
  });

  it("fail-account-reads: that account's searches answer an error, its orders and the others' reads are served", async () => {
    await start();
    const token = await login();
    const one = TSX5001();
    const two = sim!.control.records().cashBalances.find((c) => c.accountName === "TSX5002")!.accountId;
    const control = (errorMessage: string | null) =>
      fetch(`${sim!.url}/sim/fail-account-reads`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ account: "TSX5002", errorMessage }),
      });
    expect((await control("Account is under review")).status).toBe(200);
    const since = { startTimestamp: "2020-01-01T00:00:00Z" };
    for (const [path, body] of [
      ["Position/searchOpen", {}],
      ["Order/searchOpen", {}],
      ["Order/search", since],
      ["Trade/search", since],
    ] as const) {
      const refused = await post(path, { accountId: two, ...body }, token);
      expect([refused.status, refused.json.success, refused.json.errorMessage]).toEqual([
        200,
        false,
        "Account is under review",
      ]);
      expect((await post(path, { accountId: one, ...body }, token)).json.success).toBe(true);
    }
    expect((await post("Account/search", { onlyActiveAccounts: true }, token)).json.accounts).toHaveLength(2);
    const order = {
      accountId: two,
      contractId: "CON.F.US.EP.Z26",
      type: 1,
      side: 0,
      size: 1,
      limitPrice: 6000,
    };
    expect((await post("Order/place", { ...order, customTag: "r-1" }, token)).json.success).toBe(true);
    expect((await control(null)).status).toBe(200);
    expect((await post("Order/searchOpen", { accountId: two }, token)).json.orders).toHaveLength(1);
  });

  it("brackets only in Auto OCO mode, with signed ticks; the legs work once the entry fills", async () => {
    const scenario = parseScenario({
      ...defaultScenario,
      users: [
        {
          name: "px",
          broker: "projectx",
          apiKey: "k",
          accounts: [
            { name: "PX1", balance: 1000, brackets: "autoOco" },
            { name: "PX2", balance: 1000 },
          ],
        },
      ],
    });
    await start({ scenario });
    const token = (await post("Auth/loginKey", { userName: "px", apiKey: "k" })).json.token as string;
    const ids = sim!.control.records().cashBalances;
    const px1 = ids.find((c) => c.accountName === "PX1")!.accountId;
    const px2 = ids.find((c) => c.accountName === "PX2")!.accountId;
    const order = (accountId: number, sl: number, tp: number, side = 0) =>
      post(
        "Order/place",
        {
          accountId,
          contractId: "CON.F.US.ENQ.Z26",
          type: 2,
          side,
          size: 2,
          stopLossBracket: { ticks: sl, type: 4 },
          takeProfitBracket: { ticks: tp, type: 1 },
        },
        token,
      );
    const refused = await order(px2, -20, 40);
    expect(refused.json).toMatchObject({ success: false, errorCode: 2 });
    expect(refused.json.errorMessage).toMatch(/Position Brackets mode/);
    expect((await order(px1, 20, 40)).json.errorMessage).toMatch(
      /stopLossBracket\.ticks must be negative for a buy/,
    );
    expect((await order(px1, 20, -40, 1)).json.success).toBe(true);
    const working = sim!.control.records().workingOrders.filter((o) => o.accountName === "PX1");
    const price = sim!.control.price("NQ")!;
    expect(working.map((o) => [o.orderType, o.action, o.qty, o.price ?? o.stopPrice]).sort()).toEqual(
      [
        ["Limit", "Buy", 2, price - 10],
        ["Stop", "Buy", 2, price + 5],
      ].sort(),
    );
  });

  it("bracket legs work only for what the entry has filled, and grow with its fills", async () => {
    const scenario = parseScenario({
      ...defaultScenario,
      users: [
        {
          name: "px",
          broker: "projectx",
          apiKey: "k",
          accounts: [{ name: "PX1", balance: 1000, brackets: "autoOco" }],
        },
      ],
    });
    await start({ scenario });
    const token = (await post("Auth/loginKey", { userName: "px", apiKey: "k" })).json.token as string;
    const accountId = sim!.control.records().cashBalances[0]!.accountId;
    sim!.control.setPrice("ES", 6800);
    sim!.control.setDepth("ES", 1);
    const placed = await post(
      "Order/place",
      {
        accountId,
        contractId: "CON.F.US.EP.Z26",
        type: 1,
        side: 0,
        size: 2,
        limitPrice: 6795,
        stopLossBracket: { ticks: -20, type: 4 },
        takeProfitBracket: { ticks: 20, type: 1 },
      },
      token,
    );
    expect(placed.json.success).toBe(true);
    const legs = () =>
      sim!.control
        .records()
        .workingOrders.filter((o) => o.orderId !== placed.json.orderId)
        .map((o) => [o.orderType, o.qty])
        .sort();
    expect(legs()).toEqual([]); // nothing filled: no exit works
    sim!.control.setPrice("ES", 6795); // one of two fills
    expect(legs()).toEqual([
      ["Limit", 1],
      ["Stop", 1],
    ]);
    sim!.control.setPrice("ES", 6794); // the second
    expect(legs()).toEqual([
      ["Limit", 2],
      ["Stop", 2],
    ]);
    expect(sim!.control.records().positions[0]!.netPos).toBe(2);
  });

  it("429 past the login's requests a minute (scaled down here), for that login only", async () => {
    const scenario = parseScenario({ ...defaultScenario, limits: { projectxRequestsPerMinute: 5 } });
    await start({ scenario });
    const token = await login();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await post("Account/search", { onlyActiveAccounts: true }, token)).status);
    // The login itself was the first of the five.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    sim!.control.rateLimit(true);
    expect((await post("Auth/loginKey", { userName: "nobody", apiKey: "x" })).status).toBe(429);
    // Counted by route as sent, refused ones too: what the login spent.
    expect(sim!.control.projectxRequests()).toEqual({ "Auth/loginKey": 2, "Account/search": 6 });
  });
});

describe("ProjectX hubs on the simulator (SignalR JSON protocol over ws)", () => {
  it("handshake, 0x1E framing, completions, errors for bad calls, events in ProjectX's order on a fill", async () => {
    await start();
    const token = await login();
    const hub = await userHub(token);
    expect(await hub.handshake()).toEqual({});
    const accountId = TSX5001();
    expect(await hub.invoke("1", "SubscribeAccounts")).toEqual({ type: 3, invocationId: "1" });
    for (const [i, method] of ["SubscribeOrders", "SubscribePositions", "SubscribeTrades"].entries())
      expect(await hub.invoke(`s${i}`, method, accountId)).toEqual({ type: 3, invocationId: `s${i}` });
    expect((await hub.invoke("2", "SubscribeOrders", 700001)).error).toMatch(/Account 700001 not found/);
    expect((await hub.invoke("3", "SubscribeOrders", "abc")).error).toMatch(/accountId must be an integer/);
    expect((await hub.invoke("4", "NoSuchMethod")).error).toBe("Unknown hub method 'NoSuchMethod'");
    hub.send({ type: 6 });
    const before = hub.messages.length;
    sim!.control.manualTrade("TSX5001", "ESZ6", "Buy", 1);
    await hub.next((m) => m.target === "GatewayUserAccount");
    const events = hub.messages.slice(before).filter((m) => m.type === 1);
    expect(events.map((m) => m.target)).toEqual([
      "GatewayUserOrder",
      "GatewayUserOrder",
      "GatewayUserTrade",
      "GatewayUserPosition",
      "GatewayUserAccount",
    ]);
    const filled = (events[1]!.arguments as Array<Record<string, unknown>>)[0]!;
    expect(filled).toMatchObject({
      accountId,
      contractId: "CON.F.US.EP.Z26",
      status: 2,
      fillVolume: 1,
      side: 0,
      type: 2,
    });
    // One fill's events share a frame, each ended by 0x1E.
    expect(hub.frames.at(-1)?.split("\u001e")).toHaveLength(events.length + 1);
    // Another user's account is not shown.
    sim!.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    sim!.control.manualTrade("TSX5002", "ESZ6", "Buy", 1);
    // The second trade's account event comes after anything the first could have sent.
    const mentions = (name: string) =>
      hub.messages.filter((m) => m.type === 1 && JSON.stringify(m).includes(`"${name}"`));
    await hub.next((m) => m.type === 1 && JSON.stringify(m).includes('"TSX5002"'));
    expect(mentions("TSX5002")).toHaveLength(1);
    expect(mentions("DEMO1000")).toEqual([]);
  });

  it("refuses a bad token before the upgrade, a wrong protocol at the handshake, and closes a silent client", async () => {
    await start({ hubPingMs: 50, hubTimeoutMs: 300 });
    await expect(RawHub.open(`${sim!.projectx.userHubUrl}?access_token=nope`)).rejects.toThrow("HTTP 401");
    const token = await login();
    const wrong = await userHub(token);
    wrong.sendText('{"protocol":"messagepack","version":1}\u001e');
    expect((await wrong.next(() => true)).error).toMatch(/not supported/);
    await wrong.whenClosed();
    // The bearer header works as well as the query parameter; a silent client is pinged, then closed.
    const silent = await RawHub.open(sim!.projectx.userHubUrl, { authorization: `Bearer ${token}` });
    hubs.push(silent);
    await silent.handshake();
    await silent.next((m) => m.type === 6);
    const close = await silent.next((m) => m.type === 7, 2000);
    expect(close.error).toMatch(/Server timeout elapsed/);
    await silent.whenClosed();
  });

  it("a reconnect starts with no subscriptions: events come only after subscribing again", async () => {
    await start();
    const token = await login();
    const first = await userHub(token);
    await first.handshake();
    await first.invoke("1", "SubscribeTrades", TSX5001());
    expect(sim!.control.dropSockets({ user: "topstep" })).toBe(1);
    await first.whenClosed();
    const second = await userHub(token);
    await second.handshake();
    sim!.control.manualTrade("TSX5001", "ESZ6", "Sell", 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(second.messages.filter((m) => m.type === 1)).toEqual([]);
    await second.invoke("2", "SubscribeTrades", TSX5001());
    sim!.control.manualTrade("TSX5001", "ESZ6", "Buy", 1);
    const trade = await second.next((m) => m.target === "GatewayUserTrade");
    expect((trade.arguments as Array<Record<string, unknown>>)[0]).toMatchObject({
      side: 0,
      size: 1,
      voided: false,
    });
  });

  it("the market hub sends quotes for subscribed contracts as the price moves", async () => {
    await start();
    const token = await login();
    const hub = await RawHub.open(`${sim!.projectx.marketHubUrl}?access_token=${token}`);
    hubs.push(hub);
    await hub.handshake();
    expect((await hub.invoke("1", "SubscribeContractQuotes", "CON.F.US.XX.Z26")).error).toMatch(/not found/);
    await hub.invoke("2", "SubscribeContractQuotes", "CON.F.US.ENQ.Z26");
    await hub.next((m) => m.target === "GatewayQuote");
    const price = sim!.control.setPrice("NQ", sim!.control.price("NQ")! + 5);
    const quote = await hub.next(
      (m) =>
        m.target === "GatewayQuote" &&
        (m.arguments as [string, { lastPrice: number }])[1].lastPrice === price,
    );
    expect((quote.arguments as unknown[])[0]).toBe("CON.F.US.ENQ.Z26");
  });

  /** A user hub subscribed to everything of TSX5001's, and a setter of one of its /sim/ faults in ms. */
  async function tsx5001Hub(route: string) {
    await start();
    const hub = await userHub(await login());
    await hub.handshake();
    const accountId = TSX5001();
    await hub.invoke("1", "SubscribeAccounts");
    for (const [i, method] of ["SubscribeOrders", "SubscribePositions", "SubscribeTrades"].entries())
      await hub.invoke(`s${i}`, method, accountId);
    const set = (ms: number) =>
      fetch(`${sim!.url}/sim/${route}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ account: "TSX5001", ms }),
      });
    return { hub, set };
  }

  it("delayTrades: the account's trade goes out behind its order, position and account events", async () => {
    const { hub, set } = await tsx5001Hub("delay-trades");
    expect((await set(300)).status).toBe(200);
    const before = hub.messages.length;
    const sent = Date.now();
    sim!.control.manualTrade("TSX5001", "ESZ6", "Buy", 1);
    await hub.next((m) => m.target === "GatewayUserTrade");
    expect(Date.now() - sent).toBeGreaterThanOrEqual(250);
    const targets = () =>
      hub.messages
        .slice(before)
        .filter((m) => m.type === 1)
        .map((m) => m.target);
    expect(targets()).toEqual([
      "GatewayUserOrder",
      "GatewayUserOrder",
      "GatewayUserPosition",
      "GatewayUserAccount",
      "GatewayUserTrade",
    ]);
    expect((await set(0)).status).toBe(200);
    const again = hub.messages.length;
    sim!.control.manualTrade("TSX5001", "ESZ6", "Sell", 1);
    const at = Date.now();
    await hub.next((m) => m.target === "GatewayUserTrade" && hub.messages.indexOf(m) >= again);
    expect(Date.now() - at).toBeLessThan(250);
    expect(() => sim!.control.delayTrades("DEMO1000", 100)).toThrow(/not an account of a ProjectX user/);
  });

  it("splitFrames: each of the account's hub events in a frame of its own, in order, `ms` apart", async () => {
    const { hub, set } = await tsx5001Hub("split-frames");
    expect((await set(40)).status).toBe(200);
    const before = hub.frames.length;
    const sent = Date.now();
    sim!.control.manualTrade("TSX5001", "ESZ6", "Buy", 1);
    await hub.next((m) => m.target === "GatewayUserAccount");
    expect(Date.now() - sent).toBeGreaterThanOrEqual(150); // 5 events, 40 ms apart
    const frames = hub.frames.slice(before);
    expect(frames.map((f) => f.split("\u001e").length)).toEqual([2, 2, 2, 2, 2]);
    expect(frames.map((f) => JSON.parse(f.split("\u001e")[0]!).target)).toEqual([
      "GatewayUserOrder",
      "GatewayUserOrder",
      "GatewayUserTrade",
      "GatewayUserPosition",
      "GatewayUserAccount",
    ]);
    expect((await set(0)).status).toBe(200);
    const again = hub.frames.length;
    const heard = hub.messages.length;
    sim!.control.manualTrade("TSX5001", "ESZ6", "Sell", 1);
    await hub.next((m) => m.target === "GatewayUserAccount" && hub.messages.indexOf(m) >= heard);
    expect(hub.frames.slice(again)).toHaveLength(1);
    expect(() => sim!.control.splitFrames("DEMO1000", 10)).toThrow(/not an account of a ProjectX user/);
  });
});
