import type { Limits } from "../../data/schema.js";
import { FORCE_UNLOCK, REFUSALS } from "../outcome.js";
import type { EpochMs, FollowerRiskRecord, LockKind } from "../types.js";
import { evaluateLimits, pastTrailingFloor, trailingFloor, usd, weeklyBreach } from "./limits.js";
import { rolledPast, tradingDayOf, tradingWeekOf } from "./tradingDay.js";

/**
 * The per-follower lock machine, as pure functions over the persisted record:
 *
 *   ACTIVE ──breach / flatten-and-lock──► LIQUIDATE_ONLY ──broker reports flat──► LOCKED
 *   ACTIVE ──lock──► LOCKED              LOCKED / LIQUIDATE_ONLY ──unlock──► ACTIVE
 *
 * Lock kinds decide what clears them: daily, give-back and profit locks clear at the 17:00 CT roll;
 * weekly locks at the roll that starts a new week (Sunday 17:00 CT); trailing and manual locks stay
 * until the trader unlocks by hand. The trailing high-water mark is never reset by the roll.
 */

const STATES: ReadonlySet<unknown> = new Set<FollowerRiskRecord["state"]>([
  "ACTIVE",
  "LIQUIDATE_ONLY",
  "LOCKED",
]);

/**
 * A record read back from the state file, or (when it is not one) the lock that replaces it: an
 * unreadable record must never come back as ACTIVE.
 */
export function restoredRecord(record: unknown): { record: FollowerRiskRecord; readable: boolean } {
  if (record && typeof record === "object" && STATES.has((record as FollowerRiskRecord).state))
    return { record: { ...(record as FollowerRiskRecord) }, readable: true };
  return {
    record: { state: "LOCKED", lockKind: "manual", lockReason: "saved risk state unreadable" },
    readable: false,
  };
}

/** How long a lock lasts: a manual lock never clears by itself, a trailing one also needs --force. */
const STRENGTH: Record<LockKind, number> = {
  trades: 0,
  broker: 0,
  window: 0,
  daily: 1,
  giveback: 1,
  profit: 1,
  weekly: 2,
  manual: 3,
  trailing: 4,
};

const CLEARS_AT_ROLL: ReadonlySet<LockKind | undefined> = new Set<LockKind | undefined>([
  "daily",
  "giveback",
  "profit",
  "trades",
]);

/** Does a lock of this kind, taken on `lockDay`, clear by `currentDay`? */
function clearedBy(kind: LockKind | undefined, lockDay: string, currentDay: string): boolean {
  // A lock of a later day than the clock's (a clock set back) is today's, not a rolled one.
  if (!rolledPast(lockDay, currentDay)) return false;
  if (CLEARS_AT_ROLL.has(kind)) return true;
  return kind === "weekly" && tradingWeekOf(lockDay) !== tradingWeekOf(currentDay);
}

function stronger(current: LockKind | undefined, next: LockKind): LockKind {
  return current !== undefined && STRENGTH[current] > STRENGTH[next] ? current : next;
}

function cleared(record: FollowerRiskRecord): FollowerRiskRecord {
  const { lockKind: _k, lockReason: _r, lockedAt: _a, ...rest } = record;
  return { ...rest, state: "ACTIVE" };
}

/**
 * A breach or a flatten-and-lock: openings stop at once and the flatten starts. An account already
 * locked for a longer-lasting reason keeps that reason (a manual flatten of a trailing-locked
 * account must not turn it into something the roll or a plain unlock would clear).
 */
export function startLiquidation(
  record: FollowerRiskRecord,
  kind: LockKind,
  reason: string,
  now: EpochMs,
): FollowerRiskRecord {
  const keep = record.state !== "ACTIVE" && stronger(record.lockKind, kind) !== kind;
  return {
    ...record,
    state: "LIQUIDATE_ONLY",
    lockKind: keep ? record.lockKind : kind,
    lockReason: keep ? record.lockReason : reason,
    lockedAt: keep ? (record.lockedAt ?? now) : now,
  };
}

/**
 * The broker reports the account flat: LIQUIDATE_ONLY becomes LOCKED. A daily or profit lock taken
 * on an earlier trading day (a weekly one in an earlier week) was already cleared by the roll, so it
 * goes back to ACTIVE instead; given the net liq it is flat at, unless the roll's trailing or weekly
 * check holds it now (the flatten may have filled past the floor after the roll looked).
 */
export function markFlat(
  record: FollowerRiskRecord,
  currentTradingDay: string,
  now?: { limits: Limits; netLiq: number },
): FollowerRiskRecord {
  if (record.state !== "LIQUIDATE_ONLY") return record;
  const lockDay = record.lockedAt === undefined ? currentTradingDay : tradingDayOf(record.lockedAt);
  const locked: FollowerRiskRecord = { ...record, state: "LOCKED" };
  if (!clearedBy(record.lockKind, lockDay, currentTradingDay)) return locked;
  return now === undefined ? cleared(record) : settled(locked, now.limits, now.netLiq);
}

/**
 * A manual lock without a flatten: openings stop, the open position stays and closes still copy.
 * One already locked by hand (or for a trailing floor) is left as it is, its reason and time with
 * it: a second lock is the trader making sure, not a new lock. A lock the roll would clear becomes
 * a manual one, as the trader asked for a lock that stays until they unlock.
 */
export function lockManually(record: FollowerRiskRecord, reason: string, now: EpochMs): FollowerRiskRecord {
  if (
    record.state !== "ACTIVE" &&
    record.lockKind !== undefined &&
    STRENGTH[record.lockKind] >= STRENGTH.manual
  )
    return record;
  return {
    ...record,
    state: record.state === "LIQUIDATE_ONLY" ? "LIQUIDATE_ONLY" : "LOCKED",
    lockKind: "manual",
    lockReason: reason,
    lockedAt: now,
  };
}

export interface UnlockInput {
  force: boolean;
  limits: Limits;
  /** Current net liquidation; undefined while the account has not reported a balance. */
  netLiq: number | undefined;
}

export interface UnlockOutcome {
  ok: boolean;
  record: FollowerRiskRecord;
  message: string;
  /** What a forced unlock changed (flatten stopped, high-water mark reset, daily limits waived). */
  notes: string[];
  /** Forced past a daily or weekly limit: waive them until the next roll. */
  waiveDailyLimits: boolean;
}

/**
 * Unlock by hand. Refused (unless forced) while the account is still liquidating, still at or
 * below its trailing floor, or still past a daily limit: each would trip again on the next tick.
 * Refused too while its balance is not known and a limit needs it: unlocked blind, it would take
 * copies until the first balance re-tripped the limit. Forced then, it is unlocked and its limits
 * are checked at the first balance.
 * Forcing past the trailing floor restarts the high-water mark at the current net liquidation;
 * forcing past a daily or weekly limit waives them (daily loss, give-back, profit target, weekly
 * loss) until the next 17:00 CT roll, where each is watched again.
 */
export function unlock(record: FollowerRiskRecord, input: UnlockInput): UnlockOutcome {
  const no = (message: string): UnlockOutcome => ({
    ok: false,
    record,
    message,
    notes: [],
    waiveDailyLimits: false,
  });
  if (record.state === "ACTIVE")
    return { ok: true, record, message: "already active", notes: [], waiveDailyLimits: false };

  const hints: string[] = [];
  let next = cleared(record);
  let waiveDailyLimits = false;

  if (record.state === "LIQUIDATE_ONLY") {
    if (!input.force) return no(`still liquidating: it locks once flat; ${FORCE_UNLOCK} stops the flatten`);
    hints.push("flatten stopped");
  }

  if (input.netLiq === undefined && watchesMoney(input.limits)) {
    if (!input.force) return no(REFUSALS.balanceUnknown);
    // Nothing to waive or reset yet: the first balance is valued like any other, so a limit
    // still past then locks it again (and flattens it) at once.
    hints.push(BALANCE_DEFERRED);
  }

  const hwm = record.highWaterMark;
  if (input.netLiq !== undefined && hwm !== undefined && pastTrailingFloor(input.limits, input.netLiq, hwm)) {
    const floor = trailingFloor(input.limits, hwm) ?? 0;
    if (!input.force)
      return no(
        `net liq ${usd(input.netLiq)} is still at or below the trailing floor ${usd(floor)} ` +
          `(high-water mark ${usd(hwm)} − ${usd(input.limits.trailingDrawdown ?? 0)}); ` +
          `${FORCE_UNLOCK} restarts the high-water mark at the current net liq`,
      );
    next = { ...next, highWaterMark: input.netLiq };
    hints.push(`high-water mark reset from ${usd(hwm)} to ${usd(input.netLiq)}`);
  }

  const sod = record.startOfDayBalance;
  if (input.netLiq !== undefined && sod !== undefined) {
    const { dailyLoss, dailyProfitTarget, dailyGiveBack, weeklyLoss } = input.limits;
    const daily = evaluateLimits(
      { dailyLoss, dailyProfitTarget, dailyGiveBack, weeklyLoss },
      {
        netLiq: input.netLiq,
        startOfDayBalance: sod,
        highWaterMark: input.netLiq,
        tradesToday: 0,
        dayPeak: record.dayPeak,
        weekStartBalance: record.weekStartBalance,
      },
    );
    if (daily.breach) {
      const clears = daily.kind === "weekly" ? "the Sunday 17:00 CT roll" : "the 17:00 CT roll";
      if (!input.force)
        return no(
          `${daily.reason}; it clears at ${clears}; ${FORCE_UNLOCK} waives it until the next 17:00 CT roll`,
        );
      waiveDailyLimits = true;
      hints.push("daily limits waived until the 17:00 CT roll");
    }
  }

  const message = hints.length ? `unlocked (${hints.join("; ")})` : "unlocked";
  return { ok: true, record: next, message, notes: hints, waiveDailyLimits };
}

/** What a forced unlock before the first balance leaves for that balance to decide. */
const BALANCE_DEFERRED =
  "its balance is not known yet: its limits are checked the moment its first balance arrives, and it locks again if one is breached then";

/** A limit that needs the account's net liquidation to be checked. */
function watchesMoney(limits: Limits): boolean {
  const { trailingDrawdown, dailyLoss, dailyProfitTarget, dailyGiveBack, weeklyLoss } = limits;
  return [trailingDrawdown, dailyLoss, dailyProfitTarget, dailyGiveBack, weeklyLoss].some(
    (l) => l !== undefined,
  );
}

export interface RollInput {
  tradingDay: string;
  limits: Limits;
  /** Net liquidation now; undefined when unknown (the first balance seen becomes the start of day). */
  netLiq: number | undefined;
  /** The balance the broker says this day began with: the start of day, when known (advanceMarks). */
  dayStart?: number | undefined;
  /** … and this week: the start of a new week, when known. */
  weekStart?: number | undefined;
}

/**
 * The 17:00 CT roll: a new start-of-day balance and day peak, trades counted from zero, daily,
 * give-back and profit locks cleared; at the roll that starts a new week (Sunday 17:00 CT) also a
 * new week-start balance, and weekly locks cleared. The high-water mark, trailing locks and manual
 * locks are kept. A daily lock on an account that is also at or below its trailing floor becomes a
 * trailing lock instead of clearing, and one still past the weekly loss limit a weekly lock. A
 * daily lock still liquidating stays LIQUIDATE_ONLY and clears once flat (see markFlat). With net
 * liq unknown (a roll missed while stopped, a login not synced yet) a lock that might still hold
 * stays as it is until settleRolledLock sees the first balance: clearing it blind would let copies
 * through until that balance re-trips it.
 */
export function roll(record: FollowerRiskRecord, input: RollInput): FollowerRiskRecord {
  const week = tradingWeekOf(input.tradingDay);
  const newWeek = record.tradingWeek !== week;
  const { waivedDay: _waiverEnds, ...kept } = record;
  const start = input.dayStart ?? input.netLiq;
  const next: FollowerRiskRecord = {
    ...kept,
    tradingDay: input.tradingDay,
    startOfDayBalance: start,
    dayPeak: start === undefined || input.netLiq === undefined ? start : Math.max(start, input.netLiq),
    tradesToday: 0,
    ...(newWeek ? { tradingWeek: week, weekStartBalance: input.weekStart ?? start } : {}),
  };
  const clears = CLEARS_AT_ROLL.has(record.lockKind) || (newWeek && record.lockKind === "weekly");
  if (record.state === "ACTIVE" || !clears) return next;
  if (input.netLiq !== undefined) return settled(next, input.limits, input.netLiq);
  const mayHold =
    record.lockedAt !== undefined &&
    ((input.limits.trailingDrawdown !== undefined && record.highWaterMark !== undefined) ||
      (input.limits.weeklyLoss !== undefined && next.weekStartBalance !== undefined));
  return mayHold || record.state !== "LOCKED" ? next : cleared(next);
}

/**
 * A lock the roll left in place while net liq was unknown, decided at the first valuation after it
 * as the roll would have: trailing or weekly if those still hold, cleared otherwise. Any other
 * record comes back as it is.
 */
export function settleRolledLock(
  record: FollowerRiskRecord,
  tradingDay: string,
  limits: Limits,
  netLiq: number,
): FollowerRiskRecord {
  const kind = record.lockKind;
  if (record.state !== "LOCKED" || record.lockedAt === undefined) return record;
  if (!CLEARS_AT_ROLL.has(kind) && kind !== "weekly") return record;
  if (!clearedBy(kind, tradingDayOf(record.lockedAt), tradingDay)) return record;
  return settled(record, limits, netLiq);
}

/** A lock of a kind the roll clears, at the roll: trailing or weekly if still past those, else cleared. */
function settled(next: FollowerRiskRecord, limits: Limits, netLiq: number): FollowerRiskRecord {
  const hwm = next.highWaterMark;
  if (hwm !== undefined && pastTrailingFloor(limits, netLiq, hwm)) {
    const floor = trailingFloor(limits, hwm) ?? 0;
    return {
      ...next,
      lockKind: "trailing",
      lockReason: `trailing drawdown: net liq ${usd(netLiq)} at or below floor ${usd(floor)} at the roll`,
    };
  }
  const weekly = weeklyBreach(limits, {
    netLiq,
    startOfDayBalance: netLiq,
    highWaterMark: netLiq,
    tradesToday: 0,
    weekStartBalance: next.weekStartBalance,
  });
  if (weekly.breach) return { ...next, lockKind: "weekly", lockReason: `${weekly.reason} at the roll` };
  return next.state === "LOCKED" ? cleared(next) : next;
}
