import type { Config, Limits } from "../../data/schema.js";
import { type RiskAccounts, RiskEngine, type RiskEngineDeps } from "../../engine/risk/riskEngine.js";
import { SAME_SYMBOLS } from "../../engine/symbols.js";
import type {
  BrokerAccount,
  BrokerEvent,
  BrokerSession,
  Clock,
  ContractSpec,
  EngineEvent,
  FollowerRiskRecord,
  OrderResult,
  PositionSnapshot,
  RateBudget,
  RiskStateStore,
  RuntimeState,
  WorkingOrder,
} from "../../engine/types.js";

/** Lets pending promise callbacks (saves, gateway replies) run. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

export class FakeClock implements Clock {
  private timers: { id: number; at: number; fn: () => void }[] = [];
  private nextId = 1;
  constructor(public t: number) {}
  now = () => this.t;
  mono = () => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.push({ id, at: this.t + Math.max(0, ms), fn });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };
  pending(): number {
    return this.timers.length;
  }
  /** Move time forward, firing each due timer at its own time and letting promises settle between. */
  async advanceTo(target: number): Promise<void> {
    for (;;) {
      await flush();
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = Math.max(this.t, target);
    await flush();
  }
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.t + ms);
  }
}

/** Shared call log: proves what happened in which order across store and gateway. */
export type CallLog = string[];

export class FakeStore implements RiskStateStore {
  state: RuntimeState = { version: 1, followers: {} };
  saves: { follower: string; record: FollowerRiskRecord }[] = [];
  /** When set, each save waits for this before it is durable. */
  gate: Promise<void> | undefined;
  fail = false;
  constructor(private readonly log: CallLog) {}
  read(): RuntimeState {
    return structuredClone(this.state);
  }
  async saveFollower(follower: string, record: FollowerRiskRecord): Promise<void> {
    this.log.push(`save-start ${follower} ${record.state}`);
    if (this.gate) await this.gate;
    if (this.fail) throw new Error("disk full");
    this.state.followers[follower] = structuredClone(record);
    this.saves.push({ follower, record: structuredClone(record) });
    this.log.push(`saved ${follower} ${record.state}`);
  }
}

export const ES: ContractSpec = { id: "1", name: "ESH6", root: "ES", tickSize: 0.25, pointValue: 50 };
export const NQ: ContractSpec = { id: "2", name: "NQH6", root: "NQ", tickSize: 0.25, pointValue: 20 };

export class FakeSession implements BrokerSession {
  readonly connection = "conn";
  readonly broker = "tradovate";
  readonly symbols = SAME_SYMBOLS;
  readonly listAccounts: BrokerAccount[] = [];
  readonly positionsBy = new Map<number, Map<string, PositionSnapshot>>();
  readonly cash = new Map<number, number>();
  readonly orders = new Map<number, WorkingOrder[]>();
  readonly prices = new Map<string, number>();
  readonly subscriptions: string[] = [];
  readonly contracts = [ES, NQ];
  budget: RateBudget = { left: 5000, limit: 5000, windowMs: 3_600_000, refused: 0 };
  engine: RiskEngine | undefined;

  addAccount(id: number, name: string, cash: number): void {
    this.listAccounts.push({ id, name });
    this.cash.set(id, cash);
    this.positionsBy.set(id, new Map());
  }
  emit(event: BrokerEvent): void {
    this.engine?.onBrokerEvent(event);
  }
  setBalance(accountId: number, amount: number): void {
    this.cash.set(accountId, amount);
    this.emit({ type: "balance", connection: this.connection, accountId, amount, realizedPnL: 0 });
  }
  setPosition(accountId: number, contract: ContractSpec, netPos: number, netPrice: number | undefined): void {
    const position: PositionSnapshot = {
      accountId,
      contractId: contract.id,
      contract: contract.name,
      netPos,
      netPrice,
    };
    this.positionsBy.get(accountId)?.set(contract.id, position);
    this.emit({ type: "position", connection: this.connection, position });
  }
  quote(contract: ContractSpec, price: number): void {
    this.prices.set(contract.id, price);
    this.emit({
      type: "quote",
      connection: this.connection,
      contractId: contract.id,
      contract: contract.name,
      price,
      ts: 0,
    });
  }
  /** The broker closes a position at the current price: realized P&L into cash, position flat. */
  closeAtMarket(accountId: number, contractId: string): void {
    const p = this.positionsBy.get(accountId)?.get(contractId);
    const spec = this.contractById(contractId);
    if (!p || !spec || p.netPos === 0) return;
    const price = this.prices.get(contractId) ?? p.netPrice ?? 0;
    const realized = p.netPos * (price - (p.netPrice ?? price)) * spec.pointValue;
    this.setPosition(accountId, spec, 0, undefined);
    this.setBalance(accountId, (this.cash.get(accountId) ?? 0) + realized);
  }

  start = async () => {};
  stop = async () => {};
  state = () => "connected" as const;
  accounts = () => this.listAccounts;
  contractByName = (name: string) => this.contracts.find((c) => c.name === name);
  contractById = (id: string) => this.contracts.find((c) => c.id === id);
  findContract = async (name: string) => this.contractByName(name);
  positions = (accountId: number) => [...(this.positionsBy.get(accountId)?.values() ?? [])];
  cashBalance = (accountId: number) => {
    const amount = this.cash.get(accountId);
    return amount === undefined ? undefined : { amount, realizedPnL: 0 };
  };
  workingOrders = (accountId: number) => this.orders.get(accountId) ?? [];
  lastPrice = (contractId: string) => this.prices.get(contractId);
  subscribeQuotes = (contract: string) => {
    this.subscriptions.push(contract);
  };
  placeOrder = async (): Promise<OrderResult> => ({ ok: false, failureReason: "not in this fake", ackAt: 0 });
  cancelOrder = async (): Promise<OrderResult> => ({
    ok: false,
    failureReason: "not in this fake",
    ackAt: 0,
  });
  modifyOrder = async (): Promise<OrderResult> => ({
    ok: false,
    failureReason: "not in this fake",
    ackAt: 0,
  });
  liquidatePosition = async (): Promise<OrderResult> => ({
    ok: false,
    failureReason: "not in this fake",
    ackAt: 0,
  });
  rateBudget = () => this.budget;
  on = () => () => {};
}

/**
 * The order gateway as the risk engine sees it. By default the broker accepts and fills at once;
 * `failNext` makes the next n liquidations fail.
 */
export class FakeLiquidator {
  failNext = 0;
  throwNext = 0;
  fillOnAccept = true;
  constructor(
    private readonly session: FakeSession,
    private readonly log: CallLog,
    private readonly clock: FakeClock,
  ) {}
  private accountId(follower: string): number {
    const a = this.session.listAccounts.find((x) => x.name === follower);
    if (!a) throw new Error(`unknown account ${follower}`);
    return a.id;
  }
  cancel = async (follower: string, orderId: number): Promise<OrderResult> => {
    this.log.push(`cancel ${follower} ${orderId}`);
    const id = this.accountId(follower);
    this.session.orders.set(
      id,
      this.session.workingOrders(id).filter((o) => o.orderId !== orderId),
    );
    return { ok: true, orderId, writtenAt: 0, ackAt: 0 };
  };
  liquidate = async (follower: string, contractId: string): Promise<OrderResult> => {
    this.log.push(`liquidate ${follower} ${contractId} @${this.clock.now()}`);
    if (this.throwNext > 0) {
      this.throwNext--;
      throw new Error("socket closed");
    }
    if (this.failNext > 0) {
      this.failNext--;
      return { ok: false, failureReason: "RiskRejected", failureText: "try later", ackAt: 0 };
    }
    if (this.fillOnAccept) this.session.closeAtMarket(this.accountId(follower), contractId);
    return { ok: true, orderId: 99, writtenAt: 0, ackAt: 0 };
  };
}

export function configWith(
  followers: { account: string; limits?: Limits; group?: string }[],
  leader = "LEAD",
): Config {
  const groups = new Map<string, typeof followers>();
  for (const f of followers) groups.set(f.group ?? "g1", [...(groups.get(f.group ?? "g1") ?? []), f]);
  if (groups.size === 0) groups.set("g1", []);
  let n = 0;
  return {
    version: 1,
    connections: [],
    accounts: [],
    groups: [...groups.entries()].map(([name, fs]) => ({
      name,
      active: true,
      leader: n++ === 0 ? leader : `${leader}${n}`,
      whitelist: { enabled: false, symbols: [] },
      followers: fs.map((f) => ({
        account: f.account,
        enabled: true,
        sizing: { mode: "multiplier" as const, value: 1 },
        mapping: "none" as const,
        limits: f.limits ?? {},
      })),
    })),
  };
}

export interface Rig {
  clock: FakeClock;
  store: FakeStore;
  session: FakeSession;
  liquidator: FakeLiquidator;
  engine: RiskEngine;
  events: EngineEvent[];
  log: CallLog;
  /** Followers told ACTIVE again out of a lock (RiskEngineDeps.activeAgain): "F1 flatten stopped". */
  activeAgain: string[];
  /** A config reload as the engine does it: the account directory's roles, then risk. */
  setConfig(config: Config): void;
  /** Build another engine over the same store and session (a restart); setConfig goes to it. */
  restart(): RiskEngine;
}

export function rig(startAt: number, opts: { store?: FakeStore; log?: CallLog } = {}): Rig {
  const log = opts.log ?? [];
  const clock = new FakeClock(startAt);
  const store = opts.store ?? new FakeStore(log);
  const session = new FakeSession();
  const liquidator = new FakeLiquidator(session, log, clock);
  const events: EngineEvent[] = [];
  const activeAgain: string[] = [];
  let leaders = new Set<string>();
  /** The account directory's answers, for the one fake session (ids learnt as accounts are added). */
  const accounts: RiskAccounts = {
    route: (name) => {
      const a = session.listAccounts.find((x) => x.name === name);
      return a ? { session, accountId: a.id } : undefined;
    },
    nameAt: (connection, accountId) =>
      connection === session.connection
        ? session.listAccounts.find((x) => x.id === accountId)?.name
        : undefined,
    isLeader: (name) => leaders.has(name),
  };
  const make = () => {
    const deps: RiskEngineDeps = {
      ...{ clock, store, emit: (e) => events.push(e), accounts, liquidator },
      activeAgain: (name, stopped) => activeAgain.push(`${name}${stopped ? " flatten stopped" : ""}`),
    };
    const engine = new RiskEngine(deps);
    session.engine = engine;
    return engine;
  };
  const engine = make();
  return {
    clock,
    store,
    session,
    liquidator,
    engine,
    events,
    log,
    activeAgain,
    setConfig(config) {
      leaders = new Set(config.groups.map((g) => g.leader));
      (session.engine ?? engine).setConfig(config);
    },
    restart: make,
  };
}

export function statesOf(events: EngineEvent[], follower: string): string[] {
  return events.flatMap((e) =>
    e.type === "followerState" && e.follower === follower
      ? [`${e.state}${e.reason ? `: ${e.reason}` : ""}`]
      : [],
  );
}

export function alertsOf(events: EngineEvent[], follower?: string): string[] {
  return events.flatMap((e) =>
    e.type === "alert" && (!follower || e.follower === follower) ? [e.message] : [],
  );
}

/**
 * A started risk rig: follower F1 (account 11) with 50 000 cash, long `netPos` ES at 5000, and a
 * leader LEAD (account 1), on Monday 12:00 CT.
 */
export async function longF1(
  limits: Parameters<typeof configWith>[0][number]["limits"],
  netPos = 1,
): Promise<Rig> {
  const r = rig(Date.parse("2026-01-12T18:00:00Z"));
  r.session.addAccount(1, "LEAD", 100_000);
  r.session.addAccount(11, "F1", 50_000);
  r.session.prices.set(ES.id, 5000);
  r.session.positionsBy
    .get(11)
    ?.set(ES.id, { accountId: 11, contractId: ES.id, contract: ES.name, netPos, netPrice: 5000 });
  r.setConfig(configWith([{ account: "F1", limits }]));
  await r.engine.start();
  r.session.setBalance(11, 50_000);
  return r;
}
