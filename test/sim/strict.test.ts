import { afterEach, describe, expect, it } from "vitest";
import { defaultScenario, parseScenario, type Simulator } from "../../engine/sim/index.js";
import { PART_SIZE } from "../../engine/sim/sync.js";
import {
  get,
  login,
  type Message,
  post,
  RawClient,
  startSim,
  type TokenResponse,
  waitFor,
} from "./helpers.js";

/** The simulator is as strict as Tradovate (issue 12 #9, #10), over real sockets, raw protocol. */

let sim: Simulator;
const clients: RawClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await sim?.close();
});
async function open(token: string, url = sim.wsUrl): Promise<RawClient> {
  const c = await RawClient.authorized(sim, token, true, url);
  clients.push(c);
  return c;
}
async function raw(url = sim.wsUrl): Promise<RawClient> {
  const c = await RawClient.open(url);
  clients.push(c);
  await waitFor(() => c.frames.includes("o"), "o frame");
  return c;
}

const DEMO1000 = 700001;
const order = (clOrdId: string) => ({
  accountId: DEMO1000,
  accountSpec: "DEMO1000",
  action: "Buy",
  symbol: "ESZ6",
  orderQty: 1,
  orderType: "Market",
  isAutomated: true,
  clOrdId,
});

function scenario(extra: Record<string, unknown>) {
  return parseScenario({ ...defaultScenario, ...extra }, "test scenario");
}

describe("user/syncrequest: entityTypes, splitResponses, once per socket", () => {
  it("sends only the named entity types, in the snapshot and in later props events", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    const r = await c.request("user/syncrequest", { users: [t.userId], entityTypes: ["account", "fill"] });
    expect(r.s).toBe(200);
    expect(Object.keys(r.d as object).sort()).toEqual(["accounts", "fills"]);
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await waitFor(() => c.props().some((p) => p.entityType === "fill"), "fill event");
    await c.request("account/list");
    expect(new Set(c.props().map((p) => p.entityType))).toEqual(new Set(["fill"]));
  });

  it("refuses entity type names it does not know (a plural is a typo, not an empty list)", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    const r = await c.request("user/syncrequest", { users: [t.userId], entityTypes: ["fills", "order"] });
    expect(r.s).toBe(400);
    expect(r.d).toMatch(/unknown entityTypes fills/);
  });

  it("answers a split request in several parts with the request's id: users first, history sliced", async () => {
    sim = await startSim();
    for (let i = 0; i < 130; i++) sim.control.manualTrade("DEMO1000", "ESZ6", i % 2 ? "Sell" : "Buy", 1);
    const t = await login(sim);
    const whole = await (await open(t.accessToken)).request("user/syncrequest", { users: [t.userId] });
    const c = await open(t.accessToken);
    const id = c.send("user/syncrequest", { users: [t.userId], splitResponses: true });
    await waitFor(() => c.messages.filter((m) => m.i === id).length >= 4, "parts");
    await c.request("account/list");
    const parts = c.messages.filter((m) => m.i === id) as Message[];
    expect(parts.every((p) => p.s === 200)).toBe(true);
    expect(Object.keys(parts[0]!.d as object)).toContain("users");
    const merged: Record<string, unknown[]> = {};
    for (const p of parts) {
      for (const [k, v] of Object.entries(p.d as Record<string, unknown[]>))
        merged[k] = [...(merged[k] ?? []), ...v];
      const size = Object.values(p.d as Record<string, unknown[]>).reduce((n, l) => n + l.length, 0);
      if (!("users" in (p.d as object)) && !("products" in (p.d as object)))
        expect(size).toBeLessThanOrEqual(PART_SIZE);
    }
    expect(merged).toEqual(whole.d);
  });

  it("allows one sync per socket, as Tradovate", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    expect((await c.request("user/syncrequest", { users: [t.userId] })).s).toBe(200);
    const again = await c.request("user/syncrequest", { accounts: [DEMO1000] });
    expect(again.s).toBe(400);
    expect(again.d).toMatch(/already sent on this connection/);
    // Another socket may.
    expect((await (await open(t.accessToken)).request("user/syncrequest", { users: [t.userId] })).s).toBe(
      200,
    );
  });
});

describe("API keys", () => {
  const keyed = (permissions: "full" | "none" = "full") =>
    scenario({
      users: [
        ...defaultScenario.users,
        {
          name: "trader",
          password: "trader-pw",
          apiKey: { appId: "my-copier", cid: 4242, sec: "sim-secret", permissions },
          accounts: [{ name: "TRADER1", balance: 10_000 }],
        },
      ],
    });
  const body = (over: Record<string, unknown> = {}) => ({
    name: "trader",
    password: "trader-pw",
    appId: "my-copier",
    appVersion: "1",
    cid: 4242,
    sec: "sim-secret",
    ...over,
  });

  it("a user with a key logs in only with the key's appId, cid and sec", async () => {
    sim = await startSim({ scenario: keyed() });
    for (const wrong of [
      { sec: "nope" },
      { cid: 1 },
      { appId: "mimik" },
      { sec: undefined, cid: undefined },
    ]) {
      const r = await post(sim, "/v1/auth/accesstokenrequest", body(wrong));
      expect(r.json).toEqual({ errorText: expect.stringMatching(/appId is the name given to the key/) });
    }
    expect((await post(sim, "/v1/auth/accesstokenrequest", body())).json).toHaveProperty("accessToken");
    // cid may come as a string (the spec types it so).
    expect((await post(sim, "/v1/auth/accesstokenrequest", body({ cid: "4242" }))).json).toHaveProperty(
      "accessToken",
    );
    // Users without a key still log in with name and password (the demo, every test).
    expect(
      (await post(sim, "/v1/auth/accesstokenrequest", { name: "demo", password: "demo" })).json,
    ).toHaveProperty("accessToken");
  });

  it("a key without permissions logs in, then every call answers 401", async () => {
    sim = await startSim({ scenario: keyed("none") });
    const t = (await post(sim, "/v1/auth/accesstokenrequest", body())).json as TokenResponse;
    expect(t.accessToken).toBeTruthy();
    expect((await get(sim, "/v1/account/list", t.accessToken)).status).toBe(401);
    const c = await open(t.accessToken);
    expect((await c.request("user/syncrequest", { users: [t.userId] })).s).toBe(401);
  });
});

describe("tokens and sockets", () => {
  it("the market-data token authorizes only the market-data socket, which serves no sync and no orders", async () => {
    sim = await startSim();
    const t = await login(sim);
    const trading = await raw();
    const refused = await trading.request("authorize", undefined, t.mdAccessToken);
    expect(refused).toMatchObject({ s: 401, d: expect.stringMatching(/market-data token/) });
    expect((await get(sim, "/v1/account/list", t.mdAccessToken)).status).toBe(401);
    const md = await open(t.mdAccessToken, sim.mdUrl);
    expect((await md.request("md/subscribeQuote", { symbol: "ESZ6" })).s).toBe(200);
    expect((await md.request("user/syncrequest", { users: [t.userId] })).s).toBe(404);
    expect((await md.request("order/placeorder", order("md-1"))).s).toBe(404);
    // The access token works on both.
    expect((await (await open(t.accessToken, sim.mdUrl)).request("account/list")).s).toBe(200);
    expect(sim.control.records().orders).toHaveLength(0);
  });

  it("a superseded session answers 408 over REST and 502 at authorize", async () => {
    sim = await startSim();
    const first = await login(sim);
    expect(sim.control.otherLogin("demo")).toBe(0);
    expect(sim.control.otherLogin("demo")).toBe(1);
    expect((await get(sim, "/v1/account/list", first.accessToken)).status).toBe(408);
    const c = await raw();
    expect(await c.request("authorize", undefined, first.accessToken)).toMatchObject({ s: 502 });
  });

  it("a user's open sockets are capped: the oldest is closed with shutdown ConnectionQuotaReached", async () => {
    sim = await startSim({ scenario: scenario({ limits: { connectionsPerUser: 2 } }) });
    const a = await login(sim);
    const oldest = await open(a.accessToken);
    const b = await login(sim);
    await open(b.accessToken);
    expect(oldest.closed).toBe(false);
    await open(b.accessToken);
    await waitFor(() => oldest.closed, "oldest closed");
    expect(
      oldest.messages.some(
        (m) => m.e === "shutdown" && (m.d as { reasonCode: string }).reasonCode === "ConnectionQuotaReached",
      ),
    ).toBe(true);
    // Its token was revoked with it.
    expect((await get(sim, "/v1/account/list", a.accessToken)).status).toBe(408);
    expect((await get(sim, "/v1/account/list", b.accessToken)).status).toBe(200);
  });
});

describe("penalties, 423 and the request limits", () => {
  it("a penalised order is served only when resent with its ticket after p-time", async () => {
    sim = await startSim();
    const t = await login(sim);
    const c = await open(t.accessToken);
    sim.control.penaltyTicket(1, 0.3);
    const first = await c.request("order/placeorder", order("pen-1"));
    const ticket = (first.d as Record<string, unknown>)["p-ticket"];
    expect(first.d).toMatchObject({ "p-ticket": expect.any(String), "p-time": 0.3 });
    // Resent at once with the ticket, or blindly without it: penalised again, nothing placed.
    expect((await c.request("order/placeorder", { ...order("pen-1"), "p-ticket": ticket })).d).toMatchObject({
      "p-ticket": ticket,
    });
    expect((await c.request("order/placeorder", order("pen-1"))).d).toMatchObject({ "p-ticket": ticket });
    expect(sim.control.records().orders).toHaveLength(0);
    // A different order is not a resend: it goes through.
    expect((await c.request("order/placeorder", order("other"))).d).toHaveProperty("orderId");
    await new Promise((r) => setTimeout(r, 320));
    expect((await c.request("order/placeorder", { ...order("pen-1"), "p-ticket": ticket })).d).toHaveProperty(
      "orderId",
    );
    expect(sim.control.records().orders.map((o) => o.clOrdId)).toEqual(["other", "pen-1"]);
  });

  it("423 mode refuses logins as about to be locked out", async () => {
    sim = await startSim();
    sim.control.lockLogins(true);
    const r = await post(sim, "/v1/auth/accesstokenrequest", { name: "demo", password: "demo" });
    expect(r.status).toBe(423);
    sim.control.lockLogins(false);
    expect(
      (await post(sim, "/v1/auth/accesstokenrequest", { name: "demo", password: "demo" })).json,
    ).toHaveProperty("accessToken");
  });

  it("enforces the user's request limits: one too many is 429, then everything is 429 until the stop ends", async () => {
    sim = await startSim({ scenario: scenario({ limits: { requestsPerSecond: 4, rateLimitStopMs: 300 } }) });
    const t = await login(sim); // 1
    const c = await open(t.accessToken); // authorize is not counted
    for (let i = 0; i < 3; i++) expect((await get(sim, "/v1/account/list", t.accessToken)).status).toBe(200);
    const over = await get(sim, "/v1/account/list", t.accessToken);
    expect(over.status).toBe(429);
    expect(over.text).toBe("");
    const id = c.send("account/list");
    await waitFor(() => c.messages.find((m) => m.i === id), "429 reply");
    expect(c.frames.at(-1)).toBe(`a[{"s":429,"i":${id}}]`);
    // Another user is not stopped.
    const prop = await login(sim, "prop");
    expect((await get(sim, "/v1/account/list", prop.accessToken)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await get(sim, "/v1/account/list", t.accessToken)).status).toBe(200);
  });
});

describe("scenario: keys and limits", () => {
  it("validates API keys and limits with clear paths, and defaults the limits to Tradovate's", () => {
    expect(defaultScenario.limits).toEqual({
      requestsPerSecond: 1000,
      requestsPerMinute: 5000,
      requestsPerHour: 5000,
      rateLimitStopMs: 3_600_000,
      connectionsPerUser: 50,
      projectxRequestsPerMinute: 200,
    });
    expect(defaultScenario.users.find((u) => u.name === "keyed")?.apiKey).toMatchObject({
      appId: "mimik",
      cid: 4242,
    });
    expect(() => scenario({ limits: { requestsPerHour: 0, bogus: 1 } })).toThrowError(
      /limits\.requestsPerHour: must be a whole number above 0[\s\S]*limits: Unrecognized key/,
    );
    expect(() =>
      scenario({
        users: [
          {
            name: "x",
            password: "y",
            apiKey: { appId: "", cid: -1, sec: "" },
            accounts: [{ name: "X1", balance: 1 }],
          },
        ],
      }),
    ).toThrowError(/users\.0\.apiKey\.appId: must be the key's name[\s\S]*apiKey\.cid[\s\S]*apiKey\.sec/);
  });
});
