import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { realConfigPath } from "../../data/configIdentity.js";
import { acquireInstanceLock } from "../../data/instanceLock.js";
import { journalPathFor, verifyJournal } from "../../data/journal/index.js";
import { type Config, configSchema } from "../../data/schema.js";
import { SharedStateError } from "../../data/stateOwner.js";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { BrokerEvent, BrokerSession, OrderResult } from "../../engine/types.js";
import { DIRECT_FLATTEN_REASON, flattenDirectly } from "../../src/process/directFlatten.js";

let dir: string;
let sim: Simulator;
const env = { MIMIK_DF_PASSWORD: "demo" };

function config(url: string | undefined): Config {
  return configSchema.parse({
    version: 1,
    connections: [
      {
        name: "sim",
        env: "sim",
        ...(url ? { url } : {}),
        username: "demo",
        password: { env: "MIMIK_DF_PASSWORD" },
      },
    ],
    accounts: [
      { name: "DEMO1000", connection: "sim" },
      { name: "DEMO2001", connection: "sim", label: "half" },
      { name: "DEMO2002", connection: "sim" },
      { name: "DEMO2003", connection: "sim" },
    ],
    groups: [
      {
        name: "main",
        leader: "DEMO1000",
        followers: [
          { account: "DEMO2001", sizing: { mode: "multiplier", value: 0.5 } },
          { account: "DEMO2002", sizing: { mode: "fixed", contracts: 1 } },
        ],
      },
    ],
  });
}

/** The config with `account` moved to a login of its own. */
function moved(base: Config, account: string, login: Record<string, unknown>): Config {
  const raw = structuredClone(base) as {
    connections: unknown[];
    accounts: { name: string; connection: string }[];
  };
  raw.connections.push(login);
  for (const a of raw.accounts) if (a.name === account) a.connection = String(login.name);
  return configSchema.parse(raw);
}

const position = (account: string, contract = "ESZ6") =>
  sim.control.records().positions.find((p) => p.accountName === account && p.contract === contract)?.netPos ??
  0;
const ordersFor = (account: string) => sim.control.records().orders.filter((o) => o.accountName === account);
const readState = async () => JSON.parse(await readFile(join(dir, "config.state.json"), "utf8"));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mimik-direct-"));
  sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
  sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 3);
  sim.control.manualTrade("DEMO2001", "ESZ6", "Buy", 2);
  sim.control.manualTrade("DEMO2001", "NQZ6", "Sell", 1);
  sim.control.manualTrade("DEMO2002", "ESZ6", "Buy", 1);
  sim.control.manualTrade("DEMO2003", "ESZ6", "Buy", 1);
});
afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const configPath = () => join(dir, "config.json");

describe("flattenDirectly (no instance running)", () => {
  it("liquidates every position of a group's followers, never the leader or an outsider, and saves LOCKED", async () => {
    const results = await flattenDirectly({
      config: config(sim.url),
      configPath: configPath(),
      target: { group: "MAIN" },
      env,
    });
    expect(results).toEqual([
      { target: "DEMO2001", status: "locked", sent: 2 },
      { target: "DEMO2002", status: "locked", sent: 1 },
    ]);
    expect([position("DEMO2001"), position("DEMO2001", "NQZ6"), position("DEMO2002")]).toEqual([0, 0, 0]);
    expect(position("DEMO1000")).toBe(3);
    expect(position("DEMO2003")).toBe(1);
    expect(ordersFor("DEMO1000").every((o) => !o.isAutomated)).toBe(true);
    expect(ordersFor("DEMO2003").every((o) => !o.isAutomated)).toBe(true);
    const state = await readState();
    for (const name of ["DEMO2001", "DEMO2002"])
      expect(state.followers[name]).toMatchObject({
        state: "LOCKED",
        lockKind: "manual",
        lockReason: DIRECT_FLATTEN_REASON,
      });
    // The journal says it acted directly, and what became of each follower.
    const journal = journalPathFor(configPath());
    expect(await verifyJournal(journal)).toMatchObject({ ok: true });
    const text = await readFile(journal, "utf8");
    expect(text).toContain('"type":"start","mode":"direct flatten (no instance running)"');
    // Of which config: the journal says whose it is.
    expect(text).toContain(`"pid":${process.pid},"config":${JSON.stringify(realConfigPath(configPath()))}`);
    expect(text).toContain('"type":"followerState","follower":"DEMO2001","state":"LOCKED"');
    expect(text).toContain('"type":"followerState","follower":"DEMO2002","state":"LOCKED"');
  });

  it("flattens followers whose leader is on a login of its own, which it never opens", async () => {
    const results = await flattenDirectly({
      config: moved(config(sim.url), "DEMO1000", {
        name: "lead",
        env: "sim",
        url: sim.url,
        username: "demo",
        password: { env: "MIMIK_DF_UNSET" },
      }),
      configPath: configPath(),
      target: { all: true },
      env,
    });
    expect(results).toEqual([
      { target: "DEMO2001", status: "locked", sent: 2 },
      { target: "DEMO2002", status: "locked", sent: 1 },
    ]);
    expect([position("DEMO2001"), position("DEMO2002"), position("DEMO1000")]).toEqual([0, 0, 3]);
  });

  it("accepts a label and keeps an existing high-water mark and a stronger lock", async () => {
    const { RuntimeStateRepository } = await import("../../data/state.js");
    const state = await RuntimeStateRepository.open(join(dir, "config.state.json"));
    await state.saveFollower("DEMO2001", {
      state: "LOCKED",
      lockKind: "trailing",
      lockReason: "trailing drawdown",
      highWaterMark: 51_000,
    });
    await state.close();
    const results = await flattenDirectly({
      config: config(sim.url),
      configPath: configPath(),
      target: { follower: "half" },
      env,
    });
    expect(results).toMatchObject([{ target: "DEMO2001", status: "locked" }]);
    expect((await readState()).followers.DEMO2001).toMatchObject({
      state: "LOCKED",
      lockKind: "trailing",
      lockReason: "trailing drawdown",
      highWaterMark: 51_000,
    });
  });

  it("refuses a leader as the target and sends nothing", async () => {
    const results = await flattenDirectly({
      config: config(sim.url),
      configPath: configPath(),
      target: { follower: "DEMO1000" },
      env,
    });
    expect(results).toEqual([
      {
        target: "DEMO1000",
        status: "refused",
        reason: "DEMO1000 is the leader of group main; mimik never flattens a leader",
      },
    ]);
    expect(sim.control.records().orders.filter((o) => o.isAutomated)).toEqual([]);
  });

  it("says the embedded simulator of a dead process cannot be reached", async () => {
    const results = await flattenDirectly({
      config: config(undefined),
      configPath: configPath(),
      target: { all: true },
      env,
    });
    expect(results.map((r) => r.status)).toEqual(["failed", "failed"]);
    expect(results[0]?.reason).toMatch(/embedded simulator.*no longer running/);
  });

  it("one login it cannot reach does not stop the flatten of followers on the others", async () => {
    // DEMO2002 moves to a second login: an embedded simulator (gone with its process) in one run,
    // a login whose password is not set in the other. DEMO2001's login is fine both times.
    const login = { name: "second", env: "sim", username: "demo" };
    for (const second of [
      { ...login, password: { env: "MIMIK_DF_PASSWORD" } },
      { ...login, url: sim.url, password: { env: "MIMIK_DF_UNSET" } },
    ]) {
      const results = await flattenDirectly({
        config: moved(config(sim.url), "DEMO2002", second),
        configPath: configPath(),
        target: { all: true },
        env,
      });
      expect(results[0]).toMatchObject({ target: "DEMO2001", status: "locked" });
      expect(results[1]).toMatchObject({ target: "DEMO2002", status: "failed" });
      expect(results[1]?.reason).toMatch(/embedded simulator|MIMIK_DF_UNSET/);
      expect([position("DEMO2001"), position("DEMO2001", "NQZ6")]).toEqual([0, 0]);
      expect(position("DEMO2002")).toBe(1);
      expect(position("DEMO1000")).toBe(3);
      sim.control.manualTrade("DEMO2001", "ESZ6", "Buy", 2);
      sim.control.manualTrade("DEMO2001", "NQZ6", "Sell", 1);
    }
  });

  it("a login that never comes up is named as the reason, not a flatten the broker has not confirmed", async () => {
    const results = await flattenDirectly({
      config: moved(config(sim.url), "DEMO2002", {
        name: "second",
        env: "sim",
        url: "http://127.0.0.1:1",
        username: "demo",
        password: { env: "MIMIK_DF_PASSWORD" },
      }),
      configPath: configPath(),
      target: { all: true },
      env,
      connectTimeoutMs: 1500,
    });
    expect(results[0]).toMatchObject({ target: "DEMO2001", status: "locked" });
    expect(results[1]).toMatchObject({ target: "DEMO2002", status: "failed" });
    expect(results[1]?.reason).not.toContain("has not reported it flat");
    expect(results[1]?.reason).toMatch(
      /^connection second (is|never)[^;]*: nothing sent to it; saved as LIQUIDATE_ONLY/,
    );
    expect(position("DEMO2002")).toBe(1);
    expect(position("DEMO2001")).toBe(0);
    expect(position("DEMO1000")).toBe(3);
  });

  it("a missing password fails each follower with the variable named, and sends nothing", async () => {
    const results = await flattenDirectly({
      config: config(sim.url),
      configPath: configPath(),
      target: { follower: "DEMO2002" },
      env: {},
    });
    expect(results).toMatchObject([{ target: "DEMO2002", status: "failed" }]);
    expect(results[0]?.reason).toContain("environment variable MIMIK_DF_PASSWORD is not set");
    expect(position("DEMO2002")).toBe(1);
  });

  it("cancels working orders; a failed liquidation leaves LIQUIDATE_ONLY saved for the next start", async () => {
    const stub = stubSession({ liquidate: { ok: false, failureReason: "RiskRejected", ackAt: 0 } });
    const results = await flattenDirectly({
      config: config(sim.url),
      configPath: configPath(),
      target: { follower: "DEMO2002" },
      env,
      flatTimeoutMs: 100,
      openSessions: () => [stub.session],
    });
    expect(stub.cancelled).toEqual([77]);
    expect(stub.liquidated).toEqual([[2002, "4000001"]]);
    expect(results).toEqual([
      {
        target: "DEMO2002",
        status: "failed",
        sent: 2,
        reason:
          "liquidate ESZ6: RiskRejected; saved as LIQUIDATE_ONLY, so the next mimik start keeps flattening it",
      },
    ]);
    expect((await readState()).followers.DEMO2002).toMatchObject({
      state: "LIQUIDATE_ONLY",
      lockReason: DIRECT_FLATTEN_REASON,
    });
  });

  it("never sends for a leader even when the broker session shows it", async () => {
    const stub = stubSession({
      liquidate: { ok: true, orderId: 1, writtenAt: 0, ackAt: 0 },
      extraAccount: "DEMO1000",
    });
    const bad = config(sim.url);
    // A config that slipped past validation: the leader is also listed as a follower.
    const follower = bad.groups[0]!.followers[0]!;
    bad.groups[0]!.followers.push({ ...follower, account: "DEMO1000" });
    const results = await flattenDirectly({
      config: bad,
      configPath: configPath(),
      target: { follower: "DEMO1000" },
      env,
      openSessions: () => [stub.session],
    });
    expect(results).toEqual([
      {
        target: "DEMO1000",
        status: "refused",
        reason: "DEMO1000 is the leader of group main; mimik never flattens a leader",
      },
    ]);
    expect(stub.cancelled).toEqual([]);
    expect(stub.liquidated).toEqual([]);
  });

  it("will not run beside a live instance that holds the config's lock", async () => {
    const lock = await acquireInstanceLock(`${configPath()}.lock`);
    try {
      await expect(
        flattenDirectly({ config: config(sim.url), configPath: configPath(), target: { all: true }, env }),
      ).rejects.toThrow(`mimik is running for this config (pid ${process.pid})`);
    } finally {
      await lock.release();
    }
    expect(position("DEMO2001")).toBe(2);
  });

  it("will not lock and journal into another config's files (config.json's, for a config named config)", async () => {
    await writeFile(configPath(), "{}");
    const owned = `${JSON.stringify({ version: 1, followers: {}, config: realConfigPath(configPath()) })}\n`;
    await writeFile(join(dir, "config.state.json"), owned);
    await expect(
      flattenDirectly({
        config: config(sim.url),
        configPath: join(dir, "config"),
        target: { all: true },
        env,
      }),
    ).rejects.toBeInstanceOf(SharedStateError);
    expect(position("DEMO2001")).toBe(2);
    expect(await readFile(join(dir, "config.state.json"), "utf8")).toBe(owned);
    expect(existsSync(journalPathFor(configPath()))).toBe(false);
  });
});

/**
 * Just enough of a broker session for one follower (DEMO2002, id 2002) with one order and one
 * position: it connects and syncs on start, as a real login does.
 */
function stubSession(options: { liquidate: OrderResult; extraAccount?: string }) {
  const cancelled: number[] = [];
  const liquidated: [number, number][] = [];
  const accounts = [{ id: 2002, name: "DEMO2002" }];
  if (options.extraAccount) accounts.push({ id: 1000, name: options.extraAccount });
  const listeners = new Set<(event: BrokerEvent) => void>();
  const positions = (accountId: number) =>
    accountId === 2002 || accountId === 1000
      ? [{ accountId, contractId: "4000001", contract: "ESZ6", netPos: 1, netPrice: 5000 }]
      : [];
  const session = {
    connection: "sim",
    start: async () => {
      const events: BrokerEvent[] = [
        {
          type: "sync",
          connection: "sim",
          initial: true,
          accounts,
          positions: accounts.flatMap((a) => positions(a.id)),
          fillIds: [],
        },
        { type: "connection", connection: "sim", state: "connected" },
      ];
      for (const event of events) for (const listener of listeners) listener(event);
    },
    stop: async () => undefined,
    state: () => "connected" as const,
    accounts: () => accounts,
    positions,
    cashBalance: () => undefined,
    rateBudget: () => ({ minuteLeft: 100, hourLeft: 1000, hourLimit: 1000, refused: 0 }),
    lastPrice: () => undefined,
    contractById: () => undefined,
    subscribeQuotes: () => undefined,
    findContract: async () => undefined,
    workingOrders: (accountId: number) => [{ orderId: 77, accountId, contractId: "4000001" }],
    cancelOrder: async (orderId: number): Promise<OrderResult> => {
      cancelled.push(orderId);
      return { ok: true, orderId, writtenAt: 0, ackAt: 0 };
    },
    liquidatePosition: async (accountId: number, contractId: number): Promise<OrderResult> => {
      liquidated.push([accountId, contractId]);
      return options.liquidate;
    },
    on: (listener: (event: BrokerEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as BrokerSession;
  return { session, cancelled, liquidated };
}
