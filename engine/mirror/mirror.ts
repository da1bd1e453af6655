/**
 * Issue 14: the leader's working orders on the followers. Beside the copier, never in front of it:
 * broker events reach the mirror after the copier's fan-out, and it looks at the followers they
 * concern once the current frame is handled (a microtask), so an order and its terms arriving in
 * one frame are one evaluation, and no copy ever waits for it.
 *
 * Per follower and leader contract, an evaluation reads what the leader has open (its session), what
 * the follower holds (its session, recognised by clOrdId, plus what is on its way), asks desire.ts
 * what the follower should have and plan.ts what closes the gap, lets late.ts decide about mirrors
 * of leader orders that filled, and sends the result through the sender (and the order gateway,
 * leader guard included). It then reports the follower's working orders for the screen.
 *
 * Hooks serve the copier: `covers` (does the follower's own order answer this leader fill?),
 * `beforeExit` (cancel before close), `cancellingOn` (is one being cancelled, so an exit beside it
 * could fill twice? a cancel refused is asked again: cancelRefusals.ts); `cancelEnded` (it is over).
 */
import type { Config, Group } from "../../data/schema.js";
import type { AccountRole } from "../accounts/directory.js";
import { accountCapOf } from "../copier/accountCap.js";
import type { FollowerGate } from "../copier/ports.js";
import { messageOf } from "../messageOf.js";
import type { OrderGateway } from "../orders/gateway.js";
import { mapContract } from "../symbols.js";
import type { AccountRoute, BrokerEvent, Clock, EngineEvent, Logger, Side } from "../types.js";
import { silentLogger } from "../types.js";
import { entriesElsewhere } from "./accountRoom.js";
import { applyPlan } from "./applyPlan.js";
import { cancelBeforeExit } from "./beforeExit.js";
import { CancelRefusals } from "./cancelRefusals.js";
import { SetTokens } from "./clOrdIds.js";
import { CountedOpenings } from "./countedOpenings.js";
import { desire } from "./desire.js";
import { FollowerOrders, isOpenStatus } from "./followerOrders.js";
import { besideLate, LateOrders } from "./lateOrders.js";
import { LeaderMemo } from "./leaderMemo.js";
import { takeAwayMirrors } from "./leaving.js";
import { plan } from "./plan.js";
import { MIRROR_REASONS } from "./reasons.js";
import { MirrorReporter } from "./reporter.js";
import { later, openContractOf, positionIn, readScene, type Scene } from "./scene.js";
import { Scheduler } from "./scheduler.js";
import { MirrorSender, type Target } from "./sender.js";
import { entriesHeld, lateOf, modeOf } from "./settings.js";
import type { Held } from "./types.js";
import { UnpostedFills } from "./unposted.js";

export interface MirrorAccounts {
  nameAt(connection: string, accountId: number): string | undefined;
  role(name: string): AccountRole | undefined;
  route(name: string): AccountRoute | undefined;
  connected(name: string): boolean;
}

export interface MirrorDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  gateway: Pick<OrderGateway, "placeWorking" | "placeOco" | "modify" | "cancel" | "placeMarket">;
  accounts: MirrorAccounts;
  gate(follower: string): FollowerGate;
  /** The follower's position once the copies on their way have filled (the copier's book). */
  expectedPosition?(follower: string, contract: string): number;
  /** The follower's broker refused a mirror (the copier makes up what it answered, MirrorAnswers). */
  onRefused?(follower: string, leaderOrderId: number, contract: string): void;
  /** What the account cap counts on the follower's lines other than `contract` (the copier's book). */
  accountElsewhere?(follower: string, contract: string): number;
  /** A mirror that was being cancelled is heard finished, or its cancel refused (an exit may wait for it). */
  cancelEnded?(follower: string, contract: string): void;
  /** A mirrored opening was placed (risk counts it as a trade, once per leader order). */
  onOpening?(follower: string, leaderOrderId: number): void;
  logger?: Logger | undefined;
  /** Runs work after the current broker frame; queueMicrotask by default. */
  defer?(work: () => void): void;
  /** A lone exit waits this long for a partner leg (default 1000 ms). */
  pairWindowMs?: number;
  /** At most one modify per order this often (default 250 ms). */
  modifyEveryMs?: number;
}

export class Mirror {
  private readonly orders = new FollowerOrders(
    (...refused) => this.deps.onRefused?.(...refused),
    (...ended) => this.deps.cancelEnded?.(...ended),
  );
  private readonly memo = new LeaderMemo();
  private readonly unposted = new UnpostedFills();
  private readonly sender: MirrorSender;
  private readonly logger: Logger;
  private readonly counted = new CountedOpenings();
  private readonly reporter: MirrorReporter;
  private readonly lateOrders: LateOrders;
  private readonly scheduler: Scheduler;
  private readonly cancelRefusals: CancelRefusals;
  private config: Config | undefined;

  constructor(private readonly deps: MirrorDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.sender = new MirrorSender({
      ...{ clock: deps.clock, emit: deps.emit, gateway: deps.gateway },
      orders: this.orders,
      tokens: new SetTokens(() => deps.clock.now()),
      logger: this.logger,
      modifyEveryMs: deps.modifyEveryMs ?? 250,
      onOpening: (follower, leaderId) => this.opened(follower, leaderId),
      answered: (follower) => this.scheduler.touch(follower),
      cancelRefused: (...refused) => this.cancelRefusals.refusedInAnswer(...refused),
    });
    this.reporter = new MirrorReporter(deps.clock, deps.emit);
    this.scheduler = new Scheduler(deps.clock, (followers) => this.run(followers), deps.defer);
    this.lateOrders = new LateOrders(this.sender, this.orders, this.memo, deps);
    const touch = (follower: string) => this.scheduler.touch(follower);
    this.cancelRefusals = new CancelRefusals({ ...deps, orders: this.orders, sender: this.sender, touch });
  }

  setConfig(config: Config): void {
    const before = this.config;
    this.config = config;
    const all = config.groups.flatMap((g) => g.followers);
    const now = new Set(all.filter((f) => !f.shadow).map((f) => f.account));
    const shadow = (name: string) => all.some((f) => f.account === name && f.shadow === true);
    for (const g of before?.groups ?? [])
      for (const f of g.followers) if (!now.has(f.account)) this.forget(g, f.account, shadow(f.account));
    for (const name of now) this.scheduler.touch(name);
  }

  stop(): void {
    this.scheduler.stop();
    this.cancelRefusals.stop();
  }

  /** After the copier had the event. Cheap: it only marks who to look at again. */
  onBrokerEvent(event: BrokerEvent): void {
    switch (event.type) {
      case "orderUpdate": {
        const role = this.roleAt(event.connection, event.order.accountId);
        if (role?.kind === "leader") {
          if (!modeOf(role.group)) return; // a group copying fills only mirrors nothing
          this.memo.update(role.group.leader, event.order, this.deps.clock.now(), lateOf(role.group).afterMs);
          if (this.memo.moved(event.order, event.modified)) this.sender.leaderMoved(event.order.orderId);
          this.touchGroup(role.group);
        } else if (role?.kind === "follower") {
          const { account } = role.follower;
          const { contract, orderId, filledQty, clOrdId, modifyRefused, status } = event.order;
          if (this.orders.update(account, event.order) && contract)
            this.unposted.filled(account, contract, orderId, filledQty ?? 0, this.deps.clock.now());
          if (modifyRefused && clOrdId) this.sender.refusedInReport(clOrdId, modifyRefused);
          // Ended: a modify given up for it is over (modifySpacing.ts).
          if (clOrdId && status !== undefined && !isOpenStatus(status)) this.sender.spacing.ended(clOrdId);
          if (event.order.cancelRefused) this.cancelRefusals.refused(role.group.name, account, event.order);
          this.scheduler.touch(account);
        }
        return;
      }
      case "fill": {
        const role = this.roleAt(event.connection, event.accountId);
        if (role?.kind === "follower" && modeOf(role.group))
          this.unposted.fill(role.follower.account, event.contract, event.orderId, event.qty);
        return;
      }
      case "position":
      case "riskStatus": {
        const accountId = event.type === "position" ? event.position.accountId : event.accountId;
        const role = this.roleAt(event.connection, accountId);
        // Positions and risk states size and gate mirrored orders: nothing to do without a mode.
        if (!role || !modeOf(role.group)) return;
        if (role.kind === "follower" && event.type === "position")
          this.unposted.posted(role.follower.account, event.position.contract);
        if (role.kind === "leader") this.touchGroup(role.group);
        else this.scheduler.touch(role.follower.account);
        return;
      }
      case "sync":
        for (const account of event.accounts) {
          const role = this.roleAt(event.connection, account.id);
          if (role?.kind === "leader") this.touchGroup(role.group);
          else if (role?.kind === "follower") {
            this.orders.synced(role.follower.account);
            this.unposted.forget(role.follower.account);
            this.scheduler.touch(role.follower.account);
          }
        }
        return;
      default:
        return;
    }
  }

  /** Risk changed a follower's state (a lock, an unlock, a flatten): look at it again. */
  followerChanged(follower: string): void {
    this.scheduler.touch(follower);
  }

  /** Hot path (every leader fill, every follower of a mirroring group): two map lookups. */
  covers(follower: string, leaderOrderId: number): boolean {
    return this.orders.covers(follower, leaderOrderId);
  }

  /** What the follower's mirrors of this leader order fill in all (FollowerOrders.sizeOf). */
  sizeOf(follower: string, leaderOrderId: number): number {
    const route = this.deps.accounts.route(follower);
    if (!route) return 0;
    const open = route.session.workingOrders(route.accountId);
    return this.orders.sizeOf(follower, route.accountId, open, leaderOrderId);
  }

  /** A mirror of this leader order is being cancelled for the follower (it may yet fill). */
  cancelling(follower: string, leaderOrderId: number): boolean {
    return this.orders.cancelling(follower, leaderOrderId);
  }

  /** A mirror of the follower's in `contract` on `side` is being cancelled: until heard finished it may fill. */
  cancellingOn(follower: string, contract: string, side: Side): boolean {
    return this.orders.cancellingOn(follower, contract, side);
  }

  /** An exit is about to be copied to the follower in `contract`: cancel before close (beforeExit.ts). */
  beforeExit(follower: string, contract: string, answering?: readonly number[]): void {
    const { orders, sender } = this;
    const parts = {
      accounts: this.deps.accounts,
      orders,
      sender,
      touch: (f: string) => this.scheduler.touch(f),
    };
    cancelBeforeExit(parts, follower, contract, answering);
  }

  // ------------------------------------------------------------------------------------------

  private evaluate(follower: string): void {
    const role = this.deps.accounts.role(follower);
    const route = this.deps.accounts.route(follower);
    if (role?.kind !== "follower" || !route || !this.deps.accounts.connected(follower)) return;
    // Issue 16: a shadow follower's working orders are not mirrored (nothing is ever sent to it).
    if (role.follower.shadow) return;
    const gate = this.deps.gate(follower);
    if (gate.state === "LIQUIDATE_ONLY") return; // the flatten owns the account now
    const { group } = role;
    const open = route.session.workingOrders(route.accountId);
    const held = this.orders.held(follower, route.accountId, open);
    const leaderRoute = this.deps.accounts.route(group.leader);
    const mode = modeOf(group);
    // Copying fills only: nothing to mirror, only what mimik mirrored before to take away.
    const scene: Scene | undefined =
      mode && leaderRoute && this.deps.accounts.connected(group.leader)
        ? readScene(group, follower, route, leaderRoute, this.deps.clock.now())
        : undefined;
    const byContract = new Map<string, Held[]>();
    for (const h of held) {
      const leaderContract = scene
        ? (openContractOf(scene, h.leaderId) ?? this.memo.filledOrder(h.leaderId)?.contract)
        : undefined;
      if (leaderContract === undefined) {
        const open = (id: number) => scene !== undefined && openContractOf(scene, id) !== undefined;
        if (scene && mode && this.lateOrders.keptWithPartner(held, h, open)) continue;
        // The leader's order is gone (or the group stopped mirroring); while the leader cannot be
        // seen nothing is taken away on a guess.
        if (!mode || scene)
          this.cancelStray(group, follower, route, h, mode ? MIRROR_REASONS.gone : MIRROR_REASONS.modeOff);
        if (h.busy === "placing" || h.busy === "modifying") scene?.unanswered.add(h.contract);
        continue;
      }
      byContract.set(leaderContract, [...(byContract.get(leaderContract) ?? []), h]);
    }
    if (scene) {
      this.prune(follower, scene);
      for (const lc of new Set([...scene.leaderOpen.keys(), ...byContract.keys()]))
        this.evaluateContract(scene, lc, byContract.get(lc) ?? [], gate, held);
      if (scene.recheckAt !== undefined) this.scheduler.at(follower, scene.recheckAt);
    }
    this.reporter.publish(group.name, follower, route, open, scene?.skips ?? [], held);
  }

  private evaluateContract(scene: Scene, lc: string, held: Held[], gate: FollowerGate, all: Held[]): void {
    const { group, follower, route, now } = scene;
    const role = this.deps.accounts.role(follower);
    const mode = modeOf(group);
    if (role?.kind !== "follower" || !mode) return;
    const cfg = role.follower;
    const contract = mapContract(lc, cfg.mapping);
    const t: Target = { group: group.name, follower, route, contract };
    const L = positionIn(scene.leaderRoute, lc);
    const F = positionIn(route, contract);
    // Copies on their way count: an exit in flight shrinks what legs may cover at once, an
    // opening in flight is covered once it has filled (it may yet be refused).
    const expected = this.deps.expectedPosition?.(follower, contract) ?? F;
    const covered =
      Math.sign(expected) === Math.sign(F) ? Math.sign(F) * Math.min(Math.abs(F), Math.abs(expected)) : 0;
    const held_ = entriesHeld(group, cfg, gate, lc);
    const late = lateOf(group);
    const forPlan = this.lateOrders.sort(t, held, {
      now,
      ...late,
      openIds: scene.openIds,
      leaderPosition: L,
      followerPosition: F,
      entriesHeld: held_,
      maxContracts: cfg.maxContracts,
      later: (at) => later(scene, at),
    });
    const desired = desire({
      mode,
      now,
      pairWindowMs: this.deps.pairWindowMs ?? 1000,
      leaderPosition: L,
      orders: this.memo.named(group.leader, scene.leaderOpen.get(lc) ?? []),
      wasExit: (id) => this.memo.wasExit(id),
      follower: {
        position: scene.lines.part(lc, contract, besideLate(covered, held, forPlan)),
        exposure: Math.abs(expected) > Math.abs(F) && Math.sign(expected) !== -Math.sign(F) ? expected : F,
        sizing: cfg.sizing,
        maxContracts: cfg.maxContracts,
        account: accountCapOf(cfg, () => {
          const entries = entriesElsewhere(all, contract, (c) => positionIn(route, c));
          return (this.deps.accountElsewhere?.(follower, contract) ?? 0) + entries;
        }),
        entriesHeld: held_,
        tradesLeft: gate.tradesLeft,
        // One found working after a restart was counted when it was placed (risk keeps the count).
        counted: (id) => this.counted.has(follower, id) || held.some((h) => h.leaderId === id),
        filledOf: (id) => this.orders.filledOf(follower, id),
      },
    });
    scene.lines.gave(contract, desired);
    this.memo.markExits(desired.exits);
    const p = plan({
      now,
      wants: desired.sets,
      held: forPlan,
      leaderOpen: (id) => scene.openIds.has(id),
      skipped: (id) => desired.skips.find((s) => s.leaderId === id)?.reason,
      modifies: this.sender.spacing,
      refused: (set) => this.sender.blocked(follower, set).length > 0,
      keepsLegs: route.session.placeOco
        ? undefined
        : (set, legs) => !this.orders.filledLegGone(follower, set, legs),
      exitsWaitUntil: this.unposted.waitUntil(follower, contract, now),
      staleUnanswered: scene.unanswered.has(contract),
    });
    applyPlan({ orders: this.orders, sender: this.sender }, scene, t, lc, desired, p);
  }

  // ------------------------------------------------------------------------------------------

  /** What was kept about leader orders now gone (neither open nor just filled) is let go. */
  private prune(follower: string, scene: Scene): void {
    const gone = (id: number) => !scene.openIds.has(id) && this.memo.filledOrder(id) === undefined;
    this.counted.prune(follower, gone);
    this.memo.pruneLegs(scene.group.leader, scene.openIds);
    this.orders.forgetGone(follower, gone);
  }

  private cancelStray(group: Group, follower: string, route: AccountRoute, h: Held, reason: string): void {
    if (h.busy || h.orderId === undefined) return;
    this.sender.cancel({ group: group.name, follower, route, contract: h.contract }, h, reason);
  }

  private opened(follower: string, leaderId: number): void {
    if (this.counted.add(follower, leaderId)) this.deps.onOpening?.(follower, leaderId);
  }

  private roleAt(connection: string, accountId: number): AccountRole | undefined {
    const name = this.deps.accounts.nameAt(connection, accountId);
    return name === undefined ? undefined : this.deps.accounts.role(name);
  }

  private touchGroup(group: Group): void {
    for (const f of group.followers) this.scheduler.touch(f.account);
  }

  private run(followers: string[]): void {
    this.sender.spacing.prune(this.deps.clock.now());
    for (const id of this.memo.expire(this.deps.clock.now())) {
      this.orders.forgetLeader(id);
      this.reporter.forgetLeader(id);
    }
    for (const follower of followers) {
      try {
        this.evaluate(follower);
      } catch (error) {
        this.logger.error("mirror: a follower's evaluation failed", { follower, error: messageOf(error) });
      }
    }
  }

  /** An account no longer a follower: what mimik mirrored on it is taken away, tied to no leader now. */
  private forget(group: Group, follower: string, shadow = false): void {
    takeAwayMirrors({ ...this.deps, orders: this.orders, sender: this.sender }, group, follower, shadow);
    this.orders.forget(follower);
    const how = shadow ? "became a shadow follower" : `left group "${group.name}"`;
    this.cancelRefusals.forget(follower, { group: group.name, how });
    this.unposted.forget(follower);
    this.counted.forget(follower);
    this.reporter.forget(follower);
    this.scheduler.forget(follower);
  }
}
