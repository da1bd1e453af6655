import type { Follower, Group } from "../../data/schema.js";
import type { AccountRole } from "../accounts/directory.js";
import { mapContract, otherSizeOf } from "../symbols.js";
import type { Clock, EngineEvent, SyncStatusEvent } from "../types.js";
import { DEFAULT_MAX_CONTRACTS } from "../types.js";
import { heldByAccount } from "./accountCap.js";
import { whitelisted } from "./gates.js";
import { agreesWithRule, exitsOnly, expectedPosition } from "./sizing.js";

export interface SyncWatchDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  role(account: string): AccountRole | undefined;
  /** Every contract the leader holds or held, with its position as the copier acted on it. */
  leaderHeld(leader: string): ReadonlyMap<string, number>;
  /** The follower's position in its (mapped) contract: broker-reported plus in flight. */
  followerPosition(follower: string, contract: string): number;
  /** What our orders for the line sent and not yet filled or dead will still add (0 when none). */
  inFlight(follower: string, contract: string): number;
  /** What the follower's account holds on its lines other than `contract` (FollowerBook.elsewhere). */
  elsewhere?(follower: string, contract: string): number;
  /** Why the follower takes no openings now (paused, off, locked: gates.standsAside); undefined when it does. */
  asideReason(group: Group, follower: Follower): string | undefined;
  /** The follower's and its leader's positions are known (both logins have synced). */
  ready(group: Group, follower: Follower): boolean;
}

/**
 * OUT OF SYNC: after a re-sync, each follower's position per contract against what the sizing
 * rule expects from its leader's. A line that differs is announced and stays watched (announced
 * again on each change of it) until it matches. Nothing is sent from here: missed openings wait
 * for the trader's resync (missed exits are made up just before, by the reconciler).
 */
export class SyncWatch {
  /** follower → contracts shown out of sync. */
  private readonly watched = new Map<string, Set<string>>();

  constructor(private readonly deps: SyncWatchDeps) {}

  /**
   * Has/expects for every contract the follower's leader holds or held (lines at 0/0 left out). A
   * follower standing aside (locked, off, its group paused) is expected to follow exits only: a
   * locked follower flat beside a long leader is where it should be, not OUT OF SYNC.
   */
  lines(group: Group, follower: Follower): SyncStatusEvent[] {
    const aside = this.deps.asideReason(group, follower) !== undefined;
    // Two leader contracts may come to one follower contract (ESZ6 and MESZ6 with toMicro): the
    // line expects what the rule gives each, together, capped as one position.
    const expected = new Map<string, number>();
    // The whitelist stops openings only: what the rule gives a contract it holds back is followed
    // out, never in (a follower holding NQ when NQ left the whitelist keeps it until the leader exits).
    const heldBack = new Map<string, number>();
    for (const [leaderContract, leader] of this.deps.leaderHeld(group.leader)) {
      const contract = mapContract(leaderContract, follower.mapping);
      const part = expectedPosition(follower.sizing, leader, undefined);
      const into = whitelisted(group.whitelist, leaderContract) ? expected : heldBack;
      into.set(contract, (into.get(contract) ?? 0) + part);
      if (!expected.has(contract)) expected.set(contract, 0);
      // The product's other size, where a mapping since changed put it, is a line no leader exit
      // reaches any more: expected flat, so it shows and `r` closes it rather than left an orphan.
      const other = otherSizeOf(contract);
      if (other !== undefined && !expected.has(other)) expected.set(other, 0);
    }
    const cap = follower.maxContracts ?? DEFAULT_MAX_CONTRACTS;
    const lines: SyncStatusEvent[] = [];
    const capOf = (rule: number) => Math.sign(rule) * Math.min(Math.abs(rule), cap);
    for (const [contract, rule] of expected) {
      const has = this.deps.followerPosition(follower.account, contract);
      const base = capOf(rule);
      const withHeld = capOf(rule + (heldBack.get(contract) ?? 0));
      const ruled = base + exitsOnly(has - base, withHeld - base);
      // A line held short only by the account cap is judged as one held at max contracts.
      const capped = heldByAccount(ruled, has, this.roomOf(follower, contract));
      const expects = aside ? exitsOnly(has, capped) : capped;
      if (has === 0 && expects === 0) continue;
      lines.push({
        type: "syncStatus",
        at: this.deps.clock.now(),
        follower: follower.account,
        contract,
        has,
        expects,
        inSync: agreesWithRule(follower.sizing, has, expects),
      });
    }
    return lines;
  }

  /** What the account cap leaves a line: undefined without one. */
  private roomOf(follower: Follower, contract: string): number | undefined {
    const cap = follower.limits?.maxOpenContracts;
    if (cap === undefined) return undefined;
    return Math.max(0, cap - (this.deps.elsewhere?.(follower.account, contract) ?? 0));
  }

  /** The follower's account re-synced: its lines that differ are announced and watched. */
  followerResynced(group: Group, follower: Follower): void {
    this.check(group, follower, false);
  }

  /**
   * The leader re-synced: what it did while unseen was not copied as it happened; every follower
   * gets a look. `renewed`: its login was not lost but renewed to take in an account added to the
   * config; said only if the leader traded in that moment (a "reconnected" for a leader that never
   * went away sent the trader looking for a fault).
   */
  leaderResynced(group: Group, renewed?: { traded: boolean }): void {
    const madeUp = madeUpWords(group);
    const what = renewed
      ? `traded while its login re-synced for an account added to the config: those fills were not copied as they happened`
      : "reconnected: fills while it was down were not copied as they happened";
    if (!renewed || renewed.traded)
      this.deps.emit({
        type: "alert",
        at: this.deps.clock.now(),
        level: "warn",
        message: `leader ${group.leader} ${what}; ${madeUp}; check group "${group.name}"`,
        group: group.name,
      });
    for (const follower of group.followers) this.check(group, follower, !renewed || renewed.traded);
  }

  /**
   * What the follower is expected to hold changed: it was locked or unlocked, switched off or on,
   * its group paused or resumed, or a config edit changed its rule (RuleChanges). Lines shown are
   * said again (in sync once it stands aside), and what differs from the rule now is shown, for
   * `r`. Only once both it and its leader are synced: an empty leader book would clear what shows.
   */
  expectedChanged(group: Group, follower: Follower): void {
    if (this.deps.ready(group, follower)) this.check(group, follower, false);
  }

  /** Every follower of a group gets a look and is announced (after a busted leader fill). */
  recheck(group: Group): void {
    for (const follower of group.followers) this.check(group, follower, true);
  }

  /**
   * The follower's position in a contract may have changed (a fill, a report, an order of ours sent
   * or ended): a watched line is announced again, with what is in flight counted as `r` counts it.
   * A line brought to the rule by an order still in flight stays watched until that order is done:
   * should it fail, the line is announced OUT OF SYNC again.
   */
  changed(follower: string, contract: string): void {
    const contracts = this.watched.get(follower);
    if (!contracts) return;
    const role = this.deps.role(follower);
    // Under the account cap any line's change moves what the others may hold: each shown is said again.
    const capped = role?.kind === "follower" && role.follower.limits?.maxOpenContracts !== undefined;
    if (!capped && !contracts.has(contract)) return;
    if (role?.kind !== "follower") {
      this.unwatch(follower, contract);
      return;
    }
    const lines = this.lines(role.group, role.follower);
    const again = capped ? [...contracts] : [contract];
    for (const c of again) {
      const line = lines.find((s) => s.contract === c);
      if (!line || (line.inSync && this.deps.inFlight(follower, c) === 0)) this.unwatch(follower, c);
      const at = this.deps.clock.now();
      this.deps.emit(
        line ?? { type: "syncStatus", at, follower, contract: c, has: 0, expects: 0, inSync: true },
      );
    }
  }

  /** `all`: announce the lines in sync too (after a leader re-sync every line is news). */
  private check(group: Group, follower: Follower, all: boolean): void {
    // A shadow's account is not where its position is: nothing there is ever out of sync.
    if (follower.shadow) return;
    const account = follower.account;
    // A line shown out of sync is said again whatever it is now: a re-sync that finds it in sync
    // (the trader closed it by hand while the login was away) would otherwise leave the screen and
    // `mimik status` showing OUT OF SYNC until mimik stops.
    const shown = new Set(this.watched.get(account));
    for (const line of this.lines(group, follower)) {
      const wasShown = shown.delete(line.contract);
      if (!line.inSync) this.watch(account, line.contract);
      else if (wasShown && this.deps.inFlight(account, line.contract) === 0)
        this.unwatch(account, line.contract);
      if (all || !line.inSync || wasShown) this.deps.emit(line);
    }
    // Left out of the lines as 0 against 0: in sync.
    for (const contract of shown) {
      this.unwatch(account, contract);
      const at = this.deps.clock.now();
      this.deps.emit({
        type: "syncStatus",
        at,
        follower: account,
        contract,
        has: 0,
        expects: 0,
        inSync: true,
      });
    }
  }

  private watch(follower: string, contract: string): void {
    let contracts = this.watched.get(follower);
    if (!contracts) {
      contracts = new Set();
      this.watched.set(follower, contracts);
    }
    contracts.add(contract);
  }

  private unwatch(follower: string, contract: string): void {
    const contracts = this.watched.get(follower);
    contracts?.delete(contract);
    if (contracts?.size === 0) this.watched.delete(follower);
  }
}

/** What a group's re-sync made up of what its followers missed, by its `reconcile` setting. */
export function madeUpWords(group: Pick<Group, "reconcile">): string {
  const mode = group.reconcile ?? "exits";
  if (mode === "off") return "nothing was made up (reconcile off)";
  if (mode === "full") return "the followers were brought to the rule (reconcile full)";
  return "exits were made up, openings were not";
}
