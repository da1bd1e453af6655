/**
 * A copier with the mirror's hooks played by sets (which follower's mirror covers which leader
 * order, which is being cancelled, how big each is) against the fake broker: leader L (account 1),
 * followers F (2) and G2 (3) in one group copying orders.
 */
import type { Sizing } from "../../data/schema.js";
import { AccountDirectory } from "../../engine/accounts/directory.js";
import { Copier } from "../../engine/copier/copier.js";
import { OrderGateway } from "../../engine/orders/gateway.js";
import type { CopyEvent, EngineEvent } from "../../engine/types.js";
import { FakeBroker, fakeClock } from "../copier/fakeBroker.js";
import { buildConfig, MemoryLedger } from "../copier/harness.js";

/** "F:77" → its mirror of leader order 77 … ; sizes: "F:77" → contracts that mirror fills in all. */
export function world(
  covered: Set<string>,
  cancelling = new Set<string>(),
  sizes?: Map<string, number>,
  /** F's sizing (×1 unless given). */
  sizing: Sizing = { mode: "multiplier", value: 1 },
  /** "F:ESZ6:Sell" → the mirror is cancelling F's exits on ESZ6 that sell (mirrorCancels). */
  cancelsOn = new Set<string>(),
) {
  const clock = fakeClock();
  const broker = new FakeBroker(clock);
  const config = buildConfig([
    { name: "G", leader: "L", copy: "orders", followers: [{ account: "F", sizing }, { account: "G2" }] },
  ]);
  const directory = new AccountDirectory();
  directory.setConfig(config);
  const sessions = config.accounts.map((a, i) => {
    const s = broker.session(a.connection);
    broker.addAccount(s, i + 1, a.name);
    return s;
  });
  const events: EngineEvent[] = [];
  const calls: string[] = [];
  const gateway = new OrderGateway({ clock, emit: (e) => events.push(e), leaders: directory });
  const copier = new Copier({
    clock,
    emit: (e) => events.push(e),
    gateway,
    accounts: directory,
    gate: () => ({ state: "ACTIVE" }),
    ledger: new MemoryLedger(),
    covers: (follower, orderId) => covered.has(`${follower}:${orderId}`),
    mirrorCancelling: (follower, orderId) => cancelling.has(`${follower}:${orderId}`),
    mirrorCancels: (follower, contract, side) => cancelsOn.has(`${follower}:${contract}:${side}`),
    ...(sizes && {
      mirrorSize: (follower: string, orderId: number) => sizes.get(`${follower}:${orderId}`) ?? 0,
    }),
    beforeExit: (follower, contract, answering) =>
      calls.push(
        `beforeExit ${follower} ${contract}${answering === undefined ? "" : ` sparing ${answering}`} (orders so far: ${broker.placed.length})`,
      ),
  });
  for (const s of sessions) {
    s.on((e) => {
      if (e.type === "sync") directory.learn(s, e.accounts);
      copier.onBrokerEvent(e);
    });
    s.sync(true);
  }
  const copies = () => events.filter((e): e is CopyEvent => e.type === "copy");
  return { broker, copier, copies, calls, events, clock };
}

/** What was placed on an account, as [side, qty]. */
export function ordersTo(w: ReturnType<typeof world>, account: string) {
  return w.broker.placed.filter((p) => p.accountName === account).map((p) => [p.action, p.qty]);
}
