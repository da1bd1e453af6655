import type { JournalEntry } from "../../data/journal/index.js";
import { type Config, configSchema } from "../../data/schema.js";
import type { HistoryFill } from "../../engine/index.js";
import type { BrokerFacts } from "../../src/report/build.js";
import { reportRange } from "../../src/report/range.js";

/**
 * One day of a group, as the journal and the broker have it: a leader round trip copied to two
 * followers (one mapped to micros), a skip, a reject and a lock, and a follower removed from the
 * config since.
 */

export const range = reportRange({ date: "2026-11-27" }, 0);
let seq = 0;
function entry(type: string, at: string, fields: Record<string, unknown>): JournalEntry {
  seq += 1;
  return { seq, at: `2026-11-27T${at}Z`, type, prev: "", ...fields };
}
const copy = (
  at: string,
  follower: string,
  fillId: number,
  outcome: string,
  extra: Record<string, unknown> = {},
) =>
  entry("copy", at, {
    group: "main",
    follower,
    fillId,
    contract: follower === "DEMO2002" ? "MESZ6" : "ESZ6",
    outcome,
    reason: outcome === "sent" ? "copied" : outcome,
    clOrdId: `mk-${fillId}-${follower}`,
    ...extra,
  });
const leaderFill = (
  at: string,
  fillId: number,
  side: "Buy" | "Sell",
  qty: number,
  price: number,
  contract = "ESZ6",
) =>
  entry("leaderFill", at, {
    group: "main",
    leader: "DEMO1000",
    fillId,
    orderId: fillId + 100,
    contract,
    side,
    qty,
    price,
  });

export const journal: JournalEntry[] = [
  // Yesterday, before 17:00 CT: not this day's.
  { ...copy("00:00:00", "DEMO2001", 9, "sent", { latencyMs: 99 }), at: "2026-11-26T22:59:59Z" },
  leaderFill("15:00:00", 11, "Buy", 2, 6800),
  copy("15:00:00", "DEMO2001", 11, "sent", { latencyMs: 0.4 }),
  copy("15:00:00", "DEMO2002", 11, "sent", { latencyMs: 0.6 }),
  copy("15:00:01", "DEMO2001", 11, "accepted", { orderId: 501 }),
  copy("15:00:01", "DEMO2002", 11, "accepted", { orderId: 502 }),
  copy("15:00:01", "DEMO2001", 11, "filled", { orderId: 501, qty: 1 }),
  copy("15:00:01", "DEMO2002", 11, "filled", { orderId: 502, qty: 1 }),
  // The journal noted 6804.5; the broker's own record (6805, below) is what counts.
  leaderFill("15:10:00", 12, "Sell", 2, 6804.5),
  copy("15:10:00", "DEMO2001", 12, "sent", { latencyMs: 0.5 }),
  copy("15:10:00", "DEMO2002", 12, "sent", { latencyMs: 0.7 }),
  copy("15:10:01", "DEMO2001", 12, "accepted", { orderId: 503 }),
  copy("15:10:01", "DEMO2001", 12, "filled", { orderId: 503, qty: 1 }),
  copy("15:10:01", "DEMO2002", 12, "rejected", { reason: "TradingLocked: account locked" }),
  entry("followerState", "15:10:02", { follower: "DEMO2002", state: "LOCKED", reason: "broker lock" }),
  leaderFill("15:20:00", 13, "Buy", 1, 21000, "NQZ6"),
  copy("15:20:00", "DEMO2001", 13, "skipped", { reason: "not whitelisted" }),
  copy("15:20:00", "DEMO2002", 13, "skipped", { reason: "not whitelisted" }),
  copy("15:20:00", "DEMO2009", 13, "skipped", { reason: "follower disabled" }),
];

const fill = (
  account: string,
  id: number,
  orderId: number,
  side: "Buy" | "Sell",
  price: number,
  at: string,
  contract = "ESZ6",
  qty = 1,
): HistoryFill => ({
  id,
  orderId,
  account,
  contract,
  side,
  qty,
  price,
  at: Date.parse(`2026-11-27T${at}Z`),
});

export const broker: BrokerFacts = {
  // DEMO2009 left the config: its login is unknown, so its fills were not read.
  accounts: ["DEMO1000", "DEMO2001", "DEMO2002"],
  fills: [
    fill("DEMO1000", 11, 111, "Buy", 6800, "15:00:00", "ESZ6", 2),
    fill("DEMO1000", 12, 112, "Sell", 6805, "15:10:00", "ESZ6", 2),
    fill("DEMO1000", 13, 113, "Buy", 21000, "15:20:00", "NQZ6"),
    fill("DEMO2001", 601, 501, "Buy", 6800.25, "15:00:01"),
    fill("DEMO2001", 602, 503, "Sell", 6804.75, "15:10:01"),
    fill("DEMO2002", 603, 502, "Buy", 6801, "15:00:01", "MESZ6"),
  ],
  pairs: [
    {
      account: "DEMO1000",
      contract: "ESZ6",
      buyFillId: 11,
      sellFillId: 12,
      qty: 2,
      buyPrice: 6800,
      sellPrice: 6805,
    },
    {
      account: "DEMO2001",
      contract: "ESZ6",
      buyFillId: 601,
      sellFillId: 602,
      qty: 1,
      buyPrice: 6800.25,
      sellPrice: 6804.75,
    },
  ],
  fees: {
    DEMO1000: { 11: 2.58, 12: 2.58, 13: 1.29 },
    DEMO2001: { 601: 1.29, 602: 1.29 },
    DEMO2002: { 603: 0.5 },
  },
  contracts: [
    { id: "1", name: "ESZ6", root: "ES", tickSize: 0.25, pointValue: 50 },
    { id: "2", name: "MESZ6", root: "MES", tickSize: 0.25, pointValue: 5 },
    { id: "3", name: "NQZ6", root: "NQ", tickSize: 0.25, pointValue: 20 },
  ],
};

export const config: Config = configSchema.parse({
  version: 1,
  connections: [{ name: "sim", env: "sim", username: "demo", password: { env: "X" } }],
  accounts: [
    { name: "DEMO1000", connection: "sim", label: "lead" },
    { name: "DEMO2001", connection: "sim", label: "half" },
    { name: "DEMO2002", connection: "sim", label: "micro" },
  ],
  groups: [
    {
      name: "main",
      leader: "DEMO1000",
      followers: [
        { account: "DEMO2001", sizing: { mode: "multiplier", value: 0.5 } },
        { account: "DEMO2002", sizing: { mode: "fixed", contracts: 1 }, mapping: "toMicro" },
      ],
    },
  ],
});
