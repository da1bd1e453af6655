import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type JournalEntry, JournalWriter, leaderFillKeys, readJournal } from "../../data/journal/index.js";
import type { Config } from "../../data/schema.js";
import type { Engine } from "../../engine/runtime/engine.js";
import { SetLedger } from "../../engine/runtime/memoryStores.js";
import { type Simulator, startSimulator } from "../../engine/sim/index.js";
import { journalSink } from "../../src/process/journalSink.js";
import { type BrokerFacts, buildReport } from "../../src/report/build.js";
import { readBroker } from "../../src/report/load.js";
import type { ReportRange } from "../../src/report/range.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  PX_CONNECTION,
  position,
  simConfig,
  startRig,
} from "../support/rig.js";
import { startTwoLogins, twoLoginConfig } from "../support/twoLogins.js";

/**
 * The journal against the simulator: what the broker did to the leader's fills (made while mimik
 * was away, busted after the fact) is in the journal, once, so a report read from the journal
 * alone counts the leader's fills as the broker does. Judged on the simulator's own fills.
 */

let done: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const undo of done.reverse()) await undo();
  done = [];
});

/** A journal the engine's events are written to, as a running mimik's are. */
async function journalOf(engine: Engine, config: Config) {
  const dir = await mkdtemp(join(tmpdir(), "mimik-gaps-"));
  const path = join(dir, "journal", "main.jsonl");
  const writer = await JournalWriter.open(path);
  done.push(() => rm(dir, { recursive: true, force: true }));
  let open = true;
  const close = async () => {
    if (open) await writer.close();
    open = false;
  };
  done.push(close);
  engine.on(journalSink(writer, () => config));
  return {
    path,
    close,
    async entries(): Promise<JournalEntry[]> {
      await writer.flush();
      const all: JournalEntry[] = [];
      for await (const e of readJournal(path)) all.push(e);
      return all;
    },
  };
}

/** The account's active fills at the simulator, oldest first. */
const fillsAt = (sim: Simulator, account: string) =>
  sim.control.records().fills.filter((f) => f.accountName === account && f.active);

/**
 * Two logins (the leader's "demo" and a follower's) on a simulator of the test's own, journaled and
 * connected; `stop` closes them before the test's end (a restart), once. `reconnects` counts demo's.
 */
async function journaledLogins() {
  const config = twoLoginConfig();
  const sim = await startSimulator({ port: 0, priceIntervalMs: 0, alwaysOpen: true });
  done.push(() => sim.close());
  const t = await startTwoLogins(config, undefined, { sim });
  let running = true;
  const stop = async () => {
    if (!running) return;
    running = false;
    await t.close();
  };
  done.push(stop);
  const journal = await journalOf(t.engine, config);
  const { engine, events } = t;
  await eventually(
    () => ["DEMO1000", "APEX3001", "APEX3002"].every((a) => engine.directory.connected(a)),
    "connected",
  );
  const reconnects = () =>
    events.filter((e) => e.type === "connectionStatus" && e.connection === "demo" && e.state === "connected")
      .length;
  return { config, sim, t, journal, engine, events, reconnects, stop };
}

describe("a leader fill made while the leader's login was away", () => {
  it("is journaled once at the reconnect, and not again at the next one", async () => {
    const { config, sim, journal, events, reconnects, stop } = await journaledLogins();

    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2); // seen live, copied
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2");

    const before = reconnects();
    sim.control.dropSockets({ user: "demo" });
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1); // in the gap: no live frame carries it
    const gap = fillsAt(sim, "DEMO1000").at(-1)!;
    await eventually(() => reconnects() > before, "the leader's login back");
    await eventually(
      () => events.some((e) => e.type === "leaderFill" && e.fillId === gap.fillId),
      "the gap's fill recorded",
    );

    // A second gap with nothing in it: the snapshot holds the same fills, none is journaled again.
    const again = reconnects();
    sim.control.dropSockets({ user: "demo" });
    await eventually(() => reconnects() > again, "the leader's login back again");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 3); // seen live: the followers close
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 0, "APEX3001 flat");

    const leaderFills = fillsAt(sim, "DEMO1000");
    expect(leaderFills).toHaveLength(3);
    const journaled = (await journal.entries()).filter((e) => e.type === "leaderFill");
    // Every leader fill the broker has, once each, in the order the journal saw them.
    expect(journaled.map((e) => e.fillId)).toEqual(leaderFills.map((f) => f.fillId));
    expect(journaled.map((e) => e.history === true)).toEqual([false, true, false]);
    expect(journaled[1]).toMatchObject({ side: "Buy", qty: 1, contract: "ESZ6", price: gap.price });
    // Not copied: only the exits a re-sync makes up, and the live fills' copies, reached the broker.
    expect(
      events.filter((e) => e.type === "copy" && e.fillId === gap.fillId && e.outcome === "sent"),
    ).toEqual([]);

    // A restart, its ledger seeded from the journal as mimik's start seeds it: the first snapshot
    // holds all three fills, and the journal already has them.
    await journal.close();
    await stop();
    const ledger = new SetLedger(await leaderFillKeys(journal.path));
    const restarted = await startTwoLogins(config, undefined, { sim, ledger });
    done.push(() => restarted.close());
    await eventually(() => restarted.engine.directory.connected("DEMO1000"), "the restart connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1); // live: after whatever the start recorded
    const live = fillsAt(sim, "DEMO1000").at(-1)!;
    await eventually(
      () => restarted.events.some((e) => e.type === "leaderFill" && e.fillId === live.fillId),
      "the live fill after the restart",
    );
    expect(restarted.events.filter((e) => e.type === "leaderFill").map((e) => e.fillId)).toEqual([
      live.fillId,
    ]);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 1, "APEX3001 long 1");
  });
});

describe("a leader fill the broker busts after it was copied", () => {
  it("is a bust in the journal, and the journal alone reports the leader's fills as the broker does", async () => {
    const config = simConfig({ followers: [follower("DEMO2003")] });
    const rig = await startRig(config);
    done.push(() => rig.close());
    const journal = await journalOf(rig.engine, config);
    const { sim, engine, events } = rig;
    await eventually(() => engine.directory.connected("DEMO1000"), "connected");
    const since = Date.now();
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 1, "DEMO2003 long 1");
    sim.control.manualTrade("DEMO1000", "NQZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2003", "NQZ6") === 2, "DEMO2003 long 2");
    const [kept, busted] = fillsAt(sim, "DEMO1000").slice(-2);
    sim.control.bustFill(busted!.fillId);
    await eventually(() => events.some((e) => e.type === "bust"), "the bust seen");

    const entries = await journal.entries();
    expect(entries.filter((e) => e.type === "bust")).toEqual([
      expect.objectContaining({ account: "DEMO1000", fillId: busted!.fillId, orderId: busted!.orderId }),
    ]);
    const range: ReportRange = { from: "x", to: "x", start: since, end: since + 86_400_000 };
    const leaderOf = (journal: JournalEntry[], broker?: BrokerFacts) =>
      buildReport({ range, config, journal, broker }).groups[0]!.leader;
    const read = await readBroker({
      config,
      accounts: ["DEMO1000", "DEMO2003"],
      env: { MIMIK_TEST_PASSWORD: "demo" },
      choice: "always",
      instanceRunning: false,
      since,
    });
    const live = leaderOf(entries, read.broker);
    const offline = leaderOf(entries);
    // The broker stands by one leader fill: so do the live report and the journal's alone.
    expect(fillsAt(sim, "DEMO1000").slice(-1)).toEqual([kept]);
    expect(live).toMatchObject({ leaderFills: 1, trading: { fills: 1 } });
    expect(offline).toMatchObject({ leaderFills: 1, trading: { fills: 1 } });
    // Without the bust line the journal knows nothing of it: the fill counts.
    expect(leaderOf(entries.filter((e) => e.type !== "bust"))).toMatchObject({
      leaderFills: 2,
      trading: { fills: 2 },
    });
  });
});

describe("a leader fill the broker busts while the leader's login is away", () => {
  it("is a bust in the journal once, told as a live bust is; one made and busted in the gap is nothing", async () => {
    const { config, sim, journal, events, reconnects, stop } = await journaledLogins();
    const since = Date.now();
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 2, "APEX3001 long 2");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "APEX3001", "ESZ6") === 3, "APEX3001 long 3");
    const [kept, busted] = fillsAt(sim, "DEMO1000");

    const before = reconnects();
    sim.control.dropSockets({ user: "demo" });
    sim.control.bustFill(busted!.fillId); // journaled live, busted in the gap
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1); // made and busted in the gap
    const madeAndBusted = fillsAt(sim, "DEMO1000").at(-1)!;
    sim.control.bustFill(madeAndBusted.fillId);
    await eventually(() => reconnects() > before, "the leader's login back");
    await eventually(() => events.some((e) => e.type === "bust"), "the gap's bust seen");
    // A second gap: the snapshot shows the same bust, told no more.
    const again = reconnects();
    sim.control.dropSockets({ user: "demo" });
    await eventually(() => reconnects() > again, "the leader's login back again");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Sell", 1); // a live fill after both reconnects
    const last = fillsAt(sim, "DEMO1000").at(-1)!;
    await eventually(
      () => events.some((e) => e.type === "leaderFill" && e.fillId === last.fillId),
      "live sell",
    );

    const entries = await journal.entries();
    expect(entries.filter((e) => e.type === "bust")).toEqual([
      expect.objectContaining({ account: "DEMO1000", fillId: busted!.fillId, orderId: busted!.orderId }),
    ]);
    // Never journaled, so nothing to take back, nor to tell.
    expect(entries.filter((e) => e.fillId === madeAndBusted.fillId)).toEqual([]);
    expect(
      events.filter((e) => e.type === "alert" && e.message.includes(`fill ${madeAndBusted.fillId} `)),
    ).toEqual([]);
    // Each follower told, as a live bust tells them.
    const told = events.filter(
      (e) => e.type === "alert" && e.message.includes(`busted leader fill ${busted!.fillId}`),
    );
    expect(told.map((e) => e.type === "alert" && e.follower).sort()).toEqual(["APEX3001", "APEX3002"]);
    // The journal alone counts the leader's fills as the simulator has them.
    expect(fillsAt(sim, "DEMO1000").map((f) => f.fillId)).toEqual([kept!.fillId, last.fillId]);
    const range: ReportRange = { from: "x", to: "x", start: since, end: since + 86_400_000 };
    const offline = buildReport({ range, config, journal: entries, broker: undefined }).groups[0]!.leader;
    expect(offline).toMatchObject({ leaderFills: 2, trading: { fills: 2 } });

    // A restart seeded from this journal: the first snapshot shows the bust again, told no more.
    await journal.close();
    await stop();
    const keys = await leaderFillKeys(journal.path);
    const restarted = await startTwoLogins(config, undefined, { sim, ledger: new SetLedger(keys) });
    done.push(() => restarted.close());
    await eventually(() => restarted.engine.directory.connected("DEMO1000"), "the restart connected");
    sim.control.manualTrade("DEMO1000", "ESZ6", "Buy", 1);
    const live = fillsAt(sim, "DEMO1000").at(-1)!;
    await eventually(
      () => restarted.events.some((e) => e.type === "leaderFill" && e.fillId === live.fillId),
      "the live fill after the restart",
    );
    expect(restarted.events.filter((e) => e.type === "bust")).toEqual([]);
    await restarted.close();

    // A journal with the fill but not its bust (the bust came while mimik was down): the next
    // start journals it, once.
    const withoutBust = new SetLedger([...keys].filter((k) => !k.startsWith("bust:")));
    const third = await startTwoLogins(config, undefined, { sim, ledger: withoutBust });
    done.push(() => third.close());
    await eventually(() => third.events.some((e) => e.type === "bust"), "the missed bust journaled");
    await eventually(() => third.engine.directory.connected("DEMO1000"), "the third start connected");
    expect(third.events.filter((e) => e.type === "bust")).toEqual([
      expect.objectContaining({ account: "DEMO1000", fillId: busted!.fillId }),
    ]);
  });
});

describe("ProjectX: the leader's trades while its hub was away", () => {
  it("a trade made in the gap is journaled once as history; one voided in the gap is a bust once; one made and voided there is nothing", async () => {
    const config = crossBrokerConfig(
      { TSX5001: "px", DEMO2001: "sim" },
      { name: "P", leader: "TSX5001", followers: [follower("DEMO2001")] },
    );
    const rig = await startRig(config);
    done.push(() => rig.close());
    const journal = await journalOf(rig.engine, config);
    const { sim, engine, events } = rig;
    await eventually(() => ["TSX5001", "DEMO2001"].every((a) => engine.directory.connected(a)), "synced");
    const reconnects = () =>
      events.filter((e) => e.type === "connectionStatus" && e.connection === "px" && e.state === "connected")
        .length;
    const since = Date.now();
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 2);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 2, "DEMO2001 long 2");
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 1);
    await eventually(() => position(sim, "DEMO2001", "ESZ6") === 3, "DEMO2001 long 3");
    const [kept, voided] = fillsAt(sim, "TSX5001");

    const before = reconnects();
    sim.control.dropSockets({ user: PX_CONNECTION.username });
    sim.control.bustFill(voided!.fillId); // copied live, voided in the gap
    sim.control.manualTrade("TSX5001", "ESZ6", "Buy", 1); // made in the gap
    const gap = fillsAt(sim, "TSX5001").at(-1)!;
    sim.control.manualTrade("TSX5001", "ESZ6", "Sell", 1); // made and voided in the gap
    const madeAndVoided = fillsAt(sim, "TSX5001").at(-1)!;
    sim.control.bustFill(madeAndVoided.fillId);
    await eventually(() => reconnects() > before, "the leader's hub back");
    await eventually(
      () => events.some((e) => e.type === "leaderFill" && e.fillId === gap.fillId),
      "the gap's trade recorded",
    );
    await eventually(() => events.some((e) => e.type === "bust"), "the gap's void seen");
    // A second gap with nothing in it: the same trades again, nothing journaled again.
    const again = reconnects();
    sim.control.dropSockets({ user: PX_CONNECTION.username });
    await eventually(() => reconnects() > again, "the leader's hub back again");
    sim.control.manualTrade("TSX5001", "ESZ6", "Sell", 1); // live, after both gaps
    const last = fillsAt(sim, "TSX5001").at(-1)!;
    await eventually(
      () => events.some((e) => e.type === "leaderFill" && e.fillId === last.fillId),
      "live sell",
    );

    const entries = await journal.entries();
    const journaled = entries.filter((e) => e.type === "leaderFill");
    expect(journaled.map((e) => e.fillId)).toEqual([kept!.fillId, voided!.fillId, gap.fillId, last.fillId]);
    expect(journaled.map((e) => e.history === true)).toEqual([false, false, true, false]);
    expect(journaled[2]).toMatchObject({ side: "Buy", qty: 1, contract: "ESZ6", price: gap.price });
    expect(entries.filter((e) => e.type === "bust")).toEqual([
      expect.objectContaining({ account: "TSX5001", fillId: voided!.fillId }),
    ]);
    expect(entries.filter((e) => e.fillId === madeAndVoided.fillId)).toEqual([]);
    // The gap's trade was not copied; the follower was told of the void, as a live one tells.
    expect(
      events.filter((e) => e.type === "copy" && e.fillId === gap.fillId && e.outcome === "sent"),
    ).toEqual([]);
    expect(
      events.filter((e) => e.type === "alert" && e.message.includes(`busted leader fill ${voided!.fillId}`)),
    ).toEqual([expect.objectContaining({ follower: "DEMO2001" })]);
    // The journal alone counts the leader's trades as the simulator has them.
    const active = fillsAt(sim, "TSX5001").map((f) => f.fillId);
    expect(active).toEqual([kept!.fillId, gap.fillId, last.fillId]);
    const range: ReportRange = { from: "x", to: "x", start: since, end: since + 86_400_000 };
    const offline = buildReport({ range, config, journal: entries, broker: undefined }).groups[0]!.leader;
    expect(offline).toMatchObject({ leaderFills: 3, trading: { fills: 3 } });
  });
});
