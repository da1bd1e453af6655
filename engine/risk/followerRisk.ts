import type { Limits } from "../../data/schema.js";
import type { BrokerSession, FollowerRiskRecord, FollowerState } from "../types.js";
import type { PricedPosition } from "./netLiq.js";
import { SaveQueue } from "./saveQueue.js";

/** What the copier asks on its hot path. Replaced (never mutated) when anything in it changes. */
export interface RiskGate {
  readonly state: FollowerState;
  /** Tradovate itself has the account locked or liquidation-only: openings would be rejected. */
  readonly brokerLocked: boolean;
  /** Opening copies left today under maxTradesPerDay; undefined when there is no such limit. */
  readonly tradesLeft?: number | undefined;
}

export interface AccountRoute {
  session: BrokerSession;
  accountId: number;
}

export interface HeldPosition extends PricedPosition {
  contractId: number;
  contract: string;
  /** A findContract lookup for the point value has been started. */
  pointValueAsked: boolean;
}

export interface BrokerRisk {
  locked: boolean;
  liquidateOnly: boolean;
  adminAction: string;
}

/** One follower's live risk state inside the engine. Plain data; RiskEngine owns the logic. */
export class FollowerRisk {
  name: string;
  group: string | undefined;
  limits: Limits = {};
  /** limits minus the daily ones while a forced unlock waives them until the roll. */
  effectiveLimits: Limits = {};
  /** In the current config as a follower (and a leader nowhere): the only accounts ever targeted. */
  configured = false;
  record: FollowerRiskRecord = { state: "ACTIVE" };
  cash: number | undefined;
  netLiq: number | undefined;
  readonly positions = new Map<number, HeldPosition>();
  route: AccountRoute | undefined;
  broker: BrokerRisk = { locked: false, liquidateOnly: false, adminAction: "Normal" };
  /** Trading day on which a forced unlock waived the daily loss limit and profit target. */
  waivedDay: string | undefined;
  gate: RiskGate = { state: "ACTIVE", brokerLocked: false };
  shown: { state: FollowerState; reason: string | undefined } = { state: "ACTIVE", reason: undefined };
  lastSnapshotAt = Number.NEGATIVE_INFINITY;
  snapshotTimer: unknown;
  tradesAlerted = false;
  readonly flatten = { attempt: 0, inFlight: false, timer: undefined as unknown };
  readonly saves: SaveQueue;

  constructor(name: string, write: (follower: FollowerRisk) => Promise<void>) {
    this.name = name;
    this.saves = new SaveQueue(() => write(this));
  }

  isFlat(): boolean {
    for (const p of this.positions.values()) if (p.netPos !== 0) return false;
    return true;
  }

  openPositions(): HeldPosition[] {
    const open: HeldPosition[] = [];
    for (const p of this.positions.values()) if (p.netPos !== 0) open.push(p);
    return open;
  }
}
