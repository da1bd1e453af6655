import { z } from "zod";
import { onFirstUse } from "../../data/onFirstUse.js";
import type { StatusReport } from "../process/controlHandler.js";

/**
 * The running instance's status as `mimik status` receives it (validated: it crossed a socket)
 * and as a person reads it.
 */

/** Built when `mimik status` first reads a report (data/onFirstUse.ts). */
const statusReportSchema = onFirstUse(() => {
  const optionalNumber = z.number().optional();

  return z.object({
    mode: z.string(),
    pid: z.number().int(),
    journal: z.string().optional(),
    configKeptOut: z.string().optional(),
    connections: z.array(
      z.object({
        name: z.string(),
        broker: z.string(),
        state: z.string(),
        reason: z.string().optional(),
        marketData: z.string().optional(),
        unreadable: z.array(z.object({ account: z.string(), reason: z.string() })).optional(),
        budget: z
          .object({
            left: z.number(),
            limit: z.number(),
            windowMs: z.number(),
            lastsMs: optionalNumber,
            refused: z.number(),
            blockedUntil: optionalNumber,
          })
          .optional(),
      }),
    ),
    latency: z.object({ p50: z.number(), p99: z.number(), count: z.number() }),
    groups: z.array(
      z.object({
        name: z.string(),
        active: z.boolean(),
        leader: z.string(),
        leaderPositions: z.array(z.object({ contract: z.string(), netPos: z.number() })).optional(),
        /** Absent from an instance older than issue 16, and for a group without windows. */
        window: z
          .object({
            held: z.string().optional(),
            next: z.object({ at: z.number(), text: z.string() }).optional(),
          })
          .optional(),
        followers: z.array(
          z.object({
            account: z.string(),
            label: z.string().optional(),
            enabled: z.boolean(),
            state: z.string(),
            reason: z.string().optional(),
            unsaved: z.boolean().optional(),
            pricesStale: z.boolean().optional(),
            dayPnl: optionalNumber,
            positions: z.array(z.object({ contract: z.string(), netPos: z.number() })),
            positionsUnknown: z.boolean().optional(),
            positionsAsOfLogin: z.string().optional(),
            notAtBroker: z.string().optional(),
            unreadable: z.string().optional(),
            shadow: z.boolean().optional(),
          }),
        ),
      }),
    ),
    outOfSync: z.array(
      z.object({ follower: z.string(), contract: z.string(), has: z.number(), expects: z.number() }),
    ),
    /** Absent from an instance older than issue 18. */
    exitsPending: z
      .array(
        z.object({
          follower: z.string(),
          contract: z.string(),
          has: z.number(),
          goal: z.number(),
          reason: z.string(),
          attempts: z.number(),
          nextTryAt: optionalNumber,
        }),
      )
      .optional(),
  });
});

// A compile-time check that the schema and the handler's report describe the same thing.
type Parsed = z.infer<ReturnType<typeof statusReportSchema>>;
const _sameShape: (report: StatusReport) => Parsed = (report) => report;
void _sameShape;

/** The status payload of a control response, or undefined when it is not one. */
export function parseStatus(value: unknown): Parsed | undefined {
  const parsed = statusReportSchema().safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const brokerName = (broker: string) =>
  broker === "projectx" ? "ProjectX" : broker === "tradovate" ? "Tradovate" : broker;
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

export function money(n: number): string {
  const sign = n < 0 ? "-" : n > 0 ? "+" : "";
  return `${sign}$${Math.abs(n).toFixed(2)}`;
}

function followerState(f: Parsed["groups"][number]["followers"][number]): string {
  const state = f.state === "LIQUIDATE_ONLY" ? "LIQ-ONLY" : f.state;
  const shown = f.reason && f.state !== "ACTIVE" ? `${state} (${f.reason})` : state;
  const blind = f.pricesStale
    ? `${shown}, prices stale (market data down): limits blind, openings held`
    : shown;
  return f.unsaved ? `${blind} NOT SAVED to the state file (retrying)` : blind;
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 90 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "sim: 4980 of 5000 requests left this hour, lasts about 42 min at the current pace, 3 refused" */
export function budgetLine(name: string, b: NonNullable<Parsed["connections"][number]["budget"]>): string {
  const parts = [
    `${name}: ${b.left} of ${b.limit} requests left this ${b.windowMs <= 60_000 ? "minute" : "hour"}`,
  ];
  parts.push(
    b.lastsMs === undefined
      ? "enough at the current pace"
      : `lasts about ${minutes(b.lastsMs)} at the current pace (then only exits go)`,
  );
  if (b.refused > 0) parts.push(`${b.refused} refused`);
  if (b.blockedUntil !== undefined && b.blockedUntil > Date.now()) {
    parts.push(`BLOCKED by the broker until ${new Date(b.blockedUntil).toISOString().slice(11, 19)} UTC`);
  }
  return `request budget ${parts.join(", ")}`;
}

/** "EXIT PENDING ESZ6: has +2, rule says 0; RiskRejected: …; try 4 at 15:31:05 UTC" */
export function exitPendingText(e: NonNullable<Parsed["exitsPending"]>[number]): string {
  const next =
    e.nextTryAt === undefined ? "" : ` at ${new Date(e.nextTryAt).toISOString().slice(11, 19)} UTC`;
  return `EXIT PENDING ${e.contract}: has ${signed(e.has)}, rule says ${signed(e.goal)}; ${e.reason}; try ${e.attempts + 1}${next}`;
}

/** The readable summary: header, connections, then each group and its followers. */
export function formatStatus(report: Parsed): string[] {
  const lines: string[] = [];
  lines.push(`mimik ${report.mode}, pid ${report.pid}`);
  if (report.journal !== undefined) lines.push(`journal: ${report.journal}`);
  // A trader who edited the file over SSH reads here, not in headless's output, that it did not take.
  if (report.configKeptOut !== undefined) lines.push(`CONFIG NOT RELOADED: ${report.configKeptOut}`);
  const connections = report.connections
    .map((c) => `${c.name} (${brokerName(c.broker)}) ${c.state}`)
    .join(", ");
  lines.push(`connections: ${connections || "none"}`);
  for (const c of report.connections) if (c.reason) lines.push(`${c.name} ${c.state}: ${c.reason}`);
  for (const c of report.connections) if (c.marketData) lines.push(`${c.name} NO QUOTES: ${c.marketData}`);
  for (const c of report.connections)
    for (const u of c.unreadable ?? []) lines.push(`${c.name} UNREADABLE ${u.account}: ${u.reason}`);
  for (const c of report.connections) if (c.budget) lines.push(budgetLine(c.name, c.budget));
  lines.push(
    report.latency.count > 0
      ? `copy latency: p50 ${report.latency.p50.toFixed(2)} ms, p99 ${report.latency.p99.toFixed(2)} ms (${report.latency.count} orders)`
      : "copy latency: no copies yet",
  );
  const outOfSync = new Map<string, string[]>();
  for (const s of report.outOfSync) {
    const list = outOfSync.get(s.follower.toUpperCase()) ?? [];
    list.push(`OUT OF SYNC ${s.contract}: has ${signed(s.has)}, expects ${signed(s.expects)}`);
    outOfSync.set(s.follower.toUpperCase(), list);
  }
  for (const e of report.exitsPending ?? []) {
    const list = outOfSync.get(e.follower.toUpperCase()) ?? [];
    list.push(exitPendingText(e));
    outOfSync.set(e.follower.toUpperCase(), list);
  }
  if (report.groups.length === 0) lines.push("no groups");
  for (const group of report.groups) {
    lines.push("");
    const leaderHeld = group.leaderPositions
      ? ` ${group.leaderPositions.length ? group.leaderPositions.map((p) => `${p.contract} ${signed(p.netPos)}`).join(", ") : "flat"}`
      : "";
    lines.push(
      `group ${group.name} (${group.active ? "active" : "PAUSED"}), leader ${group.leader}${leaderHeld}, ${group.followers.length} follower${group.followers.length === 1 ? "" : "s"}`,
    );
    if (group.window) {
      const now = group.window.held ? `openings held back (${group.window.held})` : "openings allowed";
      const next = group.window.next
        ? `; next: ${group.window.next.text} (${new Date(group.window.next.at).toISOString().slice(0, 16).replace("T", " ")} UTC)`
        : "";
      lines.push(`  trading window: ${now}${next}`);
    }
    const width = Math.max(0, ...group.followers.map((f) => f.account.length));
    for (const f of group.followers) {
      const held = f.positions.length
        ? f.positions.map((p) => `${p.contract} ${signed(p.netPos)}`).join(", ")
        : f.positionsUnknown
          ? "positions not known yet"
          : "flat";
      // A login that dropped may have traded since: what it last said is not what it holds now.
      const positions = f.unreadable
        ? `UNREADABLE, positions unknown, nothing copied: ${f.unreadable}`
        : f.notAtBroker
          ? `NOT AT THE BROKER: login ${f.notAtBroker} is connected and has no such account; nothing copied (check the account's name in the config)`
          : f.positionsAsOfLogin
            ? `${held} (last seen; login ${f.positionsAsOfLogin})`
            : held;
      const parts = [
        f.account.padEnd(width),
        f.shadow ? "shadow (would-be)" : undefined,
        followerState(f),
        f.enabled ? undefined : "disabled",
        `day ${f.dayPnl === undefined ? "?" : money(f.dayPnl)}`,
        positions,
        ...(outOfSync.get(f.account.toUpperCase()) ?? []),
      ].filter((p) => p !== undefined);
      lines.push(`  ${parts.join("  ")}`);
    }
  }
  return lines;
}
