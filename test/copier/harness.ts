import type { Config, Follower, Group } from "../../data/schema.js";
import { AccountDirectory } from "../../engine/accounts/directory.js";
import type { ActedOnStore } from "../../engine/copier/actedOn.js";
import type { CopierAccounts, FollowerGate } from "../../engine/copier/copier.js";
import { Copier } from "../../engine/copier/copier.js";
import { OrderGateway } from "../../engine/orders/gateway.js";
import type { ActedOnRecord, CopyEvent, EngineEvent, FillLedger, Side } from "../../engine/types.js";
import { FakeBroker, type FakeSession, fakeClock } from "./fakeBroker.js";

export interface FollowerSpec extends Partial<Follower> {
  account: string;
}
export interface GroupSpec {
  name: string;
  leader: string;
  active?: boolean;
  reconcile?: Group["reconcile"];
  whitelist?: Group["whitelist"];
  copy?: Group["copy"];
  followers: FollowerSpec[];
}

/** Group "g": leader L, followers A (×1) and B (×0.5); `patch` changes what a test needs. */
export const groupLAB = (patch: Partial<GroupSpec> = {}): GroupSpec => ({
  name: "g",
  leader: "L",
  followers: [{ account: "A" }, { account: "B", sizing: { mode: "multiplier", value: 0.5 } }],
  ...patch,
});

export function buildConfig(groups: GroupSpec[]): Config {
  const names = groups.flatMap((g) => [g.leader, ...g.followers.map((f) => f.account)]);
  return {
    version: 1,
    connections: names.map((n) => ({
      name: `c-${n}`,
      env: "sim" as const,
      username: n,
      password: { env: "X" },
      appId: "mimik",
      appVersion: "0.1.0",
    })),
    accounts: names.map((n) => ({ name: n, connection: `c-${n}` })),
    groups: groups.map((g) => ({
      name: g.name,
      active: g.active ?? true,
      leader: g.leader,
      whitelist: g.whitelist ?? { enabled: false, symbols: [] },
      ...(g.reconcile === undefined ? {} : { reconcile: g.reconcile }),
      ...(g.copy === undefined ? {} : { copy: g.copy }),
      followers: g.followers.map((f) => ({
        enabled: true,
        sizing: { mode: "multiplier", value: 1 },
        mapping: "none",
        limits: {},
        ...f,
      })),
    })),
  };
}

export class MemoryLedger implements FillLedger {
  readonly keys = new Set<string>();
  has(key: string): boolean {
    return this.keys.has(key);
  }
  add(key: string): void {
    this.keys.add(key);
  }
}

/** The runtime state file's actedOn, in memory: what a restart reads back. */
export class MemoryActedStore implements ActedOnStore {
  records: Record<string, ActedOnRecord> = {};
  read(): Record<string, ActedOnRecord> {
    return structuredClone(this.records);
  }
  async save(records: Record<string, ActedOnRecord | undefined>): Promise<void> {
    for (const [name, record] of Object.entries(records)) {
      if (record === undefined) delete this.records[name];
      else this.records[name] = structuredClone(record);
    }
  }
}

/**
 * A copier wired to a fake broker and the real account directory (as the engine wires them): one
 * connection per account, ids from 1 in config order, each learnt from its login's sync.
 * `unsynced`: accounts whose login has not synced yet at the start (a test syncs it: `session(name).sync`).
 */
export function world(
  groups: GroupSpec[],
  /** `nowStep`: each look at the copier's clock reads that many ms later, as a real clock moves during a fan-out. */
  options: { unsynced?: readonly string[]; nowStep?: number } = {},
) {
  const clock = fakeClock();
  const broker = new FakeBroker(clock);
  let config = buildConfig(groups);
  const sessions = new Map<string, FakeSession>();
  const ids = new Map<string, number>();
  config.accounts.forEach((a, i) => {
    const session = broker.session(a.connection);
    sessions.set(a.name, session);
    ids.set(a.name, i + 1);
    broker.addAccount(session, i + 1, a.name);
  });
  const events: EngineEvent[] = [];
  const risk = new Map<string, FollowerGate>();
  const down = new Set<string>();
  const ledger = new MemoryLedger();
  const openings: Array<[string, number | undefined]> = [];
  /** Broken wiring on purpose: resolve one account's name to another account. */
  const misroute = new Map<string, string>();
  const directory = new AccountDirectory();
  directory.setConfig(config);
  const accounts: CopierAccounts = {
    nameAt: (connection, accountId) => directory.nameAt(connection, accountId),
    role: (name) => directory.role(name),
    isLeader: (name) => directory.isLeader(name),
    route: (asked) => directory.route(misroute.get(asked) ?? asked),
    connected: (name) => !down.has(name),
  };
  const gateway = new OrderGateway({ clock, emit: (e) => events.push(e), leaders: directory });
  const actedStore = new MemoryActedStore();
  let alive = { on: true };
  const makeCopier = () => {
    // Each run of mimik has its own timers: a killed one's never fire again.
    const run = { on: true };
    alive = run;
    let drift = 0;
    const step = options.nowStep;
    const own = {
      ...clock,
      now: step
        ? () => {
            drift += step;
            return clock.now() + drift;
          }
        : clock.now,
      setTimeout: (fn: () => void, ms: number) => clock.setTimeout(() => run.on && fn(), ms),
    };
    const made = new Copier({
      clock: own,
      emit: (e) => events.push(e),
      gateway,
      accounts,
      gate: (name) => risk.get(name) ?? { state: "ACTIVE" },
      ledger,
      onOpeningCopied: (follower, orderId) => openings.push([follower, orderId]),
      actedStore,
    });
    made.start();
    return made;
  };
  let copier = makeCopier();
  let offs: Array<() => void> = [];
  const attach = () => {
    offs = [...sessions.values()].map((session) =>
      session.on((e) => {
        if (e.type === "sync") directory.learn(session, e.accounts);
        copier.onBrokerEvent(e);
      }),
    );
  };
  attach();
  for (const [name, session] of sessions) if (!options.unsynced?.includes(name)) session.sync(true);

  const id = (name: string) => {
    const value = ids.get(name);
    if (value === undefined) throw new Error(`no account ${name}`);
    return value;
  };
  const session = (name: string) => {
    const value = sessions.get(name);
    if (!value) throw new Error(`no account ${name}`);
    return value;
  };

  return {
    clock,
    broker,
    gateway,
    directory,
    accounts,
    get copier() {
      return copier;
    },
    actedStore,
    events,
    risk,
    down,
    ledger,
    openings,
    misroute,
    id,
    session,
    get config() {
      return config;
    },
    setConfig(next: Config) {
      config = next;
      directory.setConfig(next);
    },
    /** A leader (or manual) trade at the broker; its fill reaches the copier at once. */
    trade(account: string, contract: string, side: Side, qty: number, orderId?: number): number {
      return broker.trade(id(account), contract, side, qty, orderId);
    },
    position(account: string, contract: string): number {
      return broker.position(id(account), contract);
    },
    copies(filter: Partial<CopyEvent> = {}): CopyEvent[] {
      return events.filter(
        (e): e is CopyEvent =>
          e.type === "copy" &&
          Object.entries(filter).every(([k, v]) => (e as unknown as Record<string, unknown>)[k] === v),
      );
    },
    flush: () => broker.flush(),
    /**
     * mimik stops (orderly: what followers acted on is written) or is killed (`kill`: nothing more
     * is written), and starts again: a new copier from the same files, every login syncs afresh.
     * Orders still at the broker are answered to no one.
     */
    async restart(options: { kill?: boolean; whileDown?: () => void } = {}) {
      const old = copier;
      for (const off of offs) off();
      if (!options.kill) await old.stop();
      alive.on = false;
      options.whileDown?.();
      copier = makeCopier();
      attach();
      for (const session of sessions.values()) session.sync(true);
    },
  };
}

/**
 * A follows L (×1) into +2 ESZ6; then L closes while A's close times out on a live socket and
 * stays working at the broker (`broker.fillWorking()` fills it later). `placed`: the orders by then.
 */
export async function timedOutClose() {
  const w = world([{ name: "g", leader: "L", followers: [{ account: "A" }] }]);
  w.trade("L", "ESZ6", "Buy", 2);
  await w.flush();
  w.broker.unheard.set("A", "timedOut");
  w.trade("L", "ESZ6", "Sell", 2);
  await w.flush();
  w.broker.unheard.delete("A");
  return { w, placed: w.broker.placed.length };
}
