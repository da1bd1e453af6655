/**
 * A small in-memory broker for the mirror's coordinator tests: one session, accounts with open
 * orders and positions, order requests answered when the test says (or at once), every change
 * emitted as OrderUpdate/Position events. A leader's orders are made by the test directly. Time
 * is a manual clock whose timers run when the test advances it; the mirror's deferred work runs
 * when the test drains it.
 */
import type { Config } from "../../data/schema.js";
import { AccountDirectory } from "../../engine/accounts/directory.js";
import type { FollowerGate } from "../../engine/copier/ports.js";
import { Mirror } from "../../engine/mirror/mirror.js";
import { OrderGateway } from "../../engine/orders/gateway.js";
import { SAME_SYMBOLS } from "../../engine/symbols.js";
import type {
  BrokerEvent,
  BrokerKind,
  BrokerSession,
  Clock,
  EngineEvent,
  ModifyOrderRequest,
  OrderResult,
  PlaceOcoRequest,
  PlaceOrderRequest,
  PositionSnapshot,
  WorkingOrder,
} from "../../engine/types.js";
import { buildConfig } from "../copier/harness.js";

export class ManualClock implements Clock {
  private t = 1_800_000_000_000;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private seq = 0;
  now = () => this.t;
  mono = () => this.t - 1_799_999_000_000;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== h);
  };
  /** Timers set and not yet run or cleared. */
  get pending(): number {
    return this.timers.length;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

type Failure = Omit<Extract<OrderResult, { ok: false }>, "ok" | "ackAt">;

export interface Sent {
  kind: "place" | "oco" | "modify" | "cancel";
  accountId: number;
  body: PlaceOrderRequest | PlaceOcoRequest | ModifyOrderRequest | { orderId: number };
}

export class FakeVenue implements BrokerSession {
  readonly connection = "fake";
  /** ProjectX's answers and events differ in what they say of a refused cancel (cancelRefusals.ts). */
  broker: BrokerKind = "tradovate";
  readonly symbols = SAME_SYMBOLS;
  readonly sent: Sent[] = [];
  private readonly orders = new Map<number, WorkingOrder>();
  private readonly netPos = new Map<string, number>();
  private readonly listeners = new Set<(e: BrokerEvent) => void>();
  private nextId = 1000;
  /** Answers held back (`hold = true`) until `answer()`. */
  hold = false;
  private held: Array<{ go: () => void; sent: Sent | undefined }> = [];
  /** The broker's answer to the next requests, instead of accepting them. */
  failNext: Array<Failure> = [];
  /** The broker's answer to a placement it refuses (a target it will not take, say); undefined: taken. */
  refuse: (req: PlaceOrderRequest) => Failure | undefined = () => undefined;
  readonly placeOco?: (req: PlaceOcoRequest) => Promise<OrderResult>;

  constructor(
    private readonly clock: ManualClock,
    readonly accountList: Array<{ id: number; name: string }>,
    nativeOco = true,
  ) {
    if (nativeOco) this.placeOco = (req) => this.oco(req);
  }

  // -- what the test does as the trader and the market
  leaderOrder(
    accountId: number,
    o: Partial<WorkingOrder> & Pick<WorkingOrder, "side" | "orderType" | "qty">,
  ): number {
    const orderId = this.nextId++;
    this.put({
      orderId,
      accountId,
      contractId: "1",
      contract: "ESZ6",
      status: "Working",
      filledQty: 0,
      placedAt: this.clock.now(),
      ...o,
    });
    return orderId;
  }
  change(orderId: number, patch: Partial<WorkingOrder>): void {
    this.put({ ...this.orders.get(orderId)!, ...patch });
  }
  setPosition(accountId: number, contract: string, netPos: number): void {
    this.netPos.set(`${accountId}|${contract}`, netPos);
    this.emit({
      type: "position",
      connection: this.connection,
      position: { accountId, contractId: "1", contract, netPos, netPrice: undefined },
    });
  }
  /** A working order fills `qty` more (its position moves with it). */
  fill(orderId: number, qty: number): void {
    const o = this.orders.get(orderId)!;
    const filledQty = (o.filledQty ?? 0) + qty;
    this.put({ ...o, filledQty, status: filledQty >= o.qty! ? "Filled" : "Working" });
    const key = `${o.accountId}|${o.contract}`;
    this.setPosition(o.accountId, o.contract!, (this.netPos.get(key) ?? 0) + (o.side === "Buy" ? qty : -qty));
    if (filledQty >= o.qty! && o.ocoWith !== undefined) {
      const partner = this.orders.get(o.ocoWith);
      if (partner && partner.status === "Working") this.put({ ...partner, status: "Canceled" });
    }
  }
  open(accountId: number): WorkingOrder[] {
    return [...this.orders.values()].filter((o) => o.accountId === accountId && o.status === "Working");
  }
  answer(): void {
    const held = this.held;
    this.held = [];
    for (const h of held) h.go();
  }
  /** Answers only the oldest held request that `which` picks (the others stay held). */
  answerOldest(which: (s: Sent) => boolean): void {
    const i = this.held.findIndex((h) => h.sent !== undefined && which(h.sent));
    if (i < 0) throw new Error("no such request held");
    const [h] = this.held.splice(i, 1);
    h!.go();
  }

  // -- BrokerSession
  start = async () => {};
  stop = async () => {};
  state = () => "connected" as const;
  accounts = () => this.accountList;
  contractByName = () => undefined;
  contractById = () => undefined;
  findContract = async () => undefined;
  positions = (accountId: number): PositionSnapshot[] =>
    [...this.netPos].flatMap(([k, netPos]) => {
      const [id, contract] = k.split("|");
      return Number(id) === accountId
        ? [{ accountId, contractId: "1", contract: contract!, netPos, netPrice: undefined }]
        : [];
    });
  cashBalance = () => undefined;
  workingOrders = (accountId: number) => this.open(accountId).map((o) => ({ ...o }));
  lastPrice = () => undefined;
  subscribeQuotes = () => {};
  rateBudget = () => ({ left: 5000, limit: 5000, windowMs: 3_600_000, refused: 0 });
  liquidatePosition = async (): Promise<OrderResult> => ({ ok: false, failureReason: "not here", ackAt: 0 });
  on(listener: (e: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  placeOrder(req: PlaceOrderRequest): Promise<OrderResult> {
    this.sent.push({ kind: "place", accountId: req.accountId, body: req });
    return this.reply(() => [this.create(req.accountId, req, req.clOrdId)], this.refuse(req));
  }
  private oco(req: PlaceOcoRequest): Promise<OrderResult> {
    this.sent.push({ kind: "oco", accountId: req.accountId, body: req });
    return this.reply(() => {
      const a = this.create(req.accountId, req, req.clOrdId);
      const { price, stopPrice, orderType, action } = req.other;
      const b = this.create(
        req.accountId,
        { ...req, action, orderType, price, stopPrice },
        req.other.clOrdId,
      );
      this.put({ ...this.orders.get(a)!, ocoWith: b });
      this.put({ ...this.orders.get(b)!, ocoWith: a });
      return [a, b];
    });
  }
  modifyOrder(req: ModifyOrderRequest): Promise<OrderResult> {
    this.sent.push({ kind: "modify", accountId: req.accountId, body: req });
    return this.reply(() => {
      const o = this.orders.get(req.orderId)!;
      this.put({ ...o, qty: req.qty, orderType: req.orderType, price: req.price, stopPrice: req.stopPrice });
      return [req.orderId];
    });
  }
  cancelOrder(orderId: number): Promise<OrderResult> {
    this.sent.push({
      kind: "cancel",
      accountId: this.orders.get(orderId)?.accountId ?? 0,
      body: { orderId },
    });
    return this.reply(() => {
      const o = this.orders.get(orderId)!;
      this.put({ ...o, status: "Canceled" });
      return [orderId];
    });
  }

  private reply(act: () => number[], refused?: Failure): Promise<OrderResult> {
    const failure = this.failNext.shift() ?? refused;
    return new Promise((resolve) => {
      const go = () => {
        if (failure) {
          resolve({ ok: false, ...failure, ackAt: this.clock.mono() });
          return;
        }
        const [orderId, other] = act();
        resolve({
          ok: true,
          orderId: orderId!,
          otherOrderId: other,
          writtenAt: this.clock.mono(),
          ackAt: this.clock.mono(),
        });
      };
      if (this.hold) this.held.push({ go, sent: this.sent.at(-1) });
      else go();
    });
  }
  private create(accountId: number, req: PlaceOrderRequest, clOrdId: string): number {
    const orderId = this.nextId++;
    this.put({
      orderId,
      accountId,
      contractId: "1",
      contract: req.symbol,
      side: req.action,
      orderType: req.orderType ?? "Market",
      qty: req.qty,
      filledQty: 0,
      price: req.price,
      stopPrice: req.stopPrice,
      timeInForce: req.timeInForce ?? "Day",
      status: "Working",
      clOrdId,
      placedAt: this.clock.now(),
    });
    return orderId;
  }
  private put(o: WorkingOrder): void {
    this.orders.set(o.orderId, o);
    this.emit({ type: "orderUpdate", connection: this.connection, order: { ...o } });
  }
  /** Events held back (`mute = true`) until `unmute()`: a hub slower than the answers. */
  mute = false;
  private muted: BrokerEvent[] = [];
  unmute(): void {
    this.mute = false;
    for (const e of this.muted.splice(0)) this.emit(e);
  }
  emit(e: BrokerEvent): void {
    if (this.mute) {
      this.muted.push(e);
      return;
    }
    for (const l of this.listeners) l(e);
  }
}

/** A mirror wired to a fake venue: leader L (id 1), followers F1 (id 2, ×1) and F2 (id 3, ×0.5). */
export function mirrorWorld(group: Partial<Config["groups"][number]>, opts: { nativeOco?: boolean } = {}) {
  const clock = new ManualClock();
  const config = buildConfig([
    {
      name: "G",
      leader: "L",
      followers: [{ account: "F1" }, { account: "F2", sizing: { mode: "multiplier", value: 0.5 } }],
    },
  ]);
  config.groups[0] = { ...config.groups[0]!, ...group };
  for (const a of config.accounts) a.connection = "fake";
  const venue = new FakeVenue(
    clock,
    [
      { id: 1, name: "L" },
      { id: 2, name: "F1" },
      { id: 3, name: "F2" },
    ],
    opts.nativeOco ?? true,
  );
  const directory = new AccountDirectory();
  directory.setConfig(config);
  directory.learn(venue, venue.accountList);
  const events: EngineEvent[] = [];
  const gates = new Map<string, FollowerGate>();
  const deferred: Array<() => void> = [];
  /** The copier's view of a follower's position with its copies in flight (absent: the broker's). */
  const expected = new Map<string, number>();
  /** What the mirror told the copier of cancels over ("F1 ESZ6": an exit waiting may go). */
  const cancelEnded: string[] = [];
  const gateway = new OrderGateway({ clock, emit: (e) => events.push(e), leaders: directory });
  const make = () =>
    new Mirror({
      clock,
      emit: (e) => events.push(e),
      gateway,
      accounts: directory,
      gate: (f) => gates.get(f) ?? { state: "ACTIVE" },
      expectedPosition: (f, contract) =>
        expected.get(f) ??
        venue.positions(venue.accountList.find((a) => a.name === f)!.id).find((p) => p.contract === contract)
          ?.netPos ??
        0,
      defer: (work) => deferred.push(work),
      cancelEnded: (f, contract) => cancelEnded.push(`${f} ${contract}`),
    });
  let mirror = make();
  venue.on((e) => mirror.onBrokerEvent(e));
  mirror.setConfig(config);
  /** Runs the mirror's deferred work and lets broker answers land, until nothing is left. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) {
      while (deferred.length > 0) deferred.shift()!();
      await new Promise((r) => setImmediate(r));
      if (deferred.length === 0) return;
    }
  };
  return {
    clock,
    venue,
    config,
    directory,
    events,
    gates,
    expected,
    cancelEnded,
    settle,
    get mirror() {
      return mirror;
    },
    /** A new mirror over the same broker: what a restart starts from. */
    restart() {
      mirror.stop();
      mirror = make();
      mirror.setConfig(config);
    },
    /** A snapshot of the login (`initial`: its first, as after a start), and what follows it. */
    async snapshot(initial = false) {
      venue.emit({
        type: "sync",
        connection: "fake",
        initial,
        accounts: venue.accountList,
        positions: [],
        fillIds: [],
      });
      await settle();
    },
    /** A restart, then the login's first snapshot (orders are read back from the broker). */
    async restartSynced() {
      this.restart();
      await this.snapshot(true);
    },
  };
}

/**
 * The leader (account 1) long 2 ESZ6 with a stop at 6790 and a target at 6820 as an OCO;
 * followers 2 and 3 long 2 and 1.
 */
export async function protectedLong(w: ReturnType<typeof mirrorWorld>) {
  w.venue.setPosition(1, "ESZ6", 2);
  w.venue.setPosition(2, "ESZ6", 2);
  w.venue.setPosition(3, "ESZ6", 1);
  const stop = w.venue.leaderOrder(1, { side: "Sell", orderType: "Stop", qty: 2, stopPrice: 6790 });
  const target = w.venue.leaderOrder(1, {
    side: "Sell",
    orderType: "Limit",
    qty: 2,
    price: 6820,
    ocoWith: stop,
  });
  w.venue.change(stop, { ocoWith: target });
  await w.settle();
  return { stop, target };
}
