import { describe, expect, it } from "vitest";
import type { Config } from "../../data/schema.js";
import { RateLimiter } from "../../engine/broker/rateLimiter.js";
import type { BrokerSession, EngineEvent } from "../../engine/index.js";
import { Logins } from "../../engine/runtime/logins.js";
import { FakeClock } from "../broker/helpers/fakeClock.js";
import { PX_CONNECTION, simConfig } from "../support/rig.js";

/** A session that only says whether it was stopped and is listened to, and counts its requests. */
function fakeSession(connection: string, limiter?: RateLimiter) {
  const session = {
    connection,
    limiter,
    stopped: false,
    listeners: 0,
    on: () => {
      session.listeners++;
      return () => void session.listeners--;
    },
    start: async () => undefined,
    stop: async () => {
      session.stopped = true;
    },
    accounts: () => [],
    positions: () => [],
    budgets: [] as unknown[],
    setRequestBudget: (budget: Record<string, number>) => {
      session.budgets.push(budget);
      return { perSecond: 1000, perMinute: 5000, perHour: 5000, ...budget };
    },
  };
  return session;
}

async function running() {
  const config: Config = { ...simConfig(), connections: [...simConfig().connections, PX_CONNECTION] };
  const sim = fakeSession("sim");
  const px = fakeSession("px");
  const events: EngineEvent[] = [];
  const logins = new Logins([sim, px] as unknown as BrokerSession[], {
    onEvent: () => undefined,
    emit: (e) => events.push(e),
    now: () => 1,
  });
  await logins.start();
  return { config, sim, px, events, logins };
}

describe("Logins: a running login whose connection settings are edited", () => {
  it("is disconnected at once, saying what changed, and the other logins stay", async () => {
    const { config, sim, px, events, logins } = await running();
    const next = structuredClone(config);
    next.connections[1] = { ...PX_CONNECTION, username: "funded" };
    logins.drop(config, next);
    expect(px.stopped).toBe(true);
    expect(px.listeners).toBe(0);
    expect(sim.stopped).toBe(false);
    expect(sim.listeners).toBe(1);
    expect(logins.all().map((s) => s.connection)).toEqual(["sim"]);
    expect(events).toEqual([
      {
        type: "connectionStatus",
        at: 1,
        connection: "px",
        broker: "projectx",
        state: "reconnecting",
        reason: "its username changed: reconnecting with the new settings",
      },
      {
        type: "alert",
        at: 1,
        level: "warn",
        message:
          "connection px: its username changed while mimik runs; it reconnects with the new settings, and its accounts are disconnected (their copies skip) until it is back",
      },
    ]);
  });

  it("is left alone for edits that do not touch its connection (groups, followers, limits)", async () => {
    const { config, sim, px, events, logins } = await running();
    const next = structuredClone(config);
    next.groups[0]!.followers[0]!.limits = { dailyLoss: 500 };
    next.groups[0]!.followers.pop();
    next.accounts.push({ name: "DEMO2003", connection: "sim" });
    logins.drop(config, next);
    expect([sim.stopped, px.stopped]).toEqual([false, false]);
    expect(events).toEqual([]);
  });

  it("whose request budget alone is edited keeps its sockets and takes the budget in place, saying so", async () => {
    const { config, sim, events, logins } = await running();
    const next = structuredClone(config);
    next.connections[0] = { ...config.connections[0]!, requestBudget: { perHour: 900 } } as never;
    logins.drop(config, next);
    expect([sim.stopped, sim.listeners]).toEqual([false, 1]);
    expect(sim.budgets).toEqual([{ perHour: 900 }]);
    expect(events).toEqual([
      {
        type: "alert",
        at: 1,
        level: "info",
        message:
          "connection sim: its request budget is now 1000/s, 5000/min, 900/h, applied at once; it stays connected",
      },
    ]);
    logins.drop(next, config);
    expect(sim.budgets).toEqual([{ perHour: 900 }, {}]);
    expect(sim.stopped).toBe(false);
  });

  it("whose username and budget are edited together reconnects, the new session taking both", async () => {
    const { config, sim, events, logins } = await running();
    const next = structuredClone(config);
    next.connections[0] = {
      ...config.connections[0]!,
      username: "funded",
      requestBudget: { perHour: 900 },
    } as never;
    logins.drop(config, next);
    expect(sim.stopped).toBe(true);
    expect(sim.budgets).toEqual([]);
    expect(events[0]).toMatchObject({
      state: "reconnecting",
      reason: "its username changed: reconnecting with the new settings",
    });
  });
});

describe("Logins: the session added back for an edited login takes over what the old one spent", () => {
  const clock = new FakeClock();
  const perHour = (n: number) =>
    new RateLimiter({ clock, limits: { perSecond: 1000, perMinute: 1000, perHour: n } });
  /** The rig's login with `patch`, and the old session's 30 requests spent before the edit. */
  async function edited(patch: Record<string, unknown>) {
    const { config, sim, logins } = await running();
    sim.limiter = perHour(100);
    for (let i = 0; i < 30; i++) sim.limiter.take("exit");
    const next = structuredClone(config);
    next.connections[0] = { ...config.connections[0]!, ...patch } as never;
    logins.drop(config, next);
    return { config, next, logins, old: sim.limiter };
  }
  /** How many openings a limiter admits now. */
  const openings = (limiter: RateLimiter) => {
    let n = 0;
    for (; limiter.wouldAdmit("order"); n++) limiter.take("order");
    return n;
  };

  it.each<[string, number, Record<string, unknown>]>([
    // 40/h keeps 2 for exits: 40 − 30 spent − 2 = 8 openings left (38 if the count started afresh).
    ["its secret's source and budget", 8, { password: { env: "OTHER" }, requestBudget: { perHour: 40 } }],
    ["its app identity alone", 8, { appVersion: "2" }],
    // Another user at the broker has a count of its own.
    ["its user name and budget", 38, { username: "funded", requestBudget: { perHour: 40 } }],
    ["its environment", 38, { env: "demo", cid: 1, secret: { env: "S" } }],
  ])("edited in %s: openings left %i", async (_what, left, patch) => {
    const { logins } = await edited(patch);
    const added = fakeSession("sim", perHour(40));
    await logins.add(added as unknown as BrokerSession);
    expect(openings(added.limiter!)).toBe(left);
  });

  it("requests the old session spent while it stopped count too, and a 429 lockout is kept", async () => {
    const { logins, old } = await edited({ appVersion: "2" });
    for (let i = 0; i < 5; i++) old.take("exit");
    old.lockOut(clock.now() + 1000);
    const added = fakeSession("sim", perHour(40));
    await logins.add(added as unknown as BrokerSession);
    expect(() => added.limiter!.take("exit")).toThrowError(expect.objectContaining({ kind: "rateLimited" }));
    clock.advance(1001);
    expect(openings(added.limiter!)).toBe(3);
  });

  it("nothing is carried to one edited again as another user before its new session is added", async () => {
    const { next, logins } = await edited({ appVersion: "2" });
    const other = {
      ...next,
      connections: [{ ...next.connections[0]!, username: "funded" }, ...next.connections.slice(1)],
    };
    logins.drop(next, other);
    const added = fakeSession("sim", perHour(40));
    await logins.add(added as unknown as BrokerSession);
    expect(openings(added.limiter!)).toBe(38);
  });

  it("one edited, then taken out and put back before its new session is added, still carries", async () => {
    const { next, logins } = await edited({ appVersion: "2" });
    const without = { ...next, connections: next.connections.slice(1) };
    logins.drop(next, without);
    logins.drop(without, next);
    const added = fakeSession("sim", perHour(40));
    await logins.add(added as unknown as BrokerSession);
    expect(openings(added.limiter!)).toBe(8);
  });
});

describe("Logins: a login taken out of the config and put back takes over what it spent", () => {
  const clock = new FakeClock();
  const perHour = (n: number) =>
    new RateLimiter({ clock, limits: { perSecond: 1000, perMinute: 1000, perHour: n } });
  const openings = (limiter: RateLimiter) => {
    let n = 0;
    for (; limiter.wouldAdmit("order"); n++) limiter.take("order");
    return n;
  };
  /** The rig's sim login spends 30 requests, is taken out, and comes back as `back` (its name may differ). */
  async function takenOutAndBack(back: (c: Config["connections"][number]) => Config["connections"][number]) {
    const config: Config = { ...simConfig(), connections: [...simConfig().connections, PX_CONNECTION] };
    const sim = fakeSession("sim", perHour(100));
    const logins = new Logins([sim] as unknown as BrokerSession[], {
      onEvent: () => undefined,
      emit: () => undefined,
      now: () => clock.now(),
    });
    await logins.start();
    for (let i = 0; i < 30; i++) sim.limiter!.take("exit");
    const without: Config = { ...config, connections: config.connections.slice(1) };
    logins.drop(config, without);
    expect(sim.stopped).toBe(true);
    const returned = back(config.connections[0]!);
    return {
      logins,
      without,
      withIt: { ...without, connections: [returned, ...without.connections] },
      returned,
    };
  }

  it.each<[string, number, (c: Config["connections"][number]) => Config["connections"][number]]>([
    // 40/h keeps 2 for exits: 40 − 30 spent − 2 = 8 openings left (38 counting afresh).
    ["under its own name", 8, (c) => c],
    ["under another name: the broker counts by user", 8, (c) => ({ ...c, name: "again" })],
    ["as another user", 38, (c) => ({ ...c, username: "funded" })],
  ])("put back %s: openings left %i", async (_what, left, back) => {
    const { logins, without, withIt, returned } = await takenOutAndBack(back);
    logins.drop(without, withIt);
    const added = fakeSession(returned.name, perHour(40));
    await logins.add(added as unknown as BrokerSession);
    expect(openings(added.limiter!)).toBe(left);
  });
});
