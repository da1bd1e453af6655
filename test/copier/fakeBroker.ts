import { SAME_SYMBOLS } from "../../engine/symbols.js";
import type {
  BrokerAccount,
  BrokerEvent,
  BrokerSession,
  Clock,
  ConnectionState,
  ContractSpec,
  OrderResult,
  PlaceOrderRequest,
  PositionSnapshot,
  Side,
  WorkingOrder,
} from "../../engine/types.js";

/**
 * A manual clock: time moves only when a test says so. `advance` only moves it; `run` moves it and
 * fires the timers that fall due on the way, each at its own time (pending exits' retries).
 */
export function fakeClock(): Clock & {
  advance(ms: number): void;
  run(ms: number): void;
  timers(): number;
} {
  let now = 1_700_000_000_000;
  let mono = 1000;
  let nextId = 1;
  let timers: { id: number; at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    mono: () => mono,
    setTimeout: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.push({ id, at: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (handle: unknown) => {
      timers = timers.filter((t) => t.id !== handle);
    },
    advance(ms: number) {
      now += ms;
      mono += ms;
    },
    run(ms: number) {
      const target = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        mono += Math.max(0, due.at - now);
        now = Math.max(now, due.at);
        due.fn();
      }
      mono += target - now;
      now = target;
    },
    timers: () => timers.length,
  };
}

export type Unheard = "lost" | "working" | "answerLost" | "timedOut";

interface QueuedOrder {
  session: FakeSession;
  req: PlaceOrderRequest;
  resolve(result: OrderResult): void;
}

/**
 * An in-memory broker behind any number of fake sessions. Orders queue until `flush()`; then
 * each one is acked and filled (fill before ack or after, as `fillBeforeAck` says), and the
 * account's fill and position events go out on its session, in Tradovate's order (fill, position).
 */
export class FakeBroker {
  readonly accounts = new Map<number, { name: string; session: FakeSession }>();
  readonly positions = new Map<string, number>();
  readonly placed: Array<PlaceOrderRequest & { connection: string }> = [];
  readonly cancels: Array<{ connection: string; orderId: number }> = [];
  readonly liquidations: Array<{ connection: string; accountId: number; contractId: string }> = [];
  readonly rejecting = new Set<string>();
  /** Account ids that must never receive an order (leaders): recorded in `placed`, never executed. */
  readonly forbidden = new Set<number>();
  fillBeforeAck = false;
  /**
   * Accounts whose orders go unheard: "lost", accepted and never executed (the rejection that
   * follows never arrives); "working", accepted and left on the broker's book (`working`);
   * "answerLost", executed while the answer is "Disconnected", after the write; "timedOut", left
   * working while the answer is "Timeout" on a live socket (`fillWorking` executes it later).
   */
  readonly unheard = new Map<string, Unheard>();
  readonly working: WorkingOrder[] = [];
  /** Leave the clOrdId off follower fills (the ack then has to match them by order id). */
  hideClOrdId = false;
  /** Report the position before the fill (a reordered batch). */
  positionFirst = false;
  private queue: QueuedOrder[] = [];
  private nextFillId = 10_000;
  private nextOrderId = 50_000;

  constructor(readonly clock: Clock = fakeClock()) {}

  session(connection: string): FakeSession {
    return new FakeSession(this, connection);
  }

  addAccount(session: FakeSession, id: number, name: string): void {
    this.accounts.set(id, { name, session });
    session.accountList.push({ id, name });
  }

  position(accountId: number, contract: string): number {
    return this.positions.get(`${accountId}|${contract}`) ?? 0;
  }

  /**
   * The trader clicks in Tradovate on an account: a fill (and position) with no clOrdId of ours;
   * or, given one, a working order of ours (a mirror's) fills.
   */
  trade(
    accountId: number,
    contract: string,
    side: Side,
    qty: number,
    orderId?: number,
    clOrdId?: string,
  ): number {
    return this.execute(accountId, contract, side, qty, orderId ?? this.nextOrderId++, clOrdId);
  }

  /** The broker gets round to the orders on its book: each fills, with our clOrdId, and leaves it. */
  fillWorking(): void {
    for (const o of this.working.splice(0)) {
      const name = o.contract ?? "";
      this.execute(o.accountId, name, o.side ?? "Buy", o.qty ?? 0, o.orderId, o.clOrdId);
    }
  }

  pending(): number {
    return this.queue.length;
  }

  /** An order of the account ends without filling (more): cancelled by the trader, expired, rejected. */
  ended(accountId: number, orderId: number, contract: string, status = "Canceled", filledQty?: number): void {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`fake broker: no account ${accountId}`);
    const { connection } = account.session;
    const event = { type: "orderStatus", connection, accountId, orderId, status, filledQty } as const;
    account.session.emit({ ...event, contractId: contractId(contract) });
  }

  /** Answer every queued order (and any queued while answering). */
  async flush(): Promise<void> {
    while (this.queue.length > 0) await this.step();
  }

  /** Answer the oldest queued order. */
  async step(): Promise<void> {
    const next = this.queue.shift();
    if (!next) return;
    const { req, session } = next;
    const account = this.accounts.get(req.accountId);
    if (!account || this.rejecting.has(req.accountName)) {
      next.resolve({
        ok: false,
        failureReason: account ? "RiskCheckFailed" : "UnknownAccount",
        failureText: "simulated reject",
        writtenAt: this.clock.mono(),
        ackAt: this.clock.mono(),
      });
      await tick();
      return;
    }
    const orderId = this.nextOrderId++;
    const ack: OrderResult = { ok: true, orderId, writtenAt: this.clock.mono(), ackAt: this.clock.mono() };
    const unheard = this.unheard.get(req.accountName);
    if (unheard === "answerLost") {
      this.execute(req.accountId, req.symbol, req.action, req.qty, orderId, req.clOrdId);
      const at = this.clock.mono();
      next.resolve({
        ok: false,
        failureReason: "Disconnected",
        failureText: "socket closed",
        writtenAt: at,
        ackAt: at,
      });
      await tick();
      return;
    }
    if (unheard === "timedOut") {
      this.working.push(workingOrder(req, orderId));
      const at = this.clock.mono();
      next.resolve({ ok: false, failureReason: "Timeout", writtenAt: at, ackAt: at });
      await tick();
      return;
    }
    if (unheard) {
      if (unheard === "working") this.working.push(workingOrder(req, orderId));
      next.resolve(ack);
      await tick();
      return;
    }
    if (this.fillBeforeAck) {
      this.execute(req.accountId, req.symbol, req.action, req.qty, orderId, req.clOrdId);
      next.resolve(ack);
      await tick();
    } else {
      next.resolve(ack);
      await tick();
      this.execute(req.accountId, req.symbol, req.action, req.qty, orderId, req.clOrdId);
    }
    void session;
  }

  enqueue(session: FakeSession, req: PlaceOrderRequest): Promise<OrderResult> {
    this.placed.push({ ...req, connection: session.connection });
    if (this.forbidden.has(req.accountId)) {
      // Recorded for the test to fail on; never executed (it would feed back as a leader fill).
      return Promise.resolve({ ok: false, failureReason: "ForbiddenAccount", ackAt: this.clock.mono() });
    }
    return new Promise((resolve) => this.queue.push({ session, req, resolve }));
  }

  private execute(
    accountId: number,
    contract: string,
    side: Side,
    qty: number,
    orderId: number,
    clOrdId: string | undefined,
  ): number {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`fake broker: no account ${accountId}`);
    const key = `${accountId}|${contract}`;
    const netPos = (this.positions.get(key) ?? 0) + (side === "Buy" ? qty : -qty);
    this.positions.set(key, netPos);
    const fillId = this.nextFillId++;
    const { session } = account;
    const fill = (): void =>
      session.emit({
        type: "fill",
        connection: session.connection,
        accountId,
        fillId,
        orderId,
        contractId: contractId(contract),
        contract,
        side,
        qty,
        price: 100,
        ts: this.clock.now(),
        receivedAt: this.clock.mono(),
        clOrdId: this.hideClOrdId ? undefined : clOrdId,
      });
    const position = (): void =>
      session.emit({
        type: "position",
        connection: session.connection,
        position: {
          accountId,
          contractId: contractId(contract),
          contract,
          netPos,
          netPrice: netPos ? 100 : undefined,
        },
      });
    if (this.positionFirst) {
      position();
      fill();
    } else {
      fill();
      position();
    }
    return fillId;
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function workingOrder(req: PlaceOrderRequest, orderId: number): WorkingOrder {
  return {
    orderId,
    accountId: req.accountId,
    contractId: contractId(req.symbol),
    contract: req.symbol,
    side: req.action,
    orderType: "Market",
    qty: req.qty,
    filledQty: 0,
    status: "Working",
    clOrdId: req.clOrdId,
  };
}

/** Names by the ids `contractId` gave them, so a session can look a contract up by its id. */
const namesById = new Map<string, string>();

export function contractId(name: string): string {
  let h = 7;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000;
  namesById.set(String(h), name);
  return String(h);
}

export class FakeSession implements BrokerSession {
  readonly broker = "tradovate";
  readonly symbols = SAME_SYMBOLS;
  readonly accountList: BrokerAccount[] = [];
  connectionState: ConnectionState = "connected";
  /** While true, events are lost (the socket is down). */
  muted = false;
  /** Accounts the login cannot read, and why: left out of its syncs (BrokerSession.unreadable). */
  readonly unreadableIds = new Map<number, string>();
  private readonly listeners = new Set<(event: BrokerEvent) => void>();

  constructor(
    private readonly fake: FakeBroker,
    readonly connection: string,
  ) {}

  emit(event: BrokerEvent): void {
    if (this.muted) return;
    for (const listener of this.listeners) listener(event);
  }

  /** Emit a sync snapshot of this session's accounts as the broker sees them now. */
  sync(initial: boolean, fillIds: number[] = []): void {
    this.emit({
      type: "sync",
      connection: this.connection,
      initial,
      accounts: this.accountList.filter((a) => !this.unreadableIds.has(a.id)),
      positions: this.accountList
        .filter((a) => !this.unreadableIds.has(a.id))
        .flatMap((a) => this.positions(a.id)),
      fillIds,
    });
  }

  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  state(): ConnectionState {
    return this.connectionState;
  }
  unreadable(accountId: number): string | undefined {
    return this.unreadableIds.get(accountId);
  }
  accounts(): BrokerAccount[] {
    return [...this.accountList];
  }
  contractByName(name: string): ContractSpec | undefined {
    return { id: contractId(name), name, root: name.slice(0, -2), tickSize: 0.25, pointValue: 50 };
  }
  contractById(id: string): ContractSpec | undefined {
    const name = namesById.get(id);
    return name === undefined ? undefined : this.contractByName(name);
  }
  findContract(name: string): Promise<ContractSpec | undefined> {
    return Promise.resolve(this.contractByName(name));
  }
  positions(accountId: number): PositionSnapshot[] {
    const out: PositionSnapshot[] = [];
    for (const [key, netPos] of this.fake.positions) {
      const [id, contract] = key.split("|");
      if (Number(id) === accountId && contract) {
        out.push({ accountId, contractId: contractId(contract), contract, netPos, netPrice: undefined });
      }
    }
    return out;
  }
  cashBalance(): { amount: number; realizedPnL: number } | undefined {
    return undefined;
  }
  workingOrders(accountId: number): WorkingOrder[] {
    return this.fake.working.filter((o) => o.accountId === accountId);
  }
  lastPrice(): number | undefined {
    return undefined;
  }
  subscribeQuotes(): void {}
  placeOrder(req: PlaceOrderRequest): Promise<OrderResult> {
    return this.fake.enqueue(this, req);
  }
  cancelOrder(orderId: number): Promise<OrderResult> {
    this.fake.cancels.push({ connection: this.connection, orderId });
    return Promise.resolve({ ok: true, orderId, writtenAt: 0, ackAt: 0 });
  }
  /** The copier never modifies; the port requires it (issue 14's mirror does). */
  modifyOrder(req: { orderId: number }): Promise<OrderResult> {
    return Promise.resolve({
      ok: false,
      failureReason: "not in this fake",
      ackAt: 0,
      failureText: `modify ${req.orderId}`,
    });
  }
  liquidatePosition(accountId: number, contractId: string): Promise<OrderResult> {
    this.fake.liquidations.push({ connection: this.connection, accountId, contractId });
    return Promise.resolve({ ok: true, orderId: 0, writtenAt: 0, ackAt: 0 });
  }
  rateBudget() {
    return { left: 5000, limit: 5000, windowMs: 3_600_000, refused: 0 };
  }
  on(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
