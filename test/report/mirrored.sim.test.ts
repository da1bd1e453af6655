import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type JournalEntry, JournalWriter, readJournal } from "../../data/journal/index.js";
import { SKIP_REASONS } from "../../engine/index.js";
import { journalSink } from "../../src/process/journalSink.js";
import { buildReport } from "../../src/report/build.js";
import type { ReportRange } from "../../src/report/range.js";
import { renderCsv, renderText } from "../../src/report/render.js";
import { reportViewModel } from "../../src/report/viewModel.js";
import {
  closeChecked,
  eventuallyWorking,
  FOLLOWERS,
  LEADER,
  mirrorRig,
  pos,
  setPrice,
} from "../mirror/simRig.js";
import { eventually, type Rig, simConfig } from "../support/rig.js";

/**
 * A group that mirrors working orders: the leader's Buy Limit is placed on every follower, and
 * when the price comes to it the leader's and each follower's own order fill. The copier sends
 * those followers no copy ("its own mirrored order answers it"), and the fills pane says
 * "↔ mirror"; the daily report read that as a skip, a day of mirrored trades looking all skipped.
 * Judged on the simulator's book (the followers' mirrored orders did fill) and on the journal a
 * running mimik writes.
 */

let rig: Rig | undefined;
let dir: string | undefined;
afterEach(async () => {
  const done = rig;
  rig = undefined;
  await closeChecked(done);
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("the daily report of a mirroring group", () => {
  it("counts a leader fill the follower's own mirrored order answered as mirrored, not skipped", async () => {
    const group = { copy: "orders" as const };
    rig = await mirrorRig(group);
    const r = rig;
    dir = await mkdtemp(join(tmpdir(), "mimik-report-mirror-"));
    const path = join(dir, "journal", "main.jsonl");
    const writer = await JournalWriter.open(path);
    const config = simConfig(group);
    r.engine.on(journalSink(writer, () => config));
    const since = Date.now() - 1000;

    const placed = r.sim.control.placeOrder(LEADER, {
      symbol: "ESZ6",
      action: "Buy",
      qty: 1,
      orderType: "Limit",
      price: 6790,
    });
    if (!("orderId" in placed)) throw new Error("refused");
    await eventuallyWorking(r, (by) => FOLLOWERS.every((f) => by[f]!.length === 1), "three mirrors");
    setPrice(r, 6790);
    // DEMO2002 is 2 fixed (micros), the others ×0.5 and ×1 of the leader's 1.
    const held = { DEMO1000: 1, DEMO2001: 1, DEMO2002: 2, DEMO2003: 1 } as Record<string, number>;
    await eventually(() => [LEADER, ...FOLLOWERS].every((a) => pos(r, a) === held[a]), "everyone long");

    // The broker's book: each follower's fill is of its own mirrored order ("mm-"), and mimik sent
    // it no copy ("mk-") of the leader's fill.
    const book = r.sim.control.records();
    for (const f of FOLLOWERS) {
      const orders = book.orders.filter((o) => o.accountName === f);
      const mirror = orders.find((o) => o.clOrdId?.startsWith("mm-"));
      expect(mirror?.status, f).toBe("Filled");
      expect([...new Set(book.fills.filter((x) => x.accountName === f).map((x) => x.orderId))]).toEqual([
        mirror!.orderId,
      ]);
      expect(orders.filter((o) => o.clOrdId?.startsWith("mk-"))).toEqual([]);
    }
    await eventually(
      () =>
        r.events.filter(
          (e) => e.type === "copy" && e.outcome === "skipped" && e.reason === SKIP_REASONS.mirrored,
        ).length === FOLLOWERS.length,
      "the copier's word for each follower",
    );

    await writer.flush();
    const journal: JournalEntry[] = [];
    for await (const e of readJournal(path)) journal.push(e);
    await writer.close();
    const range: ReportRange = { from: "x", to: "x", start: since, end: Date.now() + 1000 };
    const report = buildReport({ range, config, journal, broker: undefined });
    const [g] = report.groups;
    expect(g!.leader.leaderFills).toBe(1);
    for (const f of g!.followers)
      expect(f.copy, f.account).toMatchObject({ copies: 0, mirrored: 1, skipped: 0, skips: {} });
    expect(g!.total.copy).toMatchObject({ mirrored: 3, skipped: 0 });

    const text = renderText(report, 80);
    expect(text).toMatch(/^ copying +copies +filled +mirror +skips /m);
    expect(text).toMatch(/^ DEMO2001 +0 +0 +1 +0 +0 /m);
    expect(text).not.toContain(SKIP_REASONS.mirrored);
    // The console's report view (p), built from the same report.
    expect(
      reportViewModel(report).rows.map((row) => [row.name, row.copies, row.mirrored, row.skipped]),
    ).toEqual([
      ["DEMO2001", 0, 1, 0],
      ["DEMO2002", 0, 1, 0],
      ["DEMO2003", 0, 1, 0],
      ["G: all followers", 0, 3, 0],
    ]);
    const csv = renderCsv(report).split("\n");
    const col = csv[0]!.split(",").indexOf("mirrored");
    expect(csv.slice(1).map((l) => l.split(",")[col])).toEqual(["", "1", "1", "1", "3"]);
  });
});
