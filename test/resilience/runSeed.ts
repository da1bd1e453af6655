import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FillRecord, type Simulator, startSimulator } from "../../engine/sim/index.js";
import type { CopyEvent, EngineEvent } from "../../engine/types.js";
import { judge, type LiquidationOnlyWindow } from "./checks.js";
import { FOLLOWERS, LEADER, REJECTING, resilienceConfig, resilienceScenario } from "./fleet.js";
import { MimikInstance } from "./instance.js";
import { type FaultKind, LIQUIDATION_ONLY_CANDIDATES, onlyFaults, planFor, type Step } from "./plan.js";

export interface SeedReport {
  seed: number;
  trades: number;
  faults: Partial<Record<FaultKind, number>>;
  disturbed: string[];
  checkedExactly: string[];
  /** Exits the followers missed that a re-sync made up (reconcile), and failed exits retried. */
  madeUp: number;
  retried: number;
  /** Follower contracts left holding what the leader shed (must be 0). */
  orphanedExits: number;
  violations: string[];
}

/** Polls a condition until it holds, or throws `what` at the deadline. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pause = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/**
 * One seeded run: the real engine and client against the simulator, a burst of leader trades with
 * faults in between, then — once everything is reconnected and nothing is in flight — the broker's
 * records are judged (checks.ts).
 */
export async function runSeed(seed: number): Promise<SeedReport> {
  const plan = onlyFaults(planFor(seed), process.env);
  const dir = await mkdtemp(join(tmpdir(), `mimik-resilience-${seed}-`));
  const sim = await startSimulator({
    port: 0,
    priceIntervalMs: 0,
    alwaysOpen: true,
    seed,
    scenario: resilienceScenario(),
  });
  const config = resilienceConfig(sim.url);
  const copies: CopyEvent[] = [];
  const debugEvents: EngineEvent[] = [];
  const onEvent = (e: EngineEvent) => {
    if (e.type === "copy") copies.push(e);
    if (process.env.RESILIENCE_DEBUG) debugEvents.push(e);
  };
  const instances: MimikInstance[] = [];
  const faults: Partial<Record<FaultKind, number>> = {};
  const disturbed = new Set<string>();
  const everyone = () => {
    for (const f of FOLLOWERS) disturbed.add(f.account);
  };
  const timers: NodeJS.Timeout[] = [];
  const venue: VenueLog = { busted: [], liquidationOnly: [] };
  try {
    instances.push(await MimikInstance.start(config, dir, sim.url, onEvent));
    const current = () => instances[instances.length - 1]!;
    await settled(sim, current(), venue.busted);
    for (const step of plan) {
      if (step.kind === "trade") {
        sim.control.manualTrade(LEADER, step.symbol, step.action, step.qty);
        await pause(step.gapMs);
        continue;
      }
      faults[step.kind] = (faults[step.kind] ?? 0) + 1;
      await inject(step, sim, {
        disturb: (account) => disturbed.add(account),
        everyone,
        crash: async () => {
          await current().crash();
          // Trades while mimik is down are the trader's, never replayed (design.md §2).
          sim.control.manualTrade(LEADER, "ESZ6", "Buy", 1);
          instances.push(await MimikInstance.start(config, dir, sim.url, onEvent));
        },
        later: (ms, fn) => timers.push(setTimeout(fn, ms)),
        venue,
      });
    }
    // Every fault off; the copier must come to rest with everything reconnected.
    await pause(0);
    for (const t of timers.splice(0)) clearTimeout(t);
    sim.control.rateLimit(false);
    sim.control.duplicateEvents(false);
    sim.control.reorderEvents(false);
    for (const account of REJECTING) sim.control.rejectOrders(account, null);
    sim.control.delaySocket("slow", 0);
    sim.control.eventsBeforeReplies(false);
    for (const product of PRODUCTS) sim.control.setDepth(product, null);
    for (const account of LIQUIDATION_ONLY_CANDIDATES) sim.control.setLiquidationOnly(account, false);
    await settled(sim, current(), venue.busted).catch(async (error: Error) => {
      // A seed that never comes to rest is read from the same dump as one that breaks a rule.
      const file = await debugDump(seed, {
        plan,
        records: sim.control.records(),
        copies,
        events: debugEvents,
      });
      throw file ? new Error(`${error.message}; debug dump: ${file}`) : error;
    });

    // A follower that got a transport failure (429 lockout) missed a copy by design.
    for (const c of copies)
      if (c.outcome === "rejected" || c.reason === "disconnected") disturbed.add(c.follower);
    const records = sim.control.records();
    const verdict = judge(records, copies, disturbed, venue.liquidationOnly, venue.busted);
    verdict.violations.push(...(await cashAgrees(sim, current())));
    if (verdict.violations.length > 0) {
      const file = await debugDump(seed, { plan, records, copies, events: debugEvents });
      if (file) verdict.violations.push(`debug dump: ${file}`);
    }
    return {
      seed,
      trades: plan.filter((s) => s.kind === "trade").length,
      faults,
      disturbed: [...disturbed].sort(),
      madeUp: copies.filter((c) => c.outcome === "sent" && c.reason === "reconcile").length,
      retried: copies.filter((c) => c.outcome === "sent" && c.clOrdId?.startsWith("mk-rt-")).length,
      ...verdict,
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    for (const instance of instances) await instance.close().catch(() => undefined);
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** With RESILIENCE_DEBUG set: the seed's plan, the broker's records and every event, as a file. */
async function debugDump(seed: number, dump: Record<string, unknown>): Promise<string | undefined> {
  if (!process.env.RESILIENCE_DEBUG) return undefined;
  const file = join(tmpdir(), `mimik-resilience-${seed}.json`);
  await writeFile(file, JSON.stringify(dump, null, 1));
  return file;
}

interface Effects {
  disturb(account: string): void;
  everyone(): void;
  crash(): Promise<void>;
  later(ms: number, fn: () => void): void;
  venue: VenueLog;
}

/** What the venue faults did, for the checks: busted leader fills, liquidation-only windows. */
interface VenueLog {
  busted: FillRecord[];
  liquidationOnly: LiquidationOnlyWindow[];
}

const PRODUCTS = ["ES", "NQ"];
const lastFillId = (sim: Simulator) => sim.control.records().fills.at(-1)?.fillId ?? 0;

async function inject(step: Exclude<Step, { kind: "trade" }>, sim: Simulator, fx: Effects): Promise<void> {
  const c = sim.control;
  switch (step.kind) {
    case "followerDrop":
      // The flaky Tradovate sockets and the ProjectX login's hubs go down together.
      c.dropSockets({ user: "flaky" });
      c.dropSockets({ user: "px" });
      for (const f of FOLLOWERS) if (f.login === "flaky" || f.login === "px") fx.disturb(f.account);
      return;
    case "leaderDrop":
      // Leader fills while its socket is down are history after the re-sync: every follower may differ.
      c.dropSockets({ user: "lead" });
      fx.everyone();
      return;
    case "duplicate":
      c.duplicateEvents(step.on);
      return;
    case "reorder":
      c.reorderEvents(step.on);
      return;
    case "reject":
      for (const account of REJECTING) {
        if (step.on) c.rejectOrders(account, "RiskRejected", "resilience: account refuses orders", step.mode);
        else c.rejectOrders(account, null);
        fx.disturb(account);
      }
      return;
    case "slow":
      c.delaySocket("slow", step.on ? 500 : 0);
      return;
    case "penalty":
      c.penaltyTicket(step.count, 1);
      return;
    case "rateLimit":
      c.rateLimit(true);
      fx.later(150, () => c.rateLimit(false));
      return;
    case "expireTokens":
      c.expireTokens();
      return;
    case "crash":
      fx.everyone();
      await fx.crash();
      return;
    case "partialFills":
      for (const product of PRODUCTS) c.setDepth(product, step.on ? step.depth : null);
      return;
    case "eventsFirst":
      c.eventsBeforeReplies(step.on);
      return;
    case "fees":
      for (const product of PRODUCTS) c.setFee(product, step.fee);
      return;
    case "liquidationOnly": {
      c.setLiquidationOnly(step.account, step.on);
      fx.disturb(step.account);
      const open = fx.venue.liquidationOnly.find((w) => w.account === step.account && w.to === undefined);
      if (step.on)
        fx.venue.liquidationOnly.push({ account: step.account, from: lastFillId(sim), to: undefined });
      else if (open) open.to = lastFillId(sim);
      return;
    }
    case "bust": {
      // The exchange takes back one of the leader's fills: the leader's position changes with no
      // trade of its own, so no follower can be expected to match the rules exactly afterwards.
      const fills = c.records().fills.filter((f) => f.accountName === LEADER && f.active);
      const fill = fills[Math.floor(step.pick * fills.length)];
      if (!fill) return;
      c.bustFill(fill.fillId);
      fx.venue.busted.push(fill);
      fx.everyone();
      return;
    }
    case "superseded":
      // Two more logins of that user: Tradovate keeps two sessions, so mimik's (the oldest) ends.
      c.otherLogin(step.login);
      c.otherLogin(step.login);
      if (step.login === "lead") fx.everyone();
      else for (const f of FOLLOWERS) if (f.login === step.login) fx.disturb(f.account);
      return;
    case "orderPenalty":
      // 3 s is too long for a copy to wait: the orders it hits fail with "penalty" (rejected, so
      // their followers count as disturbed); a login it hits waits the 3 s out.
      c.penaltyTicket(step.count, 3);
      return;
  }
}

/**
 * Fees reach the copier: once at rest, mimik's cash balance for every follower is the broker's
 * (fees, busts and all). Waits for trailing frames of a slow socket; returns violations.
 */
async function cashAgrees(sim: Simulator, instance: MimikInstance): Promise<string[]> {
  const differences = () => {
    const broker = sim.control.records().cashBalances;
    return FOLLOWERS.flatMap((f) => {
      const theirs = broker.find((b) => b.accountName === f.account)?.amount;
      const ours = instance.engine.risk.snapshot(f.account)?.cashBalance;
      return ours === theirs ? [] : [`${f.account}: mimik's cash balance ${ours}, the broker's ${theirs}`];
    });
  };
  try {
    await eventually(() => differences().length === 0, "mimik's cash balances to match the broker's", 5000);
    return [];
  } catch {
    return differences();
  }
}

/**
 * At rest: every login connected, the copier's view of the leader equals the broker's, and no copy
 * is in flight; held for a few polls so trailing frames (a 500 ms slow socket) have landed.
 */
async function settled(
  sim: Simulator,
  instance: MimikInstance,
  busted: readonly FillRecord[],
): Promise<void> {
  const { engine } = instance;
  const still = () => {
    if (![LEADER, ...FOLLOWERS.map((f) => f.account)].every((a) => engine.directory.connected(a)))
      return false;
    const positions = sim.control.records().positions.filter((p) => p.accountName === LEADER);
    for (const p of positions) {
      // A copier that does not act on busts still counts the busted fills; either view is at rest.
      const withBusted =
        p.netPos +
        busted
          .filter((f) => f.symbol === p.contract)
          .reduce((s, f) => s + (f.action === "Buy" ? f.qty : -f.qty), 0);
      const seen = engine.copier.leaderPosition(LEADER, p.contract);
      if (seen !== p.netPos && seen !== withBusted) return false;
    }
    // …and no failed exit still waiting for its next try.
    return (
      FOLLOWERS.every((f) => engine.gateway.inFlight(f.account) === 0) && engine.copier.exitsPending() === 0
    );
  };
  let calm = 0;
  try {
    await eventually(
      () => {
        calm = still() ? calm + 1 : 0;
        return calm >= 10;
      },
      "the engine to come to rest (connected, leader in sync, nothing in flight)",
      // A crash right after a burst leaves the dead instance's requests in ProjectX's 60 s window:
      // the next instance's requests are answered 429 until they age out (seed 72007193).
      90_000,
    );
  } catch (error) {
    // Say what was not at rest, so a seed that times out can be read.
    const away = [LEADER, ...FOLLOWERS.map((f) => f.account)].filter((a) => !engine.directory.connected(a));
    const busy = FOLLOWERS.filter((f) => engine.gateway.inFlight(f.account) !== 0).map((f) => f.account);
    const leader = sim.control.records().positions.filter((p) => p.accountName === LEADER);
    const seen = leader.map(
      (p) => `${p.contract} broker ${p.netPos}, copier ${engine.copier.leaderPosition(LEADER, p.contract)}`,
    );
    throw new Error(
      `${(error as Error).message}: disconnected [${away.join(", ")}], in flight [${busy.join(", ")}], exits pending ${engine.copier.exitsPending()}, leader ${seen.join("; ")}`,
    );
  }
}
