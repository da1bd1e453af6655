/**
 * The real engine and client against the real simulator, set up for the mirror's rows: the leader
 * DEMO1000 and three followers (DEMO2001 ×0.5, DEMO2002 2 fixed mapped to micros, DEMO2003 ×1),
 * prices pinned, and what the broker's records say about working orders and positions.
 */
import { expect } from "vitest";
import type { Config, Group } from "../../data/schema.js";
import type { SimOptions } from "../../engine/sim/index.js";
import type { OrderRecord } from "../../engine/sim/records.js";
import {
  crossBrokerConfig,
  eventually,
  follower,
  position,
  type Rig,
  simConfig,
  startRig,
} from "../support/rig.js";

export const LEADER = "DEMO1000";
export const PX_FOLLOWER = "TSX5001";
export const FOLLOWERS = ["DEMO2001", "DEMO2002", "DEMO2003"] as const;
/** Each follower's contract for the leader's ESZ6. */
export const ES_OF: Record<string, string> = {
  DEMO1000: "ESZ6",
  DEMO2001: "ESZ6",
  DEMO2002: "MESZ6",
  DEMO2003: "ESZ6",
};

export async function mirrorRig(group: Partial<Group>, sim: SimOptions = {}): Promise<Rig> {
  const rig = await startRig(simConfig(group), { sim });
  setPrice(rig, 6800);
  await eventually(
    () => [LEADER, ...FOLLOWERS].every((a) => rig.engine.directory.connected(a)),
    "every account to sync",
  );
  return rig;
}

/** ES and MES move together. */
export function setPrice(rig: Rig, price: number): void {
  rig.sim.control.setPrice("ES", price);
  rig.sim.control.setPrice("MES", price);
}

export function working(rig: Rig, account: string): OrderRecord[] {
  return rig.sim.control.records().workingOrders.filter((o) => o.accountName === account);
}

export function pos(rig: Rig, account: string): number {
  return position(rig.sim, account, ES_OF[account]!);
}

/** The leader's protective stop for its long 1 ESZ6: sell 1 at `stopPrice`. */
export function leaderStop(rig: Rig, stopPrice: number): void {
  rig.sim.control.placeOrder(LEADER, {
    symbol: "ESZ6",
    action: "Sell",
    qty: 1,
    orderType: "Stop",
    stopPrice,
  });
}

/**
 * After each test: the invariants every mirror test keeps, read on the simulator's book (nothing
 * automated on the leader, no follower exit beyond its position), then the rig closed.
 */
export async function closeChecked(rig: Rig | undefined): Promise<void> {
  if (!rig) return;
  try {
    expect(automatedOnLeader(rig)).toEqual([]);
    expect(exitsBeyondPosition(rig)).toEqual([]);
  } finally {
    await rig.close();
  }
}

/** The leader's orders that a program placed: mimik must never place one. */
export function automatedOnLeader(rig: Rig): OrderRecord[] {
  return rig.sim.control.records().orders.filter((o) => o.accountName === LEADER && o.isAutomated);
}

/**
 * Working orders that would close more than the account holds: for every account and contract,
 * the orders on the side opposite the position (an OCO pair counted once) must add up to at most
 * the position, and a flat account may have none that mimik placed as exits. Returns what breaks it.
 */
export function exitsBeyondPosition(rig: Rig, accounts: readonly string[] = FOLLOWERS): string[] {
  const records = rig.sim.control.records();
  const wrong: string[] = [];
  for (const account of accounts) {
    const orders = records.workingOrders.filter((o) => o.accountName === account && o.status === "Working");
    for (const contract of new Set(orders.map((o) => o.symbol))) {
      const netPos = position(rig.sim, account, contract);
      const closing = orders.filter(
        (o) => o.symbol === contract && netPos !== 0 && (o.action === "Buy" ? 1 : -1) === -Math.sign(netPos),
      );
      const counted = new Set<number>();
      let total = 0;
      for (const o of closing) {
        if (counted.has(o.orderId!)) continue;
        counted.add(o.orderId!);
        const partner = closing.find((p) => p.orderId === o.linkedId);
        if (partner) counted.add(partner.orderId!);
        total += Math.max(o.qty - o.filledQty, partner ? partner.qty - partner.filledQty : 0);
      }
      if (total > Math.abs(netPos)) wrong.push(`${account} ${contract}: exits ${total} > position ${netPos}`);
    }
  }
  return wrong;
}

/** Polls until every follower's working orders satisfy `check` (then returns them). */
export function eventuallyWorking(
  rig: Rig,
  check: (byAccount: Record<string, OrderRecord[]>) => boolean,
  what: string,
): Promise<Record<string, OrderRecord[]>> {
  return eventually(() => {
    const by = Object.fromEntries(FOLLOWERS.map((f) => [f, working(rig, f)]));
    return check(by) ? by : undefined;
  }, what);
}

/**
 * The leader's OCO on its long 2 (stop 6790, target 6820), mirrored as a pair on every follower;
 * its stop leg's order id.
 */
export async function leaderOco(rig: Rig): Promise<{ orderId: number }> {
  const oco = rig.sim.control.placeOco(
    LEADER,
    { symbol: "ESZ6", action: "Sell", qty: 2, orderType: "Stop", stopPrice: 6790 },
    { orderType: "Limit", price: 6820 },
  );
  if (!("ocoId" in oco)) throw new Error("refused");
  await eventuallyWorking(rig, (by) => FOLLOWERS.every((f) => by[f]!.length === 2), "an OCO each");
  return oco;
}

/** Lets whatever is in flight land (for asserting that something did NOT happen). */
export const quiet = (ms = 300) => new Promise((r) => setTimeout(r, ms));

/** A Tradovate leader (DEMO1000) with one ProjectX follower, TSX5001 (group X, ×1). */
export const pxFollowerConfig = (group: Partial<Group>): Config =>
  crossBrokerConfig(
    { [LEADER]: "sim", [PX_FOLLOWER]: "px" },
    { name: "X", leader: LEADER, followers: [follower(PX_FOLLOWER)], ...group },
  );

/**
 * The leader's Buy Limit 1 ESZ6 at 6790 mirrored to every follower, then filled; DEMO2002 (2
 * fixed, micros) fills one contract per price event, so its mirror is left half in. Returns the
 * leader's order id.
 */
export async function leaderFilledFollowerNot(r: Rig): Promise<number> {
  r.sim.control.setDepth("MES", 1);
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
  await eventually(() => pos(r, LEADER) === 1 && pos(r, "DEMO2002") === 1, "the leader in, DEMO2002 half in");
  return placed.orderId;
}
