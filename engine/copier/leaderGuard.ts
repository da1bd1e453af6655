import type { Group } from "../../data/schema.js";
import type { Clock, EngineEvent, FillEvent, PositionEvent } from "../types.js";
import type { LeaderBook } from "./leaderBook.js";
import type { CopierAccounts } from "./ports.js";
import type { SyncWatch } from "./syncWatch.js";

/**
 * How long a leader's report that runs ahead of the fills seen may wait for them. Tradovate sends
 * a trade's position before or after its fill within a frame, and a fill whose order the session
 * must look up first waits 300 ms and a request (a failed lookup is tried again 5 s later, on the
 * login's next event: the wait goes on while the login holds a fill back, `fillsWaiting`); a fill
 * not seen by then was missed. Waiting longer costs nothing but the alert's delay: the leader's
 * next fill judges a report that still waits at once (judgeAtFill).
 */
export const SETTLE_MS = 5_000;
/** How long a read of the leader's account, asked for a report without volume, may take before it is taken. */
export const READ_AGAIN_MS = 30_000;

/** The leader book's line: its position, the volume counted into it, a fill no report confirmed yet. */
export interface GuardLine {
  book: number;
  volume: number | undefined;
  unconfirmed: boolean;
  /**
   * Counted from 0 because the snapshot lacked the line (LeaderBook.assumed): the broker's count
   * may run higher by trades of the day that left it flat, so a report that says the book's
   * position with more volume may be the fill's own.
   */
  assumed?: boolean;
}

/** A leader's position report: netPos, and bought + sold where the broker gives it. */
export interface GuardReport {
  netPos: number;
  volume: number | undefined;
}

/**
 * - older: the report lacks a fill already counted (it is of an earlier moment): nothing to judge.
 * - agrees: it covers the fills seen and says what the book says.
 * - disagrees: it covers exactly the fills seen and says otherwise: a fill was missed or doubled.
 * - ahead: it may hold fills still on their way: judged at the next fill or after SETTLE_MS.
 * - unsure: no volume, and a fill seen is not confirmed yet: the report may be older than it.
 */
export type Verdict = "older" | "agrees" | "disagrees" | "ahead" | "unsure";

/**
 * A leader's report against the leader book. With volume on both sides, the volume says which
 * fills the report holds (it only grows). Without it (ProjectX gives none) a report that differs
 * is only judged while every fill seen has been confirmed by an agreeing report: otherwise it may
 * be one from before that fill. Even then it may run ahead of a fill on its way, so it waits.
 */
export function judgeReport(line: GuardLine, report: GuardReport): Verdict {
  if (report.volume !== undefined && line.volume !== undefined) {
    if (report.volume < line.volume) return "older";
    if (report.volume === line.volume) return report.netPos === line.book ? "agrees" : "disagrees";
    // The report of the fill just seen, over a count that started too low: it sets the count.
    if (line.assumed && line.unconfirmed && report.netPos === line.book) return "agrees";
    return "ahead";
  }
  if (report.netPos === line.book) return "agrees";
  return line.unconfirmed ? "unsure" : "ahead";
}

/**
 * A report that ran ahead, SETTLE_MS later. Still ahead with volume: the fills it holds never came,
 * it is the truth (agrees when the missed fills net out: only its volume is taken). Without
 * volume, a fill seen since makes it unsure, as it may have been that fill's report.
 */
export function judgeSettled(line: GuardLine, report: GuardReport): Exclude<Verdict, "ahead"> {
  const verdict = judgeReport(line, report);
  if (verdict !== "ahead") return verdict;
  return report.netPos === line.book ? "agrees" : "disagrees";
}

/**
 * A leader fill comes while a report that ran ahead waits. It is this fill's report when the
 * volumes meet and the positions too (confirms). It holds more still to come (keep it). Otherwise
 * it cannot hold this fill: it is older, and holds fills never seen (missed: the book takes it
 * before the fill steps, so a Sell 2 after a missed Buy 2 is an exit). Without volume only a
 * match of positions tells: else the report goes, and the next one is judged.
 */
export function judgeAtFill(
  line: GuardLine,
  held: GuardReport,
  signedQty: number,
): "keep" | "confirms" | "drop" | "missed" {
  const matches = held.netPos === line.book + signedQty;
  if (held.volume === undefined || line.volume === undefined) return matches ? "confirms" : "drop";
  const after = line.volume + Math.abs(signedQty);
  // Over a count that started too low, the fill's own report says its position with more volume.
  if (line.assumed && matches && held.volume > after) return "confirms";
  if (held.volume > after) return "keep";
  return held.volume === after && matches ? "confirms" : "missed";
}

export interface LeaderGuardDeps {
  clock: Clock;
  emit(event: EngineEvent): void;
  accounts: Pick<CopierAccounts, "nameAt" | "role" | "route">;
  leaders: Pick<LeaderBook, "known" | "volume" | "adopt" | "generation" | "assumed" | "rebase">;
  watch: Pick<SyncWatch, "recheck">;
  settleMs?: number | undefined;
}

interface Held {
  /** Reports that ran ahead of the fills seen, oldest (least volume) first; one without volume. */
  reports: GuardReport[];
  timer: unknown;
  /** The leader book's snapshot count when they came: a snapshot since is the truth, not they. */
  generation: number;
  /** The leader's account is being read again for them: its picture, not they, says where it is. */
  readAgain?: boolean;
}

/**
 * The leader book steps from the leader's fills; the leader's own position reports check it. A
 * fill mimik never acted on (missed, its id taken for one acted on, a broker anomaly) would leave
 * every later step wrong: a Sell 2 after a missed Buy 2 copied as an opening short. When a report
 * provably covers the fills seen and says otherwise, the book takes the broker's position and the
 * trader is told, once. Nothing is sent from here, to a leader (never) nor to the followers: the
 * adoption is no leader fill to copy, and the followers' rows show OUT OF SYNC for `r`.
 */
export class LeaderGuard {
  private readonly held = new Map<string, Held>();
  /** Lines with a fill no report confirmed yet, by the leader book's generation then (a snapshot confirms all). */
  private readonly unconfirmed = new Map<string, number>();

  constructor(private readonly deps: LeaderGuardDeps) {}

  /** A position report: a leader's is judged; any other account's is not this guard's. */
  position(event: PositionEvent): void {
    const { accountId, contract, netPos, volume } = event.position;
    const name = this.deps.accounts.nameAt(event.connection, accountId);
    const role = name === undefined ? undefined : this.deps.accounts.role(name);
    if (role?.kind !== "leader") return;
    const { group } = role;
    const report = { netPos, volume };
    const verdict = judgeReport(this.line(group.leader, contract), report);
    if (verdict === "ahead") this.hold(group.leader, contract, report);
    else if (verdict === "agrees") this.agreed(group.leader, contract, report);
    else if (verdict === "disagrees") this.tell(group, contract, this.take(group.leader, contract, report));
    if (verdict === "agrees" || verdict === "disagrees") this.prune(group.leader, contract);
  }

  /**
   * A leader fill mimik acts on, before the book steps from it. Reports that ran ahead and cannot
   * hold it are taken in turn (a Buy 2 missed, then the Sell 2's report came before its fill: the
   * Buy's report is taken, the Sell's confirms the fill).
   */
  beforeFill(group: Group, event: FillEvent): void {
    const { leader } = group;
    const k = key(leader, event.contract);
    const signedQty = event.side === "Buy" ? event.qty : -event.qty;
    // Reports from before a snapshot are superseded by it.
    if (this.held.get(k)?.generation !== this.deps.leaders.generation(leader)) this.release(k);
    const held = this.held.get(k);
    const had = this.deps.leaders.known(leader, event.contract) ?? 0;
    let confirmed = held !== undefined && this.confirmsAssumed(leader, event.contract, held, signedQty);
    let taken = false;
    while (held && held.reports.length > 0 && !confirmed) {
      const report = held.reports[0] as GuardReport;
      const verdict = judgeAtFill(this.line(leader, event.contract), report, signedQty);
      if (verdict === "keep") break;
      held.reports.shift();
      confirmed = verdict === "confirms";
      if (verdict === "missed") {
        this.take(leader, event.contract, report);
        taken = true;
      }
    }
    if (held && held.reports.length === 0) this.release(k);
    if (taken) this.tell(group, event.contract, had);
    // The fill is confirmed only by a report holding it (one that came first, or the next).
    if (confirmed) this.unconfirmed.delete(k);
    else this.unconfirmed.set(k, this.deps.leaders.generation(leader));
  }

  stop(): void {
    for (const k of [...this.held.keys()]) this.release(k);
  }

  private line(leader: string, contract: string): GuardLine {
    const { leaders } = this.deps;
    const book = leaders.known(leader, contract) ?? 0;
    const unconfirmed = this.unconfirmed.get(key(leader, contract)) === leaders.generation(leader);
    const assumed = leaders.assumed(leader, contract);
    return { book, volume: leaders.volume(leader, contract), unconfirmed, assumed };
  }

  /** A report that agrees confirms the fills seen; over a count that started from 0 it sets the count. */
  private agreed(leader: string, contract: string, report: GuardReport): void {
    this.unconfirmed.delete(key(leader, contract));
    if (report.volume !== undefined && this.deps.leaders.assumed(leader, contract))
      this.deps.leaders.rebase(leader, contract, report.volume);
  }

  /**
   * Over a count that started from 0, the fill's own report may wait behind older ones that also
   * ran ahead of the count (no fill confirmed them): the first that says this fill's position is
   * its report, those before it are gone, and the count is the broker's from it.
   */
  private confirmsAssumed(leader: string, contract: string, held: Held, signedQty: number): boolean {
    const line = this.line(leader, contract);
    if (!line.assumed || line.volume === undefined) return false;
    const i = held.reports.findIndex((r) => judgeAtFill(line, r, signedQty) === "confirms");
    const report = held.reports[i];
    if (!report || report.volume === undefined) return false;
    held.reports.splice(0, i + 1);
    this.deps.leaders.rebase(leader, contract, report.volume - Math.abs(signedQty));
    return true;
  }

  /** Waits SETTLE_MS from the last report that ran ahead (its fill may be a request away). */
  private hold(leader: string, contract: string, report: GuardReport): void {
    const k = key(leader, contract);
    const generation = this.deps.leaders.generation(leader);
    const before = this.held.get(k);
    if (before) this.deps.clock.clearTimeout(before.timer);
    const kept = before?.generation === generation && report.volume !== undefined ? before.reports : [];
    const reports = [
      ...kept.filter((r) => r.volume !== undefined && r.volume < (report.volume ?? 0)),
      report,
    ];
    const timer = this.deps.clock.setTimeout(() => this.settle(leader, contract), this.settleMs());
    this.held.set(k, { reports, timer, generation });
  }

  /** No fill came for the reports that ran ahead: the latest is the truth, unless fills passed it. */
  private settle(leader: string, contract: string): void {
    const k = key(leader, contract);
    const held = this.held.get(k);
    // A fill of the login waits for its order's lookup (retried 5 s after a failure, on the next
    // event): it may be this report's, and would then be stepped again past the report taken.
    if (held && this.deps.accounts.route(leader)?.session.fillsWaiting?.()) {
      held.timer = this.deps.clock.setTimeout(() => this.settle(leader, contract), this.settleMs());
      return;
    }
    this.held.delete(k);
    const role = this.deps.accounts.role(leader);
    const report = held?.reports.at(-1);
    if (!report || role?.kind !== "leader" || held?.generation !== this.deps.leaders.generation(leader))
      return;
    const verdict = judgeSettled(this.line(leader, contract), report);
    // Without volume nothing tells a missed fill from a late one (ProjectX may tell a trade seconds
    // behind its position, no order update announcing it): taken now, that trade would step the
    // book again (+2 taken, then +4, and the leader's Sell 2 left each follower 1). The account is
    // read again instead: its trades come as history, its positions as the truth (syncApply).
    if (verdict === "disagrees" && report.volume === undefined && !held.readAgain && this.readAgain(leader)) {
      const timer = this.deps.clock.setTimeout(() => this.settle(leader, contract), READ_AGAIN_MS);
      this.held.set(k, { ...held, timer, readAgain: true });
      return;
    }
    if (verdict === "agrees" || verdict === "disagrees")
      this.tell(role.group, contract, this.take(leader, contract, report));
  }

  /** Asks the leader's session to read its account again; false when it cannot. */
  private readAgain(leader: string): boolean {
    const route = this.deps.accounts.route(leader);
    if (!route?.session.readAgain) return false;
    route.session.readAgain(route.accountId);
    return true;
  }

  private settleMs(): number {
    return this.deps.settleMs ?? SETTLE_MS;
  }

  /**
   * Held reports the book has caught up with are no longer ahead. Without volume on either side
   * nothing orders them but their coming: the report just judged is newer, and they are gone (a
   * ProjectX re-sync's +1 and 0 of trades already history: the +1 would be taken 5 s later).
   */
  private prune(leader: string, contract: string): void {
    const k = key(leader, contract);
    const held = this.held.get(k);
    if (!held) return;
    const line = this.line(leader, contract);
    const counted = (r: GuardReport) => r.volume !== undefined && line.volume !== undefined;
    held.reports = held.reports.filter((r) => counted(r) && judgeReport(line, r) === "ahead");
    if (held.reports.length === 0) this.release(k);
  }

  private release(k: string): void {
    const held = this.held.get(k);
    if (held) this.deps.clock.clearTimeout(held.timer);
    this.held.delete(k);
  }

  /** The book takes the report; returns what it had when that differs (undefined when it agreed). */
  private take(leader: string, contract: string, report: GuardReport): number | undefined {
    const had = this.deps.leaders.known(leader, contract) ?? 0;
    this.deps.leaders.adopt(leader, contract, report.netPos, report.volume);
    this.unconfirmed.delete(key(leader, contract));
    return had === report.netPos ? undefined : had;
  }

  /** Once per disagreement: the trader is told, and the followers get a look (OUT OF SYNC). */
  private tell(group: Group, contract: string, had: number | undefined): void {
    const { leader } = group;
    const now = this.deps.leaders.known(leader, contract) ?? 0;
    if (had === undefined || had === now) return;
    this.deps.emit({
      type: "alert",
      at: this.deps.clock.now(),
      level: "error",
      message: `leader ${leader} ${contract}: the broker says ${signed(now)}, mimik had ${signed(had)} from the fills it saw (a leader fill missed or counted twice); its next fills step from ${signed(now)} and nothing was sent for the difference: followers of group "${group.name}" may be out of step, check the rows marked OUT OF SYNC and resync them with r (mimik resync under headless)`,
      group: group.name,
    });
    this.deps.watch.recheck(group);
  }
}

function key(leader: string, contract: string): string {
  return `${leader}\u0000${contract}`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
